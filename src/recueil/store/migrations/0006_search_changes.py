"""The change log of the search index: a table filled by triggers on every write that can
change what a search shows (recueil.store.models.Change), and the index's state table.

Triggers rather than calls in the writers: every writer (ingest, JSONL import, curation,
vocabulary edits, the admin, a bulk UPDATE, a raw SQL fix) is recorded, in the writing
transaction, and nothing has to remember it. The SQL differs per engine; the log and the
code that reads it (recueil.search.index) are the same for SQLite and PostgreSQL.
"""

from django.db import migrations, models

STATE = "recueil_search_state"
# (table, kind, column giving row_id or None, operations)
LOGGED = (
    ("recueil_item", "i", "id", ("INSERT", "UPDATE", "DELETE")),
    ("recueil_assignment", "a", "item_id", ("INSERT", "UPDATE", "DELETE")),
    ("recueil_theme", "t", None, ("INSERT", "UPDATE", "DELETE")),
    ("recueil_meeting", "m", "id", ("UPDATE",)),
    ("recueil_document", "d", None, ("UPDATE",)),
)


def _sqlite(table, kind, column, op):
    row = "NULL" if column is None else ("OLD." if op == "DELETE" else "NEW.") + column
    return (
        f"CREATE TRIGGER IF NOT EXISTS {table}_log_{op.lower()} AFTER {op} ON {table} "
        f"BEGIN INSERT INTO recueil_change (kind, row_id) VALUES ('{kind}', {row}); END"
    )


def _postgresql(table, kind, column, ops):
    if column is None:
        row = "NULL"
    else:
        row = f"CASE WHEN TG_OP = 'DELETE' THEN OLD.{column} ELSE NEW.{column} END"
    return [
        f"CREATE OR REPLACE FUNCTION {table}_log() RETURNS trigger LANGUAGE plpgsql AS $$ "
        f"BEGIN INSERT INTO recueil_change (kind, row_id) VALUES ('{kind}', {row}); "
        "RETURN NULL; END $$",
        f"DROP TRIGGER IF EXISTS {table}_log ON {table}",
        f"CREATE TRIGGER {table}_log AFTER {' OR '.join(ops)} ON {table} "
        f"FOR EACH ROW EXECUTE FUNCTION {table}_log()",
    ]


def create_triggers(apps, schema_editor):
    conn = schema_editor.connection
    with conn.cursor() as cur:
        cur.execute(f"CREATE TABLE IF NOT EXISTS {STATE} (key TEXT PRIMARY KEY, value TEXT)")
        blob = "BLOB" if conn.vendor == "sqlite" else "BYTEA"  # search vectors (search.embed)
        cur.execute(
            f"CREATE TABLE IF NOT EXISTS recueil_text_vector (key TEXT PRIMARY KEY, vec {blob} "
            "NOT NULL)"
        )
        for table, kind, column, ops in LOGGED:
            if conn.vendor == "sqlite":
                for op in ops:
                    cur.execute(_sqlite(table, kind, column, op))
            else:
                for sql in _postgresql(table, kind, column, ops):
                    cur.execute(sql)


def drop_triggers(apps, schema_editor):
    conn = schema_editor.connection
    with conn.cursor() as cur:
        for table, _kind, _column, ops in LOGGED:
            if conn.vendor == "sqlite":
                for op in ops:
                    cur.execute(f"DROP TRIGGER IF EXISTS {table}_log_{op.lower()}")
            else:
                cur.execute(f"DROP TRIGGER IF EXISTS {table}_log ON {table}")
                cur.execute(f"DROP FUNCTION IF EXISTS {table}_log()")


class Migration(migrations.Migration):
    dependencies = [
        ("recueil", "0005_kinds_languages"),
    ]

    operations = [
        migrations.CreateModel(
            name="Change",
            fields=[
                ("seq", models.BigAutoField(primary_key=True, serialize=False)),
                ("kind", models.CharField(max_length=1)),
                ("row_id", models.BigIntegerField(null=True)),
            ],
            options={"db_table": "recueil_change"},
        ),
        migrations.RunPython(create_triggers, drop_triggers),
    ]
