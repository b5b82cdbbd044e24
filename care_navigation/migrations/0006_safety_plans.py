import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("care_navigation", "0005_need_requests"),
        ("dispatch", "0007_person_moved"),
        ("people", "0001_initial"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name="SafetyPlan",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("version", models.PositiveIntegerField()),
                ("warning_signs", models.TextField(blank=True)),
                ("coping_steps", models.TextField(blank=True)),
                ("people_and_places", models.TextField(blank=True)),
                ("professionals", models.TextField(blank=True)),
                ("means_safety", models.TextField(blank=True)),
                ("created_at", models.DateTimeField()),
                (
                    "call",
                    models.ForeignKey(
                        blank=True,
                        db_index=False,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to="dispatch.call",
                    ),
                ),
                (
                    "created_by",
                    models.ForeignKey(
                        db_index=False,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
                (
                    "person",
                    models.ForeignKey(
                        db_index=False,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="safety_plans",
                        to="people.person",
                    ),
                ),
            ],
            options={
                "ordering": ["person", "-version"],
                "constraints": [
                    models.UniqueConstraint(
                        fields=("person", "version"), name="care_safety_plan_version"
                    )
                ],
            },
        ),
    ]
