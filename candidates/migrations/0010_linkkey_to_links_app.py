# LinkKey moved to the `links` app; its table stays where it is (links.0001 takes over the state).

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("candidates", "0009_drop_assessment_ruleset_snapshot"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[migrations.DeleteModel(name="LinkKey")],
            database_operations=[],
        ),
    ]
