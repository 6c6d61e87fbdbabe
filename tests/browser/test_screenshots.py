"""README screenshots (docs/img/queue.png, docs/img/detail.png) against demo-like data.

Not a check: runs only with VETTING_SCREENSHOTS=1, e.g.
    VETTING_SCREENSHOTS=1 DEBUG=1 .venv/bin/pytest tests/browser/test_screenshots.py
"""

import io
import os
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from django.contrib.auth.models import Group, User
from django.core.files.base import ContentFile
from PIL import Image as PILImage
from PIL import ImageDraw

from candidates.models import Candidate, Image, Signal
from candidates.roles import RECRUITERS
from tests.browser.conftest import sign_in
from tests.dashboard.conftest import PASSWORD, assessed
from tests.factories import ApiClientFactory, CandidateFactory, SessionFactory

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
    pytest.mark.skipif(
        os.environ.get("VETTING_SCREENSHOTS") != "1",
        reason="screenshots are made on request (VETTING_SCREENSHOTS=1)",
    ),
]
OUT = Path(__file__).resolve().parents[2] / "docs" / "img"
RESUME = (
    "Senior backend engineer, 8 years\n"
    "Designed and operated payment microservices handling 2M transactions a day\n"
    "Led migration from monolith to Kubernetes on AWS with zero downtime\n"
    "Python, Go, PostgreSQL, Redis, Kafka\nBSc Computer Science"
)


_STORIES = {
    "link.photo_duplicate": (
        "Profile photo is near-identical to 2 other candidates' photos",
        {"hamming_distance": 2, "hash": "perceptual (pHash)"},
    ),
    "link.phone_shared": (
        "Phone +1 314 ***-0187 is also given by 3 other candidates",
        {"phone": "+1 314 ***-0187", "holders": 4},
    ),
    "link.resume_duplicate": (
        "Resume is 87% similar to Daniel Kim's",
        {"similarity": "87%", "method": "5-word shingles, MinHash"},
    ),
    "timezone.off_hours_activity": (
        "8 of 10 sessions fall between 23:00 and 05:00 in America/Chicago",
        {"night_sessions": 8, "sessions": 10, "timezone": "America/Chicago"},
    ),
    "ip.hosting_provider": (
        "Application IP 45.14.71.13 belongs to a hosting provider",
        {"ip": "45.14.71.13", "network": "hosting (ASN list)"},
    ),
    "email.disposable": (
        "mailinator.com is a disposable mail provider",
        {"domain": "mailinator.com", "source": "disposable-email-domains list"},
    ),
}


def _portrait(colour: tuple[int, int, int]) -> Image:
    pic = PILImage.new("RGB", (240, 300), (226, 232, 240))
    draw = ImageDraw.Draw(pic)
    draw.ellipse((70, 50, 170, 160), fill=colour)
    draw.rounded_rectangle((40, 170, 200, 300), radius=50, fill=colour)
    buf = io.BytesIO()
    pic.save(buf, "PNG")
    img = Image(sha256="a" * 64, content_type="image/png", width=240, height=300)
    img.file.save("demo.png", ContentFile(buf.getvalue()), save=False)
    img.save()
    return img


def _demo() -> Candidate:
    greenhouse, lever = ApiClientFactory(name="Greenhouse"), ApiClientFactory(name="Lever")
    photo = _portrait((100, 116, 139))
    ring = [
        CandidateFactory(
            full_name=n, client=lever, resume_text=RESUME.replace("8", "9"), photo=photo
        )
        for n in ("Daniel Kim", "Jonas Weber", "Li Wei Chen")
    ]
    main = CandidateFactory(
        full_name="Michael Brown",
        client=greenhouse,
        external_id="gh-20931",
        email="m.brown.dev@mailinator.com",
        phone="+1 314 555 0187",
        resume_text=RESUME,
        photo=photo,
    )
    for day, hour in enumerate((1, 2, 2, 3, 3, 3, 4, 15, 23, 0)):
        # Chicago is UTC-6 in November: +6 h puts these at those local hours.
        SessionFactory(
            candidate=main,
            seen_at=datetime(2026, 11, 10 + day, hour, 10, tzinfo=UTC) + timedelta(hours=6),
            ip=f"45.14.71.{hour + 10}",
        )
    assessed(
        main,
        [
            ("link.photo_duplicate", 60, ring[:2]),
            ("link.phone_shared", 40, ring),
            ("link.resume_duplicate", 35, ring[:1]),
            ("timezone.off_hours_activity", 25, []),
            ("ip.hosting_provider", 20, []),
            ("email.disposable", 15, []),
        ],
        **{
            "link.phone_shared": "phone +1 314 ***-0187",
            "link.photo_duplicate": "photo",
            "link.resume_duplicate": "resume (87% similar)",
        },
    )
    for code, (message, evidence) in _STORIES.items():
        Signal.objects.filter(assessment=main.completed_assessment, code=code).update(
            message=message, evidence=evidence
        )
    for i, c in enumerate(ring):
        assessed(c, [("link.phone_shared", 40, [main]), ("ip.hosting_provider", 20 + i * 10, [])])
    Candidate.objects.filter(pk=ring[1].pk).update(review_status="rejected")
    honest = [
        ("Anna Eriksson", []),
        ("Priya Natarajan", [("email.disposable", 15, [])]),
        ("Tomás García", [("phone.country_mismatch", 30, [])]),
        ("Sofia Rossi", [("ip.country_mismatch", 30, []), ("timezone.mismatch", 35, [])]),
        ("Kwame Mensah", []),
        ("Emily Clarke", [("phone.voip", 25, [])]),
        ("Yuki Tanaka", []),
    ]
    for i, (name, signals) in enumerate(honest):
        assessed(CandidateFactory(full_name=name, client=(greenhouse, lever)[i % 2]), signals)
    return main


def test_screenshots(new_page):
    user = User.objects.create_user(username="rita", password=PASSWORD, is_staff=True)
    user.groups.add(Group.objects.get(name=RECRUITERS))
    main = _demo()
    OUT.mkdir(parents=True, exist_ok=True)
    page = new_page(1366, 860)
    sign_in(page, "rita", PASSWORD)
    page.screenshot(path=str(OUT / "queue.png"), full_page=True)
    page.goto(f"/candidates/{main.id}/")
    page.wait_for_load_state("networkidle")
    page.screenshot(path=str(OUT / "detail.png"), full_page=True)
    assert (OUT / "detail.png").stat().st_size > 10_000
