"""Fast, reusable bulk loads for the scale scripts (bench_links, bench_dashboard, bench_api).

What makes a 1M load take minutes rather than hours on 2 cores: COPY instead of INSERTs, the
secondary indexes dropped for the load and built once after it (the candidate table has ~23),
and the per-row foreign-key triggers skipped (the generated ids are consistent by
construction). What makes a kept database safe to reuse: a marker row, written only after the
load, the index rebuild and ANALYZE all finished, naming the generator's version and the size;
bench/run_all.py reuses a database only when its marker matches and drops it otherwise. The
scripts migrate the database to the current schema before they load or measure, so a kept
database always has the schema of the code being measured.
"""

from __future__ import annotations

import time

# Bump a generator's version when what it stores changes: kept databases of an older version
# are dropped and loaded again, never measured as if they were current.
VERSIONS = {"links": 3, "dashboard": 3}
MARKER = "bench_seed"


def drop_secondary_indexes(cursor, tables: tuple[str, ...]) -> list[str]:
    """Drop `tables`' unique constraints and indexes (not primary keys); return the SQL that
    recreates them. Building an index once after COPY is many times faster than maintaining
    it row by row."""
    restore: list[str] = []
    cursor.execute(
        "SELECT conrelid::regclass::text, conname, pg_get_constraintdef(oid) "
        "FROM pg_constraint WHERE contype = 'u' AND conrelid::regclass::text = ANY(%s)",
        [list(tables)],
    )
    for table, name, definition in cursor.fetchall():
        cursor.execute(f'ALTER TABLE {table} DROP CONSTRAINT "{name}"')
        restore.append(f'ALTER TABLE {table} ADD CONSTRAINT "{name}" {definition}')
    cursor.execute(
        "SELECT indexname, indexdef FROM pg_indexes WHERE tablename = ANY(%s) "
        "AND indexname NOT LIKE '%%_pkey'",
        [list(tables)],
    )
    for name, definition in cursor.fetchall():
        cursor.execute(f'DROP INDEX "{name}"')
        restore.append(definition)
    return restore


def restore_indexes(cursor, statements: list[str]) -> float:
    t0 = time.perf_counter()
    cursor.execute("SET maintenance_work_mem = '512MB'")
    for sql in statements:
        cursor.execute(sql)
    took = time.perf_counter() - t0
    print(f"  rebuilt {len(statements)} indexes in {took:.0f}s", flush=True)
    return took


def fill_unknown_columns(cursor, model, columns: str) -> list[str]:
    """Columns a loader does not name get the model's default, as PostgreSQL defaults for the
    load, so a generator written before a field was added still loads the current schema.
    Returns the SQL that removes those defaults again (the schema stays Django's)."""
    from django.db import connection
    from django.db.models.fields import NOT_PROVIDED

    named = {c.strip() for c in columns.split(",")}
    undo = []
    table = model._meta.db_table
    for field in model._meta.concrete_fields:
        if field.column in named or field.null or not field.has_default():
            continue
        if field.db_default is not NOT_PROVIDED:
            continue  # PostgreSQL already has a default for it
        value = field.get_db_prep_save(field.get_default(), connection)
        cursor.execute(f'ALTER TABLE {table} ALTER COLUMN "{field.column}" SET DEFAULT %s', [value])
        undo.append(f'ALTER TABLE {table} ALTER COLUMN "{field.column}" DROP DEFAULT')
    return undo


def mark(cursor, kind: str, size: int, seconds: float) -> None:
    """Record that this database holds a complete load of `kind` at `size` candidates."""
    cursor.execute(
        f"CREATE TABLE IF NOT EXISTS {MARKER} (kind text PRIMARY KEY, version int, "
        "size int, seconds float, loaded_at timestamptz DEFAULT now())"
    )
    cursor.execute(
        f"INSERT INTO {MARKER} (kind, version, size, seconds) VALUES (%s, %s, %s, %s) "
        "ON CONFLICT (kind) DO UPDATE SET version = excluded.version, size = excluded.size, "
        "seconds = excluded.seconds, loaded_at = now()",
        [kind, VERSIONS[kind], size, seconds],
    )


def unmark(cursor, kind: str) -> None:
    """A load is starting: until it is marked again, this database is not reusable."""
    cursor.execute(f"SELECT to_regclass('{MARKER}')")
    if cursor.fetchone()[0]:
        cursor.execute(f"DELETE FROM {MARKER} WHERE kind = %s", [kind])


def marked(cursor, kind: str) -> dict | None:
    cursor.execute(f"SELECT to_regclass('{MARKER}')")
    if not cursor.fetchone()[0]:
        return None
    cursor.execute(
        f"SELECT version, size, seconds, loaded_at FROM {MARKER} WHERE kind = %s", [kind]
    )
    row = cursor.fetchone()
    if row is None:
        return None
    return {"version": row[0], "size": row[1], "seconds": row[2], "loaded_at": str(row[3])}
