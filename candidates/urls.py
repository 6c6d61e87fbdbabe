"""Dashboard URLs (the contract's operating surface: /, /candidates/<id>/, /rules/, /audit/)."""

from django.urls import path

from candidates.dashboard import views, views_manage
from candidates.rules import urls as rules_urls

app_name = "dashboard"
urlpatterns = [
    path("", views.queue, name="queue"),
    path("queue.csv", views.queue_export, name="queue_export"),
    path("candidates/<uuid:candidate_id>/", views.candidate, name="candidate"),
    path("candidates/<uuid:candidate_id>/images/<uuid:image_id>/", views.image, name="image"),
    path("candidates/<uuid:candidate_id>/observations/", views.observe, name="observe"),
    path("candidates/<uuid:candidate_id>/decision/", views.decide, name="decide"),
    path("audit/", views_manage.audit, name="audit"),
    *rules_urls.urlpatterns,
]
