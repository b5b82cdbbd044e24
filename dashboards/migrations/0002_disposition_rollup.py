"""The dispositions' rollup (docs/dashboards.md). The rollups' watermark goes back to none, so
the next refresh rebuilds every day, this new table's too, and until then the dashboards read
the calls table itself."""

from django.db import migrations, models


def rebuild_next(apps, schema_editor):
    apps.get_model("dashboards", "RollupState").objects.update(watermark=None)


class Migration(migrations.Migration):
    dependencies = [
        ("dashboards", "0001_initial"),
    ]

    operations = [
        migrations.CreateModel(
            name="DispositionRollup",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
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
                ("disposition", models.CharField(max_length=32)),
                ("ccd_disposition", models.CharField(max_length=32)),
                ("calls", models.PositiveIntegerField()),
            ],
            options={
                "default_permissions": (),
                "constraints": [
                    models.UniqueConstraint(
                        fields=("grain", "day", "source", "disposition", "ccd_disposition"),
                        name="dash_disposition_key",
                    )
                ],
            },
        ),
        migrations.RunPython(rebuild_next, migrations.RunPython.noop),
    ]
