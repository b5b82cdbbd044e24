"""IdempotencyRecord moves here from the project package `heart`, with its table and every row.

A database made before the move holds the table as heart's migrations made it (they stay as
history: heart/migrations/0006_models_moved.py says why). Nothing is copied: in the migration
state this creates the model; in the database it renames the table from `heart_*` to `web_*`
(foreign keys follow a rename on SQLite and PostgreSQL), and it moves the content type, so that
permissions, the groups and users holding them and the admin's history follow. heart 0006 then
drops the old model from heart's state.
"""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

APP = "web"
# (model, table before the move, table after)
MOVED = [
    ("idempotencyrecord", "heart_idempotencyrecord", "web_idempotencyrecord"),
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
                    name="IdempotencyRecord",
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
                        ("key", models.CharField(max_length=200)),
                        ("scope", models.CharField(max_length=64)),
                        ("request_hash", models.CharField(max_length=64)),
                        ("object_id", models.BigIntegerField()),
                        ("created_at", models.DateTimeField()),
                        (
                            "user",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.CASCADE,
                                to=settings.AUTH_USER_MODEL,
                            ),
                        ),
                    ],
                    options={
                        "constraints": [
                            models.UniqueConstraint(
                                fields=("user", "scope", "key"), name="idempotency_unique_key"
                            )
                        ],
                    },
                ),
            ],
            database_operations=[migrations.RunPython(tables_forwards, tables_backwards)],
        ),
        migrations.RunPython(content_types_forwards, content_types_backwards),
    ]
