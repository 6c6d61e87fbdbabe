"""Synthetic demo candidates: a few hundred consistent, honest ones and a few obvious fraud rings.

Everything is generated from a fixed seed, so every `make demo` shows the same people. Payloads
have the API's shape and go through the same service as the API, so links, hashes and
assessments are exactly what production would store.
"""

from __future__ import annotations

import base64
import io
import random
from datetime import UTC, date, datetime, timedelta
from typing import Any

from PIL import Image, ImageDraw

FIRST = [
    "Anna",
    "James",
    "Maria",
    "Robert",
    "Linda",
    "Michael",
    "Sarah",
    "David",
    "Emily",
    "Daniel",
    "Laura",
    "Thomas",
    "Olivia",
    "Kevin",
    "Grace",
    "Brian",
    "Chloe",
    "Eric",
    "Hannah",
    "Jason",
    "Megan",
    "Ryan",
    "Nina",
    "Victor",
    "Sofia",
    "Lucas",
    "Elena",
    "Marco",
    "Priya",
    "Ahmed",
    "Yuki",
    "Ingrid",
    "Pedro",
    "Fatima",
    "Kofi",
    "Mei",
]
LAST = [
    "Eriksson",
    "Johnson",
    "Garcia",
    "Miller",
    "Davis",
    "Martinez",
    "Wilson",
    "Anderson",
    "Taylor",
    "Thomas",
    "Moore",
    "Jackson",
    "White",
    "Harris",
    "Clark",
    "Lewis",
    "Walker",
    "Young",
    "Allen",
    "King",
    "Wright",
    "Scott",
    "Torres",
    "Nguyen",
    "Hill",
    "Adams",
    "Baker",
    "Nelson",
    "Carter",
    "Mitchell",
    "Perez",
    "Roberts",
    "Turner",
    "Phillips",
]

# (country, region, city, timezone, phone prefix, postal code, residential IP prefix)
PLACES = [
    ("US", "MO", "St. Louis", "America/Chicago", "+1 314 20{}", "63101", "73.54."),
    ("US", "IL", "Chicago", "America/Chicago", "+1 312 55{}", "60601", "73.44."),
    ("US", "NY", "New York", "America/New_York", "+1 212 40{}", "10001", "69.112."),
    ("US", "CA", "San Diego", "America/Los_Angeles", "+1 619 35{}", "92101", "68.101."),
    ("US", "TX", "Austin", "America/Chicago", "+1 512 47{}", "73301", "70.112."),
    ("US", "WA", "Seattle", "America/Los_Angeles", "+1 206 52{}", "98101", "73.97."),
    ("GB", "", "London", "Europe/London", "+44 20 7946 0{}", "SW1A 1AA", "86.1."),
    ("DE", "", "Berlin", "Europe/Berlin", "+49 30 1234{}", "10115", "91.64."),
]
STREETS = [
    "Main St",
    "Oak Ave",
    "Maple Dr",
    "Cedar Ln",
    "Pine St",
    "Elm St",
    "Lake Rd",
    "Hill Ave",
    "Park Blvd",
    "River Rd",
]
SKILLS = [
    "Python",
    "Django",
    "React",
    "TypeScript",
    "Go",
    "Kubernetes",
    "PostgreSQL",
    "AWS",
    "Terraform",
    "Rust",
    "Java",
    "Spring",
    "GraphQL",
    "Redis",
    "Kafka",
    "Swift",
]
EMPLOYERS = [
    "Acme Corp",
    "Globex",
    "Initech",
    "Umbrella Health",
    "Stark Logistics",
    "Wayne Analytics",
    "Hooli",
    "Vandelay Imports",
    "Soylent Foods",
    "Tyrell Systems",
]


def image_b64(seed: int, *, kind: str = "photo", quality: int = 85) -> str:
    """A small, distinctive JPEG: a 'portrait' for photos, a card with fields for documents."""
    rnd = random.Random(seed)
    w, h = (240, 300) if kind == "photo" else (500, 350)
    img = Image.new("RGB", (w, h), tuple(rnd.randrange(150, 255) for _ in range(3)))
    draw = ImageDraw.Draw(img)
    if kind == "document":
        draw.rectangle((20, 60, 170, 260), fill=tuple(rnd.randrange(40, 200) for _ in range(3)))
        for row in range(6):
            draw.rectangle(
                (200, 70 + row * 30, 200 + rnd.randrange(120, 280), 82 + row * 30),
                fill=(30, 30, 60),
            )
    for _ in range(14):
        x, y = rnd.randrange(w), rnd.randrange(h)
        r = rnd.randrange(10, 60)
        draw.ellipse(
            (x - r, y - r, x + r, y + r), fill=tuple(rnd.randrange(0, 255) for _ in range(3))
        )
    out = io.BytesIO()
    img.save(out, "JPEG", quality=quality)
    return base64.b64encode(out.getvalue()).decode()


