from django.contrib import admin
from django.urls import include, path

from candidates.metrics import metrics_view
from candidates.signin import second_factor
from candidates.views_health import healthz

urlpatterns = [
    path("healthz", healthz, name="healthz"),
    path("metrics", metrics_view, name="metrics"),
    path("admin/", admin.site.urls),
    path("accounts/2fa/", second_factor, name="second_factor"),
    path("accounts/", include("django.contrib.auth.urls")),
    path("", include("candidates.api.urls")),
    path("", include("candidates.urls")),
]
