"""End to end through checks.engine.evaluate with the active rule set loaded from the database:
the contract's honest example raises nothing, and each identity code fires on a crafted variant."""

from __future__ import annotations

from dataclasses import fields
from datetime import UTC, date, datetime

import phonenumbers
import pytest
from phonenumbers import PhoneNumberType

from checks.base import Context
from checks.engine import evaluate
from checks.registry import CHECKS
from checks.rulesets import ruleset_active_snapshot
from tests.checks.subjects import ICAO_TD3, document, example, session


def _e164(region: str, kind: int) -> str:
    number = phonenumbers.example_number_for_type(region, kind)
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def _night(hour_utc: int) -> datetime:
    return datetime(2026, 11, 19, hour_utc, 10, tzinfo=UTC)


KP = "175.45.176.1"  # 175.45.176.0/22, Star Joint Venture (Pyongyang)
BAD_MRZ = (
    "P<USAERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<\n5841207393USA7408122F3204154<<<<<<<<<<<<<<00"
)

VARIANTS = {
    "phone.invalid": {"phone": "+1 555"},
    "phone.voip": {"phone": _e164("GB", PhoneNumberType.VOIP)},
    "phone.personal_number": {"phone": _e164("GB", PhoneNumberType.PERSONAL_NUMBER)},
    "phone.uan": {"phone": _e164("GB", PhoneNumberType.UAN)},
    "phone.premium_rate": {"phone": _e164("US", PhoneNumberType.PREMIUM_RATE)},
    "phone.non_geographic": {"phone": _e164("US", PhoneNumberType.TOLL_FREE)},
    "phone.country_mismatch": {"phone": _e164("KP", PhoneNumberType.MOBILE)},
    "phone.timezone_mismatch": {"phone": _e164("US", PhoneNumberType.FIXED_LINE)},
    "email.invalid": {"email": "anna@@example.com"},
    "email.disposable": {"email": "anna@mailinator.com"},
    "ip.invalid": {"sessions": (session("999.1.1.1"),)},
    "ip.country_mismatch": {"sessions": (session(KP), session(KP, _night(15)))},
    "ip.hosting_provider": {"sessions": (session("167.99.14.200"),)},
    "ip.tor_exit": {"sessions": (session("185.220.101.1"),)},
    "timezone.mismatch": {
        "sessions": (session(timezone="Asia/Pyongyang", utc_offset_minutes=540),)
    },
    "timezone.off_hours_activity": {
        "sessions": tuple(session(seen_at=_night(h)) for h in (7, 8, 9))
    },
    "address.shipping_mismatch": {"shipping_address": {"city": "Chicago", "country": "US"}},
    "payout.name_mismatch": {"payout_account_holder": "John Smith"},
    "payout.country_mismatch": {"payout_bank_country": "CN"},
    "document.mrz_invalid": {"documents": (document(mrz=BAD_MRZ),)},
    "document.mrz_mismatch": {"date_of_birth": date(1980, 1, 1)},
    "document.expired": {"documents": (document(expires_on=date(2025, 1, 1)),)},
}


@pytest.fixture
def rules(db):
    return ruleset_active_snapshot()


def _codes(subject, rules) -> set[str]:
    return {s.code for s in evaluate(subject, rules, Context()).signals}


def test_contract_example_raises_nothing(rules):
    outcome = evaluate(example(), rules, Context())
    assert outcome.signals == []
    assert (outcome.risk_score, outcome.risk_level) == (0, "low")


@pytest.mark.parametrize("code", sorted(VARIANTS))
def test_each_code_fires_on_its_variant(rules, code):
    assert code in _codes(example(**VARIANTS[code]), rules)


def test_every_identity_code_has_a_variant_and_a_rule(rules):
    mine = [c for c in CHECKS if c.name not in ("interview", "link")]
    identity = {code for check in mine for code in check.codes}
    assert identity == set(VARIANTS)
    assert identity <= set(rules["signals"])
    for check in mine:
        assert rules["checks"][check.name]["enabled"] is True
        check.params_from(rules["checks"][check.name]["params"])  # migration params are valid


def test_migration_params_are_the_checks_defaults(rules):
    for check in CHECKS:
        if check.name in ("interview", "link"):
            continue
        defaults = {f.name: getattr(check.Params(), f.name) for f in fields(check.Params)}
        as_json = {k: list(v) if isinstance(v, tuple) else v for k, v in defaults.items()}
        assert rules["checks"][check.name]["params"] == as_json, check.name
        for code, info in check.codes.items():
            assert rules["signals"][code]["points"] == info.points, code
            assert rules["signals"][code]["severity"] == info.severity, code


def test_active_rule_set_weights_scores(rules):
    outcome = evaluate(example(**VARIANTS["payout.name_mismatch"]), rules, Context())
    [signal] = outcome.signals
    assert signal.score == rules["signals"]["payout.name_mismatch"]["points"]
    assert outcome.risk_score == signal.score == signal.contribution


def test_malformed_values_are_signals_not_exceptions(rules):
    subject = example(
        phone="call me maybe",
        email="not an email",
        sessions=(
            session("garbage"),
            session("10.0.0.7"),
            session(timezone="Not/AZone", utc_offset_minutes=99999),
        ),
        documents=(
            document(mrz="P<USA\nTOO SHORT"),
            document(mrz=ICAO_TD3.replace("7408122", "7413322"), issuing="UTO", number="L898902C3"),
        ),
    )
    codes = _codes(subject, rules)
    assert {
        "phone.invalid",
        "email.invalid",
        "ip.invalid",
        "document.mrz_invalid",
        "timezone.mismatch",
    } <= codes


@pytest.mark.parametrize("at", [datetime.max.replace(tzinfo=UTC), datetime.min.replace(tzinfo=UTC)])
def test_instants_at_the_edge_of_the_calendar_do_not_raise(rules, at):
    subject = example(
        sessions=(session(seen_at=at, timezone="Asia/Tokyo"),),
        date_of_birth=date(9999, 12, 31),
        documents=(document(expires_on=date(1, 1, 1)),),
    )
    assert "document.expired" in _codes(subject, rules)


def test_nationality_alone_never_scores(rules):
    for nationality in ("PRK", "KP", "CHN", "RUS", ""):
        subject = example(nationality=nationality, documents=())
        assert _codes(subject, rules) == set()


def test_a_disabled_check_raises_nothing(rules):
    copy = {**rules, "checks": {**rules["checks"], "payout": {"enabled": False, "params": {}}}}
    assert "payout.name_mismatch" not in _codes(example(**VARIANTS["payout.name_mismatch"]), copy)


NASTY = [
    "",
    " ",
    "\x00",
    "😀" * 50,
    "<" * 200,
    "A" * 5000,
    "+" * 30,
    "١٢٣٤٥٦٧٨٩",
    "Ω≈ç√∫",
    "\n\n\n",
    "P<\n<\n<",
    "-1",
    "NaN",
    "::",
    "1.1.1.1.1",
    "ﬀ",
    "İstanbul",
]


@pytest.mark.parametrize("value", NASTY)
def test_nasty_text_in_every_field_never_raises(rules, value):
    subject = example(
        full_name=value or "x",
        email=value,
        phone=value,
        nationality=value[:3],
        claimed_location={"country": value[:2], "timezone": value, "city": value},
        home_address={"city": value, "country": value[:2]},
        shipping_address={"city": value + "x", "country": value[:3]},
        payout_account_holder=value,
        payout_bank_country=value[:2],
        sessions=(session(value, timezone=value),),
        documents=(document(mrz=value, issuing=value[:3] or "USA"),),
    )
    evaluate(subject, rules, Context())
