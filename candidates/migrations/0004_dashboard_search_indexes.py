"""Indexes for the dashboard's prefix search on name, email and external id.

The queue searches with `istartswith`. On PostgreSQL that is `UPPER(col::text) LIKE 'X%'`, which
a btree on UPPER(col) with text_pattern_ops answers whatever the database collation. SQLite's
LIKE is case-insensitive and can use an index only when it is declared COLLATE NOCASE.
Raw SQL because neither form is expressible portably as a model Index.
"""

from django.db import migrations

_COLUMNS = ("full_name", "email", "external_id")


def _forwards(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    for column in _COLUMNS:
        name = f"cand_search_{column}"
        if vendor == "postgresql":
            schema_editor.execute(
                f"CREATE INDEX IF NOT EXISTS {name} ON candidates_candidate "
                f'(UPPER("{column}"::text) text_pattern_ops)'
            )
        elif vendor == "sqlite":
            schema_editor.execute(
                f"CREATE INDEX IF NOT EXISTS {name} ON candidates_candidate "
                f'("{column}" COLLATE NOCASE)'
            )


def _backwards(apps, schema_editor):
    for column in _COLUMNS:
        schema_editor.execute(f"DROP INDEX IF EXISTS cand_search_{column}")


class Migration(migrations.Migration):
    dependencies = [("candidates", "0003_dashboard_queue_indexes")]
    operations = [migrations.RunPython(_forwards, _backwards, elidable=False)]
