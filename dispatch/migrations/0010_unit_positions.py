"""Units on the map (issue 13): a position's accuracy and source, and the AVL feed's permission."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("dispatch", "0009_call_location")]

    operations = [
        migrations.AddField(
            model_name="unit",
            name="position_accuracy_m",
            field=models.FloatField(blank=True, null=True),
        ),
        migrations.AddField(
            model_name="unit",
            name="position_source",
            field=models.CharField(
                blank=True,
                choices=[
                    ("responder", "a member's phone"),
                    ("avl", "vehicle AVL feed"),
                    ("dispatcher", "a dispatcher"),
                    ("demo", "demo data"),
                ],
                db_default="",
                default="",
                max_length=16,
            ),
        ),
        migrations.AlterModelOptions(
            name="unit",
            options={
                "ordering": ["kind", "name"],
                "permissions": [
                    (
                        "report_unit_position",
                        "Can report any unit's position (a vehicle AVL feed)",
                    )
                ],
            },
        ),
    ]
