"""The rules workspace's URLs, mounted under the dashboard's namespace at /rules/."""

from django.urls import path

from candidates.rules import views

urlpatterns = [
    path("rules/", views.workspace, name="rules"),
    path("rules/rescore/", views.rescore, name="rules_rescore"),
    path("rules/rescore/start/", views.rescore_start, name="rules_rescore_start"),
    path("rules/drafts/new/", views.draft_new, name="rules_draft_new"),
    path("rules/drafts/<int:pk>/", views.draft, name="rules_draft"),
    path("rules/drafts/<int:pk>/discard/", views.draft_discard, name="rules_draft_discard"),
    path("rules/drafts/<int:pk>/simulate/", views.simulate, name="rules_simulate"),
    path("rules/drafts/<int:pk>/publish/", views.publish, name="rules_publish"),
    path("rules/simulations/<uuid:sim_id>/", views.simulation, name="rules_simulation"),
    path(
        "rules/simulations/<uuid:sim_id>/resume/",
        views.simulation_resume,
        name="rules_simulation_resume",
    ),
    path("rules/versions/<int:version>/rollback/", views.rollback, name="rules_rollback"),
]