def pdf_bytes(text: str, *, author: str = "", creator: str = "", producer: str = "") -> bytes:
    """A one-page PDF 1.4 with `text` in Helvetica and a document information dictionary."""

    def literal(value: str) -> str:
        return value.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")

    lines = text.splitlines() or [""]
    stream = "BT /F1 11 Tf 72 740 Td 14 TL " + " ".join(f"({literal(li)}) '" for li in lines)
    stream += " ET"
    info = " ".join(
        f"/{k} ({literal(v)})"
        for k, v in (("Author", author), ("Creator", creator), ("Producer", producer))
        if v
    )
    objects = [
        "<< /Type /Catalog /Pages 2 0 R >>",
        "<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] "
        "/Resources << /Font << /F1 4 0 R >> >> /Contents 5 0 R >>",
        "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
        f"<< /Length {len(stream)} >>\nstream\n{stream}\nendstream",
        f"<< {info} /CreationDate (D:20260301120000Z) /ModDate (D:20260302093000Z) >>",
    ]
    out = io.BytesIO()
    out.write(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(out.tell())
        out.write(f"{number} 0 obj\n{body}\nendobj\n".encode("latin-1"))
    xref = out.tell()
    out.write(f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode())
    for offset in offsets:
        out.write(f"{offset:010d} 00000 n \n".encode())
    out.write(
        f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R /Info {len(objects)} 0 R >>\n"
        f"startxref\n{xref}\n%%EOF\n".encode()
    )
    return out.getvalue()


def _mrz_check(field: str) -> str:
    values = {**{str(d): d for d in range(10)}, "<": 0, **{chr(65 + i): 10 + i for i in range(26)}}
    return str(sum(values[c] * (7, 3, 1)[i % 3] for i, c in enumerate(field)) % 10)


def td3_mrz(
    *,
    surname: str,
    given: str,
    number: str,
    nationality: str,
    dob: date,
    sex: str,
    expiry: date,
    issuing: str = "USA",
) -> str:
    name = f"{surname.upper()}<<{given.upper().replace(' ', '<')}"
    line1 = f"P<{issuing}{name}".ljust(44, "<")[:44]
    num = number.ljust(9, "<")[:9]
    birth, exp = dob.strftime("%y%m%d"), expiry.strftime("%y%m%d")
    personal = "<" * 14
    body = (
        num
        + _mrz_check(num)
        + nationality
        + birth
        + _mrz_check(birth)
        + sex
        + exp
        + _mrz_check(exp)
        + personal
        + _mrz_check(personal)
    )
    composite = body[0:10] + body[13:20] + body[21:43]
    return line1 + "\n" + body + _mrz_check(composite)


def _resume(rnd: random.Random, name: str) -> str:
    skills = rnd.sample(SKILLS, 5)
    jobs = rnd.sample(EMPLOYERS, 3)
    years = rnd.randrange(3, 15)
    lines = [
        name,
        "Senior Software Engineer",
        "",
        f"Engineer with {years} years of experience building {skills[0]} and {skills[1]} "
        f"systems; led migrations to {skills[2]} and mentored teams of {rnd.randrange(2, 9)}.",
        "",
        "Experience",
    ]
    for job in jobs:
        lines.append(
            f"{job} — built {rnd.choice(skills)} services handling "
            f"{rnd.randrange(1, 90)}k requests per second; "
            f"cut costs by {rnd.randrange(5, 60)} percent with {rnd.choice(skills)}."
        )
    lines += ["", "Skills", ", ".join(skills)]
    return "\n".join(lines)


def _sessions(
    rnd: random.Random,
    *,
    ip: str,
    tz: str,
    local_offset: int,
    now: datetime,
    count: int = 3,
    night: bool = False,
) -> list[dict[str, Any]]:
    sessions = []
    for i in range(count):
        day = now - timedelta(days=rnd.randrange(1, 20))
        local_hour = rnd.choice([2, 3, 4]) if night else rnd.randrange(9, 18)
        seen = day.replace(hour=0, minute=rnd.randrange(60), second=0, microsecond=0) + timedelta(
            hours=local_hour - local_offset / 60
        )
        sessions.append(
            {
                "ip": ip,
                "seen_at": seen.strftime("%Y-%m-%dT%H:%M:%SZ"),
                "kind": ["application", "interview", "login"][i % 3],
                "user_agent": "Mozilla/5.0 (X11; Linux x86_64) Chrome/131.0",
                "timezone": tz,
                "utc_offset_minutes": local_offset,
            }
        )
    return sessions


def honest(i: int, now: datetime) -> dict[str, Any]:
    rnd = random.Random(1000 + i)
    country, region, city, tz, phone_fmt, postal, ip_prefix = PLACES[i % len(PLACES)]
    first, last = rnd.choice(FIRST), rnd.choice(LAST)
    name = f"{first} {last}"
    address = {
        "line1": f"{rnd.randrange(1, 9999)} {rnd.choice(STREETS)}",
        "line2": "",
        "city": city,
        "region": region,
        "postal_code": postal,
        "country": country,
    }
    offset = {
        "America/Chicago": -360,
        "America/New_York": -300,
        "America/Los_Angeles": -480,
        "Europe/London": 0,
        "Europe/Berlin": 60,
    }[tz]
    # Distinct numbers per candidate: honest people do not share phones.
    local_part = f"{i % 10} {1000 + i}" if country == "US" else f"{100 + i % 900:03d}"
    phone = phone_fmt.format(local_part)
    dob = date(rnd.randrange(1965, 2000), rnd.randrange(1, 13), rnd.randrange(1, 28))
    payload: dict[str, Any] = {
        "external_id": f"demo-{i:04d}",
        "full_name": name,
        "email": f"{first.lower()}.{last.lower()}{i}@example.com",
        "phone": phone,
        "date_of_birth": dob.isoformat(),
        "claimed_location": {"country": country, "region": region, "city": city, "timezone": tz},
        "home_address": address,
        "shipping_address": {k: v for k, v in address.items() if k != "line2"},
        "sessions": _sessions(
            rnd,
            ip=f"{ip_prefix}{rnd.randrange(1, 254)}.{rnd.randrange(1, 254)}",
            tz=tz,
            local_offset=offset,
            now=now,
        ),
        "resume_text": _resume(rnd, name),
        "photo": image_b64(50_000 + i),
    }
    payload.update(_pipeline_fields(i, name))
    if country == "US":
        payload["payout"] = {
            "account_holder": name,
            "bank_country": "US",
            "routing_number": "081000210",
            "account_number": f"{rnd.randrange(10**9, 10**10)}",
        }
        number = f"{rnd.randrange(10**8, 10**9)}"
        expiry = date(now.year + rnd.randrange(1, 9), rnd.randrange(1, 13), 15)
        payload["documents"] = [
            {
                "kind": "passport",
                "number": number,
                "issuing_country": "USA",
                "expires_on": expiry.isoformat(),
                "mrz": td3_mrz(
                    surname=last,
                    given=first,
                    number=number,
                    nationality="USA",
                    dob=dob,
                    sex=rnd.choice("MF"),
                    expiry=expiry,
                ),
            }
        ]
    return payload


STAGES = ["applied", "screening", "interviewing", "interviewing", "offer", "hired"]
AGENCIES = ["Harbor Tech Recruiting", "Summit Talent Partners", None]  # None: applied directly


def _pipeline_fields(i: int, name: str) -> dict[str, Any]:
    """v1.1's hiring-pipeline fields as an honest candidate has them: a stage, an agency for two
    in three, a former manager as reference, and now and then a referral by an earlier (honest)
    candidate. Drawn from a generator of their own, so the v1.0 fields above stay as they were."""
    rnd = random.Random(5000 + i)
    ref_first, ref_last = rnd.choice(FIRST), rnd.choice(LAST)
    employer = rnd.choice(EMPLOYERS).lower().replace(" ", "")
    fields: dict[str, Any] = {
        "stage": rnd.choice(STAGES),
        "references": [
            {
                "name": f"{ref_first} {ref_last}",
                "email": f"{ref_first.lower()}.{ref_last.lower()}.{i}@{employer}.example.com",
                "relationship": "manager",
            }
        ],
    }
    if AGENCIES[i % len(AGENCIES)]:
        fields["vendor"] = AGENCIES[i % len(AGENCIES)]
    if i >= 5 and i % 7 == 0:
        fields["referred_by"] = {"external_id": f"demo-{i - 5:04d}"}
    return fields


def fraud_rings(now: datetime) -> list[dict[str, Any]]:
    """Four rings: a laptop farm, a resume mill, a borrowed photo, a staffing vendor's bench."""
    rnd = random.Random(7)
    people: list[dict[str, Any]] = []
    # Ring 1: five "US" engineers; one passport scan re-encoded, one VoIP-style phone, one
    # shipping address, hosting IPs, and a browser clock in UTC+9.
    ring_doc_seed = 900_001
    for k, (first, last) in enumerate(
        [("Kevin", "Lee"), ("Brian", "Park"), ("Jason", "Kim"), ("Eric", "Cho"), ("Ryan", "Han")]
    ):
        people.append(
            {
                "external_id": f"demo-ring1-{k}",
                "full_name": f"{first} {last}",
                "email": f"{first.lower()}.{last.lower()}.dev@gmail.com",
                "phone": "+1 415 870 3311",
                "claimed_location": {
                    "country": "US",
                    "region": "TN",
                    "city": "Nashville",
                    "timezone": "America/Chicago",
                },
                "home_address": {
                    "line1": f"{100 + k * 17} Broadway",
                    "city": "Nashville",
                    "region": "TN",
                    "postal_code": "37203",
                    "country": "US",
                },
                "shipping_address": {
                    "line1": "4410 Charlotte Pike Apt 12",
                    "city": "Nashville",
                    "region": "TN",
                    "postal_code": "37209",
                    "country": "US",
                },
                "sessions": _sessions(
                    rnd,
                    ip=f"167.99.14.{200 + k}",
                    tz="Asia/Seoul",
                    local_offset=540,
                    now=now,
                    count=4,
                    night=False,
                ),
                "documents": [
                    {
                        "kind": "passport",
                        "number": f"56781{k}234",
                        "issuing_country": "USA",
                        "expires_on": (now.date() + timedelta(days=900)).isoformat(),
                        "image": image_b64(ring_doc_seed, kind="document", quality=90 - k * 7),
                    }
                ],
                "payout": {
                    "account_holder": "Li Wei Trading Ltd",
                    "bank_country": "HK",
                    "account_number": f"0048{k}113377",
                },
                "resume_text": _resume(random.Random(300 + k), f"{first} {last}"),
                "photo": image_b64(700_000 + k),
            }
        )
    # Ring 2: a resume mill; the same resume with names swapped, one payout account, one IP.
    mill_resume = _resume(random.Random(4242), "NAME")
    for k, (first, last) in enumerate(
        [("Daniel", "Scott"), ("Megan", "Hill"), ("Victor", "Adams"), ("Sofia", "Baker")]
    ):
        people.append(
            {
                "external_id": f"demo-ring2-{k}",
                "full_name": f"{first} {last}",
                "email": f"{first.lower()}{last.lower()}.work{k}@mailinator.com"
                if k == 0
                else f"{first.lower()}.{last.lower()}{k}@outlook.com",
                "phone": f"+1 206 555 01{10 + k}",
                "claimed_location": {
                    "country": "US",
                    "region": "WA",
                    "city": "Seattle",
                    "timezone": "America/Los_Angeles",
                },
                "home_address": {
                    "line1": f"{20 + k} Pine St",
                    "city": "Seattle",
                    "region": "WA",
                    "postal_code": "98101",
                    "country": "US",
                },
                "sessions": _sessions(
                    rnd,
                    ip="45.77.120.14",
                    tz="America/Los_Angeles",
                    local_offset=-480,
                    now=now,
                    count=3,
                    night=True,
                ),
                "payout": {
                    "account_holder": "Victor Adams",
                    "bank_country": "US",
                    "routing_number": "026009593",
                    "account_number": "4455667788",
                },
                "resume_text": mill_resume.replace("NAME", f"{first} {last}"),
            }
        )
    # Ring 3: one borrowed photo under three names and three countries' claims.
    for k, (first, last, country, city, tz) in enumerate(
        [
            ("Grace", "Turner", "US", "Austin", "America/Chicago"),
            ("Chloe", "Walker", "GB", "London", "Europe/London"),
            ("Laura", "Young", "DE", "Berlin", "Europe/Berlin"),
        ]
    ):
        people.append(
            {
                "external_id": f"demo-ring3-{k}",
                "full_name": f"{first} {last}",
                "email": f"{first.lower()}.{last.lower()}{k}@example.org",
                "claimed_location": {"country": country, "city": city, "timezone": tz},
                "photo": image_b64(800_000, quality=88 - k * 10),
                "sessions": _sessions(
                    rnd,
                    ip=f"185.220.101.{10 + k}",
                    tz="Asia/Shanghai",
                    local_offset=480,
                    now=now,
                    count=3,
                ),
            }
        )
    people += _vendor_bench(now, rnd)
    return people


VENDOR_BENCH = [("Alex", "Morgan"), ("Chris", "Bailey"), ("Jordan", "Reed"), ("Taylor", "Brooks")]
BENCH_HANDLER = "Andrew Novak"  # paid for all four, and the author of their resume files


def _vendor_bench(now: datetime, rnd: random.Random) -> list[dict[str, Any]]:
    """Ring 4, in v1.1's fields: four Chicago engineers from one staffing vendor who look
    clean one by one (own phones, addresses, residential IPs, consistent clocks), but one person
    is paid for all of them on one Payoneer account, the first vouches for the other three as
    their former manager and referred them, and one account wrote all their resume files."""
    people = []
    lead_phone = "+1 312 557 9010"
    for k, (first, last) in enumerate(VENDOR_BENCH):
        name = f"{first} {last}"
        resume = _resume(random.Random(700 + k), name)
        text = resume.replace("\u2014", "-")  # Helvetica's PDF encoding has no em dash
        person: dict[str, Any] = {
            "external_id": f"demo-ring4-{k}",
            "full_name": name,
            "email": f"{first.lower()}.{last.lower()}.dev{k}@outlook.com",
            "phone": f"+1 312 557 {9010 + 7 * k}",
            "claimed_location": {
                "country": "US",
                "region": "IL",
                "city": "Chicago",
                "timezone": "America/Chicago",
            },
            "home_address": {
                "line1": f"{1200 + 40 * k} N Clark St",
                "city": "Chicago",
                "region": "IL",
                "postal_code": "60610",
                "country": "US",
            },
            "sessions": _sessions(
                rnd,
                ip=f"24.15.{30 + k}.{9 + k}",
                tz="America/Chicago",
                local_offset=-360,
                now=now,
                count=3,
            ),
            "stage": "offer" if k == 3 else "interviewing",
            "vendor": "Brightpath Staffing LLC",
            "payout": {
                "method": "payoneer",
                "account_holder": BENCH_HANDLER,
                "account_email": "brightpath.payouts@gmail.com",
            },
            "resume_text": resume,
            "resume_file": {
                "filename": f"{first}_{last}_CV.pdf",
                "content": base64.b64encode(
                    pdf_bytes(text, author=BENCH_HANDLER, creator="Microsoft Word")
                ).decode(),
            },
        }
        if k:
            person["references"] = [
                {"name": "Alex Morgan", "phone": lead_phone, "relationship": "manager"}
            ]
            person["referred_by"] = {"external_id": "demo-ring4-0", "name": "Alex Morgan"}
        people.append(person)
    return people


def demo_updates() -> list[dict[str, Any]]:
    """Later writes, as an ATS sends them (an omitted field is unchanged), for the history
    checks: the bench member at the offer stage switches the payout to a new bank account, and
    another replaces the phone three times in a week."""
    updates: list[dict[str, Any]] = [
        {
            "external_id": "demo-ring4-3",
            "payout": {
                "method": "bank",
                "account_holder": BENCH_HANDLER,
                "bank_country": "US",
                "routing_number": "071000013",
                "account_number": "7788990011",
            },
        }
    ]
    updates += [
        {"external_id": "demo-ring4-2", "phone": f"+1 312 557 {9500 + n}"} for n in range(3)
    ]
    return updates


def demo_payloads(count: int = 300, now: datetime | None = None) -> list[dict[str, Any]]:
    now = now or datetime.now(UTC)
    rings = fraud_rings(now)
    return [honest(i, now) for i in range(count - len(rings))] + rings
