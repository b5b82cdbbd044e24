"""OutboxMessage and WorkerHeartbeat move here from the project package `heart`, with their tables
and every row; unsent outbox rows name their tasks by the tasks' new names.

A database made before the move holds the tables as heart's migrations made them (they stay as
history: heart/migrations/0006_models_moved.py says why). Nothing is copied: in the migration
state this creates the models; in the database it renames the tables from `heart_*` to
`background_*` (foreign keys follow a rename on SQLite and PostgreSQL), and it moves the content
types, so that permissions, the groups and users holding them and the admin's history follow.
heart 0006 then drops the old models from heart's state.
"""

from django.db import migrations, models

APP = "background"
# (model, table before the move, table after)
MOVED = [
    ("outboxmessage", "heart_outboxmessage", "background_outboxmessage"),
    ("workerheartbeat", "heart_workerheartbeat", "background_workerheartbeat"),
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


# Tasks renamed with the move (their modules moved); rows not yet relayed must name a task a
# worker knows. Sent rows keep the name they were sent under.
TASKS_RENAMED = {
    "heart.tasks.outbox_relay": "background.tasks.outbox_relay",
    "heart.tasks.worker_heartbeat": "background.tasks.worker_heartbeat",
    "heart.dashboards.tasks.rollup_refresh": "dashboards.tasks.rollup_refresh",
    "heart.dashboards.tasks.rollup_reconcile": "dashboards.tasks.rollup_reconcile",
}


def tasks_forwards(apps, schema_editor):
    message = apps.get_model("background", "OutboxMessage")
    for old, new in TASKS_RENAMED.items():
        message.objects.filter(task=old, sent_at__isnull=True).update(task=new)


def tasks_backwards(apps, schema_editor):
    message = apps.get_model("background", "OutboxMessage")
    for old, new in TASKS_RENAMED.items():
        message.objects.filter(task=new, sent_at__isnull=True).update(task=old)


class Migration(migrations.Migration):
    initial = True

    dependencies = [
        # After every migration made before the move: those name the heart_ tables.
        ("heart", "0005_auditentry_user_protect"),
        ("triage", "0002_seed_defaults"),
        ("dispatch", "0006_call_lean_indexes"),
        ("care_navigation", "0003_notification_without_constraint"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="WorkerHeartbeat",
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
                        ("name", models.CharField(max_length=64, unique=True)),
                        ("last_seen", models.DateTimeField()),
                        ("hostname", models.CharField(blank=True, max_length=200)),
                    ],
                ),
                migrations.CreateModel(
                    name="OutboxMessage",
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
                        ("task", models.CharField(max_length=200)),
                        ("payload", models.JSONField(default=dict)),
                        ("created_at", models.DateTimeField(db_index=True)),
                        ("sent_at", models.DateTimeField(blank=True, null=True)),
                        ("attempts", models.PositiveIntegerField(default=0)),
                        ("last_error", models.TextField(blank=True)),
                    ],
                    options={
                        "ordering": ["id"],
                        "indexes": [
                            models.Index(
                                condition=models.Q(("sent_at__isnull", True)),
                                fields=["id"],
                                name="outbox_unsent",
                            )
                        ],
                    },
                ),
            ],
            database_operations=[migrations.RunPython(tables_forwards, tables_backwards)],
        ),
        migrations.RunPython(content_types_forwards, content_types_backwards),
        migrations.RunPython(tasks_forwards, tasks_backwards),
    ]
