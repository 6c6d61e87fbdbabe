"""Production's URLs plus the bench's ceiling endpoint (mounted only by bench.settings)."""

from django.urls import path

from bench.bare import BareCreateView
from vetting.urls import urlpatterns as production

urlpatterns = [path("bench/bare/", BareCreateView.as_view()), *production]
