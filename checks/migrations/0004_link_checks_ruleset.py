"""Rule set: the link check's codes. Reuse of what identifies a person (document number or
image, photo, payout account) weighs most; a shared IP, network or address least, since homes,
offices and VPNs are shared honestly. Defaults are literal so replaying always gives one version;
docs/links.md explains each weight."""

from django.db import migrations

from checks.rulesets import migration_add_version

SIGNALS = {
    "link.document_number_shared": {"points": 80, "severity": "critical"},
    "link.document_image_duplicate": {"points": 80, "severity": "critical"},
    "link.payout_shared": {"points": 70, "severity": "high"},
    "link.photo_duplicate": {"points": 70, "severity": "high"},
    "link.email_shared": {"points": 40, "severity": "medium"},
    "link.identity_cluster": {"points": 40, "severity": "high"},
    "link.phone_shared": {"points": 35, "severity": "medium"},
    "link.resume_duplicate": {"points": 35, "severity": "medium"},
    "link.address_shared": {"points": 25, "severity": "low"},
    "link.ip_shared": {"points": 15, "severity": "low"},
    "link.ip_subnet_shared": {"points": 5, "severity": "info"},
}
CHECKS = {"link": {"enabled": True, "params": {}}}


def forwards(apps, schema_editor):
    migration_add_version(apps, "Defaults: link checks", checks=CHECKS, signals=SIGNALS)


class Migration(migrations.Migration):
    dependencies = [("checks", "0003_identity_checks_ruleset")]
    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
