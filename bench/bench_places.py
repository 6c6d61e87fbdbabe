"""Costs of the offline place data and the resume parsers added for issue 12.

- GeoNames gazetteer: first load, country-to-country least distance (cold and cached), the
  claimed location's zone (cold and cached);
- the ip check with impossible travel on subjects of 5 and 1,000 sessions;
- reading a resume file: a one-page PDF and a DOCX of 200 paragraphs.
One process, one thread; no database.

    DEBUG=1 .venv/bin/python bench/bench_places.py
"""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "vetting.settings")
os.environ.setdefault("DEBUG", "1")

import django

django.setup()

from datetime import UTC, datetime, timedelta  # noqa: E402

from candidates.resumes import resume_decode  # noqa: E402
from checks import geo, places  # noqa: E402
from checks.base import Context  # noqa: E402
from checks.ip import IpCheck  # noqa: E402
from checks.ip.lookup import ip_lookup  # noqa: E402
from tests.checks.subjects import example, session  # noqa: E402
from tests.resume_files import b64, docx_bytes, pdf_bytes  # noqa: E402

PAIRS = [("US", "CN"), ("US", "GB"), ("RU", "BR"), ("IN", "CA"), ("DE", "FR"), ("AU", "NZ")]
CITIES = [
    ("US", "MO", "St. Louis"),
    ("US", "OH", "Springfield"),
    ("GB", "", "London"),
    ("DE", "", "Koeln"),
    ("CA", "", "Toronto"),
    ("IN", "", "Pune"),
]
IPS = ["73.54.120.18", "58.247.0.1", "2.125.160.216", "24.114.0.1", "84.128.0.1"]


def timed(label: str, fn, repeat: int = 1) -> None:
    start = time.perf_counter()
    for _ in range(repeat):
        fn()
    per = (time.perf_counter() - start) / repeat
    unit, value = ("ms", per * 1e3) if per >= 1e-3 else ("µs", per * 1e6)
    print(f"{label:<58} {value:10.1f} {unit}")


def main() -> None:
    timed("gazetteer first load", lambda: geo.cities_in("US"))
    for a, b in PAIRS:
        timed(f"country distance {a}-{b}, cold", lambda a=a, b=b: geo.country_distance_km(a, b))
    timed("country distance, cached", lambda: geo.country_distance_km("US", "CN"), 10_000)
    for country, region, city in CITIES:
        location = {"country": country, "region": region, "city": city}
        timed(f"claimed zone {city}, cold", lambda loc=location: places.claimed_zones(loc, None))
    location = {"country": "US", "region": "MO", "city": "St. Louis"}
    timed("claimed zone, cached", lambda: places.claimed_zones(location, None), 10_000)
    for ip in IPS:
        ip_lookup(ip)  # load the IP data outside the timings
    start = datetime(2026, 11, 1, tzinfo=UTC)
    check = IpCheck()
    for n in (5, 1000):
        sessions = tuple(session(IPS[i % len(IPS)], start + timedelta(hours=i)) for i in range(n))
        subject = example(sessions=sessions)
        timed(
            f"ip check incl. impossible travel, {n} sessions",
            lambda s=subject: check.run(s, IpCheck.Params(), Context()),
            20,
        )
    text = "\n".join(f"Line {i}: built payment systems in Go and Python" for i in range(200))
    pdf = b64(pdf_bytes(text[:3000], author="Anna Eriksson", producer="LibreOffice 7.6"))
    docx = b64(docx_bytes(text, author="Anna Eriksson"))
    timed("resume PDF, one page", lambda: resume_decode(content=pdf, filename="cv.pdf"), 20)
    timed("resume DOCX, 200 paragraphs", lambda: resume_decode(content=docx, filename="c.docx"), 20)


if __name__ == "__main__":
    main()
