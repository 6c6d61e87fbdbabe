"""`manage.py ruleset export|import|simulate|publish`: rule sets for deployments and tooling.

Errors go to stderr in the API's error shape ({"error": {"code", "message", "fields"}}) with exit
status 1, so a script can tell a bad file (validation_error) from a missing rule set (not_found).
Every change is audited like one made in /rules/, with the operating-system user as the actor.
"""

from __future__ import annotations

import getpass
import json
import sys
from datetime import date
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from candidates.models import ApiClient
from candidates.rules import services
from candidates.rules.simulate import summary
from checks.drafts import ruleset_draft_create
from checks.models import RuleSet
from checks.ruleset_io import rules_errors, rules_from, ruleset_export

VIA = "cli"


class CommandFailed(Exception):
    def __init__(self, code: str, message: str, fields: dict[str, list[str]] | None = None):
        super().__init__(message)
        self.body = {"error": {"code": code, "message": message, "fields": fields or {}}}


def _actor() -> str:
    try:
        return f"command line ({getpass.getuser()})"
    except Exception:  # no user name in some containers
        return "command line"


def _draft(draft_id: int) -> RuleSet:
    draft = RuleSet.objects.filter(pk=draft_id, status=RuleSet.Status.DRAFT).first()
    if draft is None:
        raise CommandFailed("not_found", f"No draft with id {draft_id}")
    return draft


def _client_id(name: str) -> str:
    if not name:
        return ""
    client = ApiClient.objects.filter(name=name).values_list("id", flat=True).first()
    if client is None:
        raise CommandFailed("not_found", f"No API client named {name!r}")
    return str(client)


class Command(BaseCommand):
    help = "Export, import, simulate and publish rule sets."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        export = sub.add_parser("export", help="Print a version (default: the active) as JSON")
        export.add_argument("--version", type=int, dest="number")
        export.add_argument("--draft", type=int, help="Print a draft instead")
        imp = sub.add_parser("import", help="Create a draft from an exported file")
        imp.add_argument("file")
        sim = sub.add_parser("simulate", help="Simulate a draft over all stored candidates")
        sim.add_argument("draft_id", type=int)
        sim.add_argument("--decided-only", action="store_true")
        sim.add_argument("--created-from", default="", help="YYYY-MM-DD")
        sim.add_argument("--created-to", default="", help="YYYY-MM-DD")
        sim.add_argument("--client", default="", help="An API client's name")
        sim.add_argument("--level", default="", choices=("", "low", "medium", "high", "critical"))
        sim.add_argument("--flag-level", default="high", choices=("medium", "high", "critical"))
        pub = sub.add_parser("publish", help="Publish a draft as the active version")
        pub.add_argument("draft_id", type=int)
        pub.add_argument("--note", required=True)
        pub.add_argument("--no-rescore", action="store_true", help="Keep stored scores")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            out = getattr(self, f"_{options['action']}")(options)
        except CommandFailed as exc:
            self.stderr.write(json.dumps(exc.body, indent=2))
            sys.exit(1)
        self.stdout.write(json.dumps(out, indent=2, sort_keys=True))

    def _export(self, options: dict[str, Any]) -> dict[str, Any]:
        if options["draft"] is not None:
            return ruleset_export(_draft(options["draft"]))
        qs = RuleSet.objects.filter(status=RuleSet.Status.PUBLISHED)
        number = options["number"]
        ruleset = qs.filter(version=number).first() if number else qs.filter(is_active=True).first()
        if ruleset is None:
            raise CommandFailed("not_found", f"No rule set version {number}")
        return ruleset_export(ruleset)

    def _import(self, options: dict[str, Any]) -> dict[str, Any]:
        try:
            data = json.loads(Path(options["file"]).read_text(encoding="utf-8"))
        except OSError as exc:
            raise CommandFailed("not_found", f"Cannot read {options['file']}: {exc}") from None
        except (json.JSONDecodeError, UnicodeDecodeError) as exc:
            raise CommandFailed("malformed_json", f"Not JSON: {exc}") from None
        if errors := rules_errors(data):
            raise CommandFailed("validation_error", "The rule set is not valid", errors)
        base_note = f"Imported from {Path(options['file']).name}"
        draft = ruleset_draft_create(
            rules=rules_from(data), via=VIA, actor=_actor(), note=base_note
        )
        return {"draft_id": draft.pk, "note": draft.note}

    def _simulate(self, options: dict[str, Any]) -> dict[str, Any]:
        draft = _draft(options["draft_id"])
        filters = {
            "decided_only": options["decided_only"],
            "flag_level": options["flag_level"],
            "level": options["level"],
            "client_id": _client_id(options["client"]),
        }
        for key in ("created_from", "created_to"):
            try:
                filters[key] = date.fromisoformat(options[key]).isoformat() if options[key] else ""
            except ValueError:
                raise CommandFailed(
                    "validation_error", "Dates are YYYY-MM-DD", {key: [options[key]]}
                ) from None
        sim = services.simulation_start(draft=draft, filters=filters, run=False)
        services.simulation_run(simulation_id=sim.id)
        sim.refresh_from_db()
        result = sim.result
        return {
            "simulation_id": str(sim.id),
            "status": sim.status,
            "draft_id": draft.pk,
            "active_version": sim.active_version,
            "candidates": sim.done,
            "skipped": result.get("skipped", 0),
            "rerun_checks": sim.rerun_checks,
            "levels": result.get("levels", {}),
            "changed_count": result.get("changed_count", 0),
            "changed": result.get("changed", []),
            "decided": result.get("decided", {}),
            **summary(result),
        }

    def _publish(self, options: dict[str, Any]) -> dict[str, Any]:
        draft = _draft(options["draft_id"])
        if not options["note"].strip():
            raise CommandFailed(
                "validation_error", "A change note is required", {"note": ["empty"]}
            )
        new = services.rules_publish(
            draft=draft,
            note=options["note"],
            via=VIA,
            actor=_actor(),
            rescore=not options["no_rescore"],
        )
        return {"version": new.version, "active": True, "rescore": not options["no_rescore"]}
