"""The dashboards' rollup tables move here from the project package `heart`, with every row.

A database made before the move holds the tables as heart's migrations made them (they stay as
history: heart/migrations/0006_models_moved.py says why). Nothing is copied: in the migration
state this creates the models; in the database it renames the tables from `heart_*` to
`dashboards_*` (foreign keys follow a rename on SQLite and PostgreSQL), and it moves the content
types, so that permissions (`heart.view_dashboards` becomes `dashboards.view_dashboards`), the
groups and users holding them and the admin's history follow. heart 0006 then drops the old
models from heart's state.
"""

from django.db import migrations, models

APP = "dashboards"
# (model, table before the move, table after)
MOVED = [
    ("callhistogram", "heart_callhistogram", "dashboards_callhistogram"),
    ("callrollup", "heart_callrollup", "dashboards_callrollup"),
    ("eligiblehourrollup", "heart_eligiblehourrollup", "dashboards_eligiblehourrollup"),
    ("persondayrollup", "heart_persondayrollup", "dashboards_persondayrollup"),
    ("rollupstate", "heart_rollupstate", "dashboards_rollupstate"),
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
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="RollupState",
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
                        ("name", models.CharField(max_length=32, unique=True)),
                        ("watermark", models.DateTimeField(blank=True, null=True)),
                        ("refreshed_at", models.DateTimeField(blank=True, null=True)),
                        ("reconciled_at", models.DateTimeField(blank=True, null=True)),
                        ("last_days", models.PositiveIntegerField(default=0)),
                        ("last_seconds", models.FloatField(default=0.0)),
                    ],
                    options={
                        "permissions": [
                            ("view_dashboards", "Can view the supervisor dashboards and reports")
                        ],
                        "default_permissions": (),
                    },
                ),
                migrations.CreateModel(
                    name="CallHistogram",
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
                        (
                            "grain",
                            models.CharField(
                                choices=[("d", "day"), ("m", "month")], db_default="d", max_length=1
                            ),
                        ),
                        ("day", models.DateField()),
                        ("source", models.CharField(max_length=40)),
                        ("route", models.CharField(max_length=16)),
                        (
                            "measure",
                            models.CharField(
                                choices=[("response", "Response"), ("processing", "Processing")],
                                max_length=10,
                            ),
                        ),
                        ("bucket", models.PositiveSmallIntegerField()),
                        ("calls", models.PositiveIntegerField()),
                    ],
                    options={
                        "default_permissions": (),
                        "constraints": [
                            models.UniqueConstraint(
                                fields=("grain", "day", "source", "route", "measure", "bucket"),
                                name="dash_histogram_key",
                            )
                        ],
                    },
                ),
                migrations.CreateModel(
                    name="CallRollup",
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
                        (
                            "grain",
                            models.CharField(
                                choices=[("d", "day"), ("m", "month")], db_default="d", max_length=1
                            ),
                        ),
                        ("day", models.DateField()),
                        ("source", models.CharField(max_length=40)),
                        ("call_type", models.CharField(max_length=40)),
                        ("route", models.CharField(max_length=16)),
                        ("eligible_route", models.CharField(max_length=16)),
                        ("unserved_reason", models.CharField(max_length=16)),
                        ("calls", models.PositiveIntegerField()),
                        ("processing_n", models.PositiveIntegerField()),
                        ("processing_sum_s", models.FloatField()),
                        ("processing_within_60", models.PositiveIntegerField()),
                        ("response_n", models.PositiveIntegerField()),
                        ("response_sum_s", models.FloatField()),
                        ("scene_n", models.PositiveIntegerField()),
                        ("scene_sum_s", models.FloatField()),
                        ("department_responses", models.PositiveIntegerField()),
                        ("safety_n", models.PositiveIntegerField()),
                        ("safety_yes", models.PositiveIntegerField()),
                        ("backups", models.PositiveIntegerField()),
                        ("handoffs", models.PositiveIntegerField()),
                        ("police_took_over", models.PositiveIntegerField()),
                    ],
                    options={
                        "default_permissions": (),
                        "constraints": [
                            models.UniqueConstraint(
                                fields=(
                                    "grain",
                                    "day",
                                    "source",
                                    "call_type",
                                    "route",
                                    "eligible_route",
                                    "unserved_reason",
                                ),
                                name="dash_call_rollup_key",
                            )
                        ],
                    },
                ),
                migrations.CreateModel(
                    name="EligibleHourRollup",
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
                        (
                            "grain",
                            models.CharField(
                                choices=[("d", "day"), ("m", "month")], db_default="d", max_length=1
                            ),
                        ),
                        ("day", models.DateField()),
                        ("weekday", models.PositiveSmallIntegerField()),
                        ("hour", models.PositiveSmallIntegerField()),
                        ("source", models.CharField(max_length=40)),
                        ("eligible_route", models.CharField(max_length=16)),
                        ("route", models.CharField(max_length=16)),
                        ("unserved_reason", models.CharField(max_length=16)),
                        ("calls", models.PositiveIntegerField()),
                    ],
                    options={
                        "default_permissions": (),
                        "constraints": [
                            models.UniqueConstraint(
                                fields=(
                                    "grain",
                                    "day",
                                    "weekday",
                                    "hour",
                                    "source",
                                    "eligible_route",
                                    "route",
                                    "unserved_reason",
                                ),
                                name="dash_eligible_hour_key",
                            )
                        ],
                    },
                ),
                migrations.CreateModel(
                    name="PersonDayRollup",
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
                        (
                            "grain",
                            models.CharField(
                                choices=[("d", "day"), ("m", "month")], db_default="d", max_length=1
                            ),
                        ),
                        ("day", models.DateField()),
                        ("source", models.CharField(max_length=40)),
                        ("person_id", models.BigIntegerField()),
                        ("responses", models.PositiveIntegerField()),
                    ],
                    options={
                        "default_permissions": (),
                        "constraints": [
                            models.UniqueConstraint(
                                fields=("grain", "day", "source", "person_id"),
                                name="dash_person_day_key",
                            )
                        ],
                    },
                ),
            ],
            database_operations=[migrations.RunPython(tables_forwards, tables_backwards)],
        ),
        migrations.RunPython(content_types_forwards, content_types_backwards),
    ]
