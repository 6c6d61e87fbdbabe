"""Rule set v1: the foundation's codes (phone.invalid, email.invalid, interview.*)."""

from django.db import migrations

from checks.rulesets import migration_add_version

SIGNALS = {
    "phone.invalid": {"points": 15, "severity": "low"},
    "email.invalid": {"points": 15, "severity": "low"},
    "interview.camera_refused": {"points": 30, "severity": "medium"},
    "interview.different_person": {"points": 60, "severity": "high"},
    "interview.refused_in_person": {"points": 35, "severity": "medium"},
    "interview.payment_redirect": {"points": 45, "severity": "high"},
    "interview.equipment_redirect": {"points": 40, "severity": "high"},
}
CHECKS = {name: {"enabled": True, "params": {}} for name in ("phone", "email", "interview")}


def forwards(apps, schema_editor):
    migration_add_version(apps, "Defaults: foundation checks", checks=CHECKS, signals=SIGNALS)


class Migration(migrations.Migration):
    dependencies = [("checks", "0001_initial")]
    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
