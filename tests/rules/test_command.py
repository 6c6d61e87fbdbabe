"""`manage.py ruleset export|import|simulate|publish`."""

from __future__ import annotations

import json

import pytest
from django.core.management import call_command

from candidates.models import Candidate
from checks.drafts import rules_of
from checks.models import RuleSet, RuleSetChange
from checks.rulesets import ruleset_active
from tests.rules.conftest import BAD_PHONE, scored

pytestmark = pytest.mark.django_db


def _run(*args: str, capsys) -> tuple[int, str, str]:
    code = 0
    try:
        call_command("ruleset", *args)
    except SystemExit as exc:
        code = int(exc.code or 0)
    out = capsys.readouterr()
    return code, out.out, out.err


def test_export_then_import_round_trips_to_an_identical_rule_set(db, tmp_path, capsys):
    active = ruleset_active()
    code, out, _ = _run("export", "--version", str(active.version), capsys=capsys)
    exported = json.loads(out)
    assert code == 0 and exported["version"] == active.version
    path = tmp_path / "rules.json"
    path.write_text(out)
    code, out, _ = _run("import", str(path), capsys=capsys)
    draft = RuleSet.objects.get(pk=json.loads(out)["draft_id"])
    assert draft.status == "draft" and draft.version is None and not draft.is_active
    assert rules_of(draft) == rules_of(active)
    _, again, _ = _run("export", "--draft", str(draft.pk), capsys=capsys)
    strip = ("version", "status", "note")
    assert {k: v for k, v in json.loads(again).items() if k not in strip} == {
        k: v for k, v in exported.items() if k not in strip
    }
    assert ruleset_active().pk == active.pk  # importing only creates a draft


@pytest.mark.parametrize(
    ("change", "field", "message"),
    [
        (
            lambda d: d["signals"].update({"phone.nope": d["signals"]["phone.voip"]}),
            "signals.phone.nope",
            "unknown signal code",
        ),
        (lambda d: d["signals"]["phone.voip"].update(points=101), "signals.phone.voip", "points"),
        (
            lambda d: d["signals"]["phone.voip"].update(severity="huge"),
            "signals.phone.voip",
            "severity",
        ),
        (
            lambda d: d["checks"]["timezone"]["params"].update(off_hours_min_share=1.5),
            "checks.timezone",
            "off_hours_min_share: must be between 0 and 1",
        ),
        (
            lambda d: d["checks"]["ip"]["params"].update(hosting_asns=[16509, "x"]),
            "checks.ip",
            "hosting_asns: item 1",
        ),
        (
            lambda d: d["checks"].update(nope={"enabled": True, "params": {}}),
            "checks.nope",
            "unknown check",
        ),
        (lambda d: d["bands"].update(high=10), "bands", "bands must rise"),
    ],
)
def test_import_refuses_unknown_codes_and_invalid_values(
    db, tmp_path, capsys, change, field, message
):
    _, out, _ = _run("export", capsys=capsys)
    data = json.loads(out)
    change(data)
    path = tmp_path / "bad.json"
    path.write_text(json.dumps(data))
    drafts = RuleSet.objects.filter(status="draft").count()
    code, _, err = _run("import", str(path), capsys=capsys)
    error = json.loads(err)["error"]
    assert code == 1 and error["code"] == "validation_error"
    assert any(message in m for m in error["fields"][field])
    assert RuleSet.objects.filter(status="draft").count() == drafts


def test_import_of_a_file_that_is_not_json(db, tmp_path, capsys):
    path = tmp_path / "bad.json"
    path.write_text("{not json")
    code, _, err = _run("import", str(path), capsys=capsys)
    assert code == 1 and json.loads(err)["error"]["code"] == "malformed_json"


def test_simulate_and_publish_from_the_command_line(
    db, tmp_path, capsys, django_capture_on_commit_callbacks
):
    scored(phone=BAD_PHONE, review="rejected")
    scored(review="cleared")
    _, out, _ = _run("export", capsys=capsys)
    data = json.loads(out)
    data["signals"]["phone.invalid"]["points"] = 80
    path = tmp_path / "tuned.json"
    path.write_text(json.dumps(data))
    draft_id = json.loads(_run("import", str(path), capsys=capsys)[1])["draft_id"]

    code, out, _ = _run("simulate", str(draft_id), capsys=capsys)
    summary = json.loads(out)
    assert code == 0 and summary["candidates"] == 2 and summary["rerun_checks"] == []
    assert summary["levels"]["draft"]["critical"] == 1 and summary["changed_count"] == 1
    assert summary["agreement"]["draft"]["precision"] == 1.0
    assert summary["agreement"]["draft"]["recall"] == 1.0
    assert summary["agreement"]["active"]["recall"] == 0.0

    client_name = Candidate.objects.select_related("client").first().client.name
    code, out, _ = _run("simulate", str(draft_id), "--client", client_name, capsys=capsys)
    assert code == 0 and json.loads(out)["candidates"] == 1  # each factory candidate: own client
    code, _, err = _run("simulate", str(draft_id), "--client", "nobody", capsys=capsys)
    assert code == 1 and json.loads(err)["error"]["code"] == "not_found"
    code, _, err = _run("simulate", str(draft_id), "--created-from", "30/11", capsys=capsys)
    assert code == 1 and json.loads(err)["error"]["fields"] == {"created_from": ["30/11"]}

    code, _, err = _run("publish", "999999", "--note", "x", capsys=capsys)
    assert code == 1 and json.loads(err)["error"]["code"] == "not_found"
    with django_capture_on_commit_callbacks(execute=True):
        code, out, _ = _run("publish", str(draft_id), "--note", "invalid phones: 80", capsys=capsys)
    version = json.loads(out)["version"]
    assert code == 0 and ruleset_active().version == version
    change = RuleSetChange.objects.get(action="published")
    assert change.via == "cli" and change.actor.startswith("command line")
    assert change.diff == [{"path": "signals.phone.invalid.points", "before": 15, "after": 80}]
