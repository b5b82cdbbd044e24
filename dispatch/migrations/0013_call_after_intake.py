"""The call after intake (docs/calls.md): field notes and supplements (CallNote), a call's
cancel reason, alert acknowledgements, and the field events of merges, cancellations and CCD
resolutions."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("dispatch", "0012_police_handoffs"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name="call",
            name="cancel_reason",
            field=models.CharField(
                blank=True,
                choices=[
                    ("caller_hung_up", "Caller hung up, no callback"),
                    ("no_response_needed", "No response needed"),
                    ("handled_by_caller", "Resolved before a unit went"),
                    ("other", "Other"),
                ],
                db_default="",
                default="",
                max_length=24,
            ),
        ),
        migrations.AlterField(
            model_name="fieldevent",
            name="kind",
            field=models.CharField(
                choices=[
                    ("backup_requested", "Police backup requested"),
                    ("handoff", "Police handed the call to the department"),
                    ("ccd_converted", "CCD converted the call to a field response"),
                    ("hold_fallback", "No unit within the hold: fell back"),
                    ("duplicate_linked", "Duplicate call linked"),
                    ("merged", "Closed as a duplicate of another call"),
                    ("cancelled", "Call cancelled"),
                    ("ccd_resolved", "CCD resolved the call by phone"),
                ],
                max_length=20,
            ),
        ),
        migrations.CreateModel(
            name="CallNote",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "kind",
                    models.CharField(
                        choices=[("note", "Field note"), ("supplement", "Supplement")],
                        max_length=12,
                    ),
                ),
                ("text", models.TextField()),
                ("at", models.DateTimeField()),
                ("created_at", models.DateTimeField()),
                ("changes", models.JSONField(blank=True, default=dict)),
                (
                    "by",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
                (
                    "call",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="notes",
                        to="dispatch.call",
                    ),
                ),
                (
                    "unit",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to="dispatch.unit",
                    ),
                ),
            ],
            options={
                "ordering": ["at", "id"],
            },
        ),
        migrations.CreateModel(
            name="AlertAcknowledgement",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "kind",
                    models.CharField(
                        choices=[("overdue", "Overdue call"), ("backup", "Backup request")],
                        max_length=12,
                    ),
                ),
                ("at", models.DateTimeField()),
                (
                    "by",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
                (
                    "call",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="alert_acks",
                        to="dispatch.call",
                    ),
                ),
                (
                    "event",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="+",
                        to="dispatch.fieldevent",
                    ),
                ),
            ],
            options={
                "ordering": ["at", "id"],
                "constraints": [
                    models.UniqueConstraint(
                        condition=models.Q(("kind", "overdue")),
                        fields=("call",),
                        name="alert_ack_once_per_overdue_call",
                    ),
                    models.UniqueConstraint(
                        condition=models.Q(("event__isnull", False)),
                        fields=("event",),
                        name="alert_ack_once_per_event",
                    ),
                ],
            },
        ),
    ]
