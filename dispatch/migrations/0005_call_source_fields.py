from django.db import migrations, models


# Dashboards scan calls by time. On PostgreSQL a BRIN index on received_at is tiny and fits rows
# that arrive in time order; SQLite has no BRIN and uses the (route, received_at) b-tree.
def brin_create(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(
            "CREATE INDEX IF NOT EXISTS call_received_brin ON dispatch_call "
            "USING brin (received_at)"
        )


def brin_drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("DROP INDEX IF EXISTS call_received_brin")


class Migration(migrations.Migration):
    dependencies = [("dispatch", "0004_unit_status_labels")]

    operations = [
        migrations.AddField(
            model_name="call",
            name="source_disposition",
            field=models.CharField(blank=True, max_length=64),
        ),
        migrations.AddField(
            model_name="call",
            name="source_priority",
            field=models.CharField(blank=True, max_length=16),
        ),
        migrations.RunPython(brin_create, brin_drop),
    ]
