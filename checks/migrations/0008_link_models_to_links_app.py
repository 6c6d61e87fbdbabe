# The allowlist and the reassessment backlog moved to the `links` app; their tables stay.

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("checks", "0007_ruleset_reassess_progress"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.DeleteModel(name="LinkAllowlist"),
                migrations.DeleteModel(name="LinkReassessBacklog"),
            ],
            database_operations=[],
        ),
    ]
