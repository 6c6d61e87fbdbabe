"""End to end through checks.engine.evaluate with the active rule set loaded from the database:
the contract's honest example raises nothing, and each identity code fires on a crafted variant."""

from __future__ import annotations

import importlib
from dataclasses import fields
from datetime import UTC, date, datetime

import pytest

from checks.base import Context
from checks.engine import evaluate
from checks.registry import CHECKS
from checks.rulesets import ruleset_active_snapshot
from tests.checks.subjects import ICAO_TD3, document, example, session


def _engine_cases() -> dict[str, dict]:
    """Every code's crafted variant, from its check's own test module (tests/checks/test_<module>.py
    declares ENGINE_CASES): adding a check needs no edit here. Checks that read other candidates
    (ctx.links) are tested against the database in tests/links/."""
    cases: dict[str, dict] = {}
    for check in CHECKS:
        if check.reads_links:
            continue
        module = importlib.import_module(
            "tests.checks.test_" + type(check).__module__.rsplit(".", 1)[-1]
        )
        cases.update(module.ENGINE_CASES)
    return cases


CASES = _engine_cases()


@pytest.fixture
def rules(db):
    return ruleset_active_snapshot()


def _codes(subject, rules) -> set[str]:
    return {s.code for s in evaluate(subject, rules, Context()).signals}


def test_contract_example_raises_nothing(rules):
    outcome = evaluate(example(), rules, Context())
    assert outcome.signals == []
    assert (outcome.risk_score, outcome.risk_level) == (0, "low")


@pytest.mark.parametrize("code", sorted(CASES))
def test_each_code_fires_on_its_variant(rules, code):
    assert code in _codes(example(**CASES[code]), rules)


def test_every_code_of_a_self_contained_check_has_a_variant():
    codes = {code for check in CHECKS if not check.reads_links for code in check.codes}
    assert codes == set(CASES)


def test_the_active_rule_set_has_the_registry_defaults(rules):
    """Migrate (which syncs the registry into the active version) left every check's parameters
    and every code's points and severity as the registry declares them."""
    for check in CHECKS:
        defaults = {f.name: getattr(check.Params(), f.name) for f in fields(check.Params)}
        as_json = {k: list(v) if isinstance(v, tuple) else v for k, v in defaults.items()}
        assert rules["checks"][check.name]["enabled"] is True
        assert rules["checks"][check.name]["params"] == as_json, check.name
        for code, info in check.codes.items():
            assert rules["signals"][code]["points"] == info.points, code
            assert rules["signals"][code]["severity"] == info.severity, code


def test_active_rule_set_weights_scores(rules):
    outcome = evaluate(example(**CASES["payout.name_mismatch"]), rules, Context())
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
    assert "payout.name_mismatch" not in _codes(example(**CASES["payout.name_mismatch"]), copy)


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
