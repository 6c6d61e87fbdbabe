"""Settings for the bench's own deployment: production's, plus one URL production never has.

`bench.urls` adds the bare DRF create endpoint the suite uses as its ceiling for a POST.
"""

from vetting.settings import *  # noqa: F403

ROOT_URLCONF = "bench.urls"
