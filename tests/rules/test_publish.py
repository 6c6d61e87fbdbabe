"""Drafts change nothing until published; publishing makes a version, rescoring records it on
every assessment, a rollback restores the old scores; every change is audited."""

from __future__ import annotations

import pytest

from candidates import pipeline
from candidates.models import Assessment, AuditEvent, Candidate
from candidates.rules import services
from checks.drafts import rules_of, ruleset_draft_create, ruleset_draft_update, ruleset_publish
from checks.models import RuleSet, RuleSetChange
from checks.rulesets import ruleset_active, ruleset_active_snapshot
from tests.rules.conftest import BAD_PHONE, scored

pytestmark = pytest.mark.django_db


def _draft_with_points(points: int, user=None) -> RuleSet:
    draft = ruleset_draft_create(via="test", user=user)
    rules = rules_of(draft)
    rules["signals"]["phone.invalid"]["points"] = points
    ruleset_draft_update(draft=draft, rules=rules, via="test", user=user)
    return draft


def _scores() -> list[int]:
    return list(Candidate.objects.order_by("pk").values_list("risk_score", flat=True))


def test_a_draft_changes_nothing_until_published(db, django_capture_on_commit_callbacks):
    first = scored(phone=BAD_PHONE)
    active = ruleset_active()
    assessments = Assessment.objects.count()
    with django_capture_on_commit_callbacks(execute=True):
        _draft_with_points(60)
    assert ruleset_active().pk == active.pk
    assert ruleset_active_snapshot()["signals"]["phone.invalid"]["points"] == 15
    assert Assessment.objects.count() == assessments  # no reassessment was requested
    first.refresh_from_db()
    assert first.risk_score == 15
    # A candidate written meanwhile is scored by the active version, not the draft.
    second = scored(phone=BAD_PHONE)
    assert second.risk_score == 15
    assert second.completed_assessment.ruleset_version == active.version
    assert RuleSet.objects.filter(status="draft", is_active=True).count() == 0


def test_publish_rescore_and_rollback(db, django_capture_on_commit_callbacks, monkeypatch):
    monkeypatch.setattr(pipeline, "RULESET_REASSESS_BATCH", 2)  # a chunked pass over three
    for _ in range(3):
        scored(phone=BAD_PHONE)
    old = ruleset_active()
    versions = RuleSet.objects.filter(status="published").count()
    assert _scores() == [15, 15, 15]
    with django_capture_on_commit_callbacks(execute=True):
        new = services.rules_publish(
            draft=_draft_with_points(60), note="invalid phones weigh more", via="test", rescore=True
        )
    assert new.version == old.version + 1 and new.is_active and new.status == "published"
    assert _scores() == [60, 60, 60]
    for c in Candidate.objects.select_related("completed_assessment"):
        assert c.completed_assessment.ruleset_version == new.version
        assert c.completed_assessment.trigger == "ruleset"
    progress = services.rescore_progress(RuleSet.objects.get(pk=new.pk))
    assert (progress.done, progress.total, progress.finished, progress.percent) == (3, 3, True, 100)

    # Roll back: the old version's rules, published as a new version.
    with django_capture_on_commit_callbacks(execute=True):
        back = services.rules_publish(
            draft=ruleset_draft_create(base=old, via="test"),
            note="roll back",
            via="test",
            rescore=True,
        )
    assert back.version == new.version + 1
    assert rules_of(back) == rules_of(old)
    assert _scores() == [15, 15, 15]
    assert set(
        Candidate.objects.values_list("completed_assessment__ruleset_version", flat=True)
    ) == {back.version}
    assert RuleSet.objects.filter(status="published").count() == versions + 2  # only grows


def test_publishing_without_rescore_keeps_stored_scores(db, django_capture_on_commit_callbacks):
    candidate = scored(phone=BAD_PHONE)
    with django_capture_on_commit_callbacks(execute=True):
        new = services.rules_publish(
            draft=_draft_with_points(60), note="later", via="test", rescore=False
        )
    candidate.refresh_from_db()
    assert candidate.risk_score == 15
    assert pipeline.ruleset_reassess_resume() is False  # the sweep does not start a pass either
    assert services.rescore_progress(RuleSet.objects.get(pk=new.pk)) is None
    with django_capture_on_commit_callbacks(execute=True):
        services.rescore_start(via="test")
    candidate.refresh_from_db()
    assert candidate.risk_score == 60


def test_a_change_note_is_required(db):
    draft = _draft_with_points(60)
    with pytest.raises(ValueError):
        ruleset_publish(draft=draft, note="  ", via="test", rescore=False)
    assert RuleSet.objects.get(pk=draft.pk).status == "draft"


def test_every_change_is_audited_with_who_when_and_the_diff(
    db, django_capture_on_commit_callbacks, rules_admin
):
    draft = _draft_with_points(60, user=rules_admin)
    with django_capture_on_commit_callbacks(execute=True):
        services.rules_publish(
            draft=draft, note="tune", via="rules", user=rules_admin, rescore=False
        )
    changes = list(RuleSetChange.objects.order_by("at", "id"))
    assert [c.action for c in changes] == ["draft_created", "draft_edited", "published"]
    assert {c.actor for c in changes} == {"ruben"} and all(c.at for c in changes)
    expected = [{"path": "signals.phone.invalid.points", "before": 15, "after": 60}]
    assert changes[1].diff == expected and changes[2].diff == expected
    assert changes[2].version == ruleset_active().version
    # The audit log (/audit/) carries them too.
    event = AuditEvent.objects.get(action="ruleset.published")
    assert event.actor_user == rules_admin and event.detail["diff"] == expected
    with pytest.raises(ValueError):
        changes[0].save()  # append-only


def test_editing_what_rules_of_returns_leaves_the_cached_active_version_alone(db):
    rules = rules_of(ruleset_active())
    rules["checks"]["link"]["params"]["allowlist"] = ["phone:+13142000100"]
    rules["signals"]["phone.invalid"]["points"] = 99
    assert ruleset_active_snapshot()["signals"]["phone.invalid"]["points"] == 15
    assert ruleset_active_snapshot()["checks"]["link"]["params"].get("allowlist", []) == []
