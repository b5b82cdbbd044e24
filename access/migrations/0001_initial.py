"""The audit log (AuditEntry) moves here from the project package `heart`, with its table, every
entry and, on PostgreSQL, its append-only trigger, renamed after the table it guards.

A database made before the move holds the table as heart's migrations made it (they stay as
history: heart/migrations/0006_models_moved.py says why). Nothing is copied: in the migration
state this creates the model; in the database it renames the table from `heart_*` to `access_*`
(foreign keys follow a rename on SQLite and PostgreSQL), and it moves the content type, so that
permissions (`heart.search_audit` becomes `access.search_audit`), the groups and users holding
them and the admin's history follow. heart 0006 then drops the old model from heart's state.
"""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

APP = "access"
# (model, table before the move, table after)
MOVED = [
    ("auditentry", "heart_auditentry", "access_auditentry"),
]


def tables_forwards(apps, schema_editor):
    for _model, old, new in MOVED:
        schema_editor.alter_db_table(None, old, new)


def tables_backwards(apps, schema_editor):
    for _model, old, new in MOVED:
        schema_editor.alter_db_table(None, new, old)


def content_types_forwards(apps, schema_editor):
    _content_types_move(apps, source="heart", target=APP)


def content_types_backwards(apps, schema_editor):
    _content_types_move(apps, source=APP, target="heart")


def _content_types_move(apps, *, source, target):
    content_type = apps.get_model("contenttypes", "ContentType")
    for model, _old, _new in MOVED:
        # Renamed, not recreated: the permissions on it, the groups and users holding them and
        # the admin's history keep pointing at it. A content type the target already has (from
        # a migrate that ran before this migration existed) is left as it is.
        if not content_type.objects.filter(app_label=target, model=model).exists():
            content_type.objects.filter(app_label=source, model=model).update(app_label=target)


# The trigger of heart/migrations/0002_audit_append_only.py follows the renamed table by
# itself (PostgreSQL binds it to the table, not the name); it is made again under the new name
# so that the names say what they guard.
TRIGGER = """
DROP TRIGGER IF EXISTS {old}_append_only ON {table};
DROP FUNCTION IF EXISTS {old}_append_only();
CREATE OR REPLACE FUNCTION {new}_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION USING MESSAGE = '{new} is append-only: ' || TG_OP || ' refused';
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER {new}_append_only
    BEFORE UPDATE OR DELETE ON {table}
    FOR EACH ROW EXECUTE FUNCTION {new}_append_only();
"""


def trigger_forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(
            TRIGGER.format(
                old="heart_auditentry", new="access_auditentry", table="access_auditentry"
            )
        )


def trigger_backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(
            TRIGGER.format(
                old="access_auditentry", new="heart_auditentry", table="access_auditentry"
            )
        )


class Migration(migrations.Migration):
    initial = True

    dependencies = [
        # After every migration made before the move: those name the heart_ tables.
        ("heart", "0005_auditentry_user_protect"),
        ("triage", "0002_seed_defaults"),
        ("dispatch", "0006_call_lean_indexes"),
        ("care_navigation", "0003_notification_without_constraint"),
        ("contenttypes", "0002_remove_content_type_name"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="AuditEntry",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True,
                                primary_key=True,
                                serialize=False,
                                verbose_name="ID",
                            ),
                        ),
                        ("at", models.DateTimeField(db_index=True)),
                        ("username", models.CharField(blank=True, max_length=150)),
                        ("action", models.CharField(db_index=True, max_length=64)),
                        ("object_type", models.CharField(blank=True, max_length=64)),
                        ("object_id", models.CharField(blank=True, max_length=64)),
                        (
                            "outcome",
                            models.CharField(
                                choices=[
                                    ("success", "Success"),
                                    ("failure", "Failure"),
                                    ("denied", "Denied"),
                                ],
                                default="success",
                                max_length=16,
                            ),
                        ),
                        ("source_address", models.GenericIPAddressField(blank=True, null=True)),
                        ("detail", models.JSONField(blank=True, default=dict)),
                        (
                            "user",
                            models.ForeignKey(
                                blank=True,
                                null=True,
                                on_delete=django.db.models.deletion.PROTECT,
                                to=settings.AUTH_USER_MODEL,
                            ),
                        ),
                    ],
                    options={
                        "verbose_name_plural": "audit entries",
                        "ordering": ["-at", "-id"],
                        "permissions": [("search_audit", "Can search the audit log")],
                        "indexes": [
                            models.Index(
                                fields=["object_type", "object_id"],
                                name="heart_audit_object__4cb1b2_idx",
                            )
                        ],
                    },
                ),
            ],
            database_operations=[migrations.RunPython(tables_forwards, tables_backwards)],
        ),
        migrations.RunPython(content_types_forwards, content_types_backwards),
        migrations.RenameIndex(
            model_name="auditentry",
            old_name="heart_audit_object__4cb1b2_idx",
            new_name="access_audi_object__29c762_idx",
        ),
        migrations.RunPython(trigger_forwards, trigger_backwards),
    ]
