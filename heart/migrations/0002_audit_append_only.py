"""On PostgreSQL the database itself refuses UPDATE and DELETE on the audit log.

TRUNCATE stays possible for the database owner (test-suite flushes, a retention job run by a DBA).
"""

from django.db import migrations

CREATE = """
CREATE OR REPLACE FUNCTION heart_auditentry_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION USING MESSAGE = 'heart_auditentry is append-only: ' || TG_OP || ' refused';
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER heart_auditentry_append_only
    BEFORE UPDATE OR DELETE ON heart_auditentry
    FOR EACH ROW EXECUTE FUNCTION heart_auditentry_append_only();
"""
DROP = """
DROP TRIGGER IF EXISTS heart_auditentry_append_only ON heart_auditentry;
DROP FUNCTION IF EXISTS heart_auditentry_append_only();
"""


def create(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE)


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP)


class Migration(migrations.Migration):
    dependencies = [("heart", "0001_initial")]

    operations = [migrations.RunPython(create, drop)]
