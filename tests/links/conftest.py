import pytest


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    """Images go to a per-test directory through Django's default storage."""
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(tmp_path / "media")},
        },
    }
