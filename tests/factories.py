"""Factories for tests. Build data the way the API would store it."""

import copy
import json
from functools import cache
from pathlib import Path

import factory

from candidates.api_clients import key_hash
from candidates.models import ApiClient, Candidate, Session


class ApiClientFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ApiClient

    name = factory.Sequence(lambda n: f"ats-{n}")
    key_prefix = "vk_test"
    key_hash = factory.Sequence(lambda n: key_hash(f"vk_test_{n}"))
    webhook_secret = "whsec_test"


class CandidateFactory(factory.django.DjangoModelFactory):
    """A consistent, honest US candidate (the contract's example)."""

    class Meta:
        model = Candidate

    client = factory.SubFactory(ApiClientFactory)
    external_id = factory.Sequence(lambda n: f"ats-{n:05d}")
    full_name = "Anna Maria Eriksson"
    email = factory.Sequence(lambda n: f"anna.eriksson{n}@example.com")
    # Each its own phone and street: the worker keys every assessed candidate, and shared
    # defaults would link every factory candidate to every other.
    phone = factory.Sequence(lambda n: f"+1 314 201 {n % 10000:04d}")
    claimed_location = factory.LazyFunction(
        lambda: {
            "country": "US",
            "region": "MO",
            "city": "St. Louis",
            "timezone": "America/Chicago",
        }
    )
    home_address = factory.Sequence(
        lambda n: {
            "line1": f"{n + 1} Main St",
            "line2": "",
            "city": "St. Louis",
            "region": "MO",
            "postal_code": "63101",
            "country": "US",
        }
    )
    claimed_country = "US"


class SessionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Session

    candidate = factory.SubFactory(CandidateFactory)
    ip = "73.54.120.18"
    seen_at = factory.Faker("date_time_this_month", tzinfo=__import__("datetime").UTC)
    kind = "application"
    timezone = "America/Chicago"


@cache
def _contract_example() -> dict:
    path = Path(__file__).resolve().parent.parent / "docs" / "examples" / "candidate.json"
    return json.loads(path.read_text())


def contract_example() -> dict:
    """The contract's example candidate (no images), as the README posts it: a fresh copy."""
    return copy.deepcopy(_contract_example())
