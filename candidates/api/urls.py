"""The HR-facing API under /api/. Unknown /api/ paths answer the contract's JSON 404."""

from django.urls import path, re_path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from candidates.api import schema, views
from candidates.api.errors import json_error


def api_not_found(request, *args, **kwargs):
    return json_error(status_code=404, request_id=getattr(request, "request_id", ""))


__all__ = ["schema", "urlpatterns"]  # schema registers the Bearer scheme

urlpatterns = [
    path("api/v1/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("api/docs/", SpectacularSwaggerSplitView.as_view(url_name="api-schema"), name="api-docs"),
    path("api/v1/candidates/", views.CandidatesView.as_view(), name="api-candidates"),
    path("api/v1/candidates/batch/", views.CandidateBatchView.as_view(), name="api-batch"),
    path(
        "api/v1/candidates/<str:candidate_id>/", views.CandidateView.as_view(), name="api-candidate"
    ),
    path(
        "api/v1/candidates/<str:candidate_id>/sessions/",
        views.SessionsView.as_view(),
        name="api-sessions",
    ),
    path(
        "api/v1/candidates/<str:candidate_id>/observations/",
        views.ObservationsView.as_view(),
        name="api-observations",
    ),
    path(
        "api/v1/candidates/<str:candidate_id>/reassess/",
        views.ReassessView.as_view(),
        name="api-reassess",
    ),
    path(
        "api/v1/candidates/<str:candidate_id>/assessments/",
        views.AssessmentsView.as_view(),
        name="api-assessments",
    ),
    path("api/v1/signals/", views.SignalsView.as_view(), name="api-signals"),
    re_path(r"^api/", api_not_found),
]
