"""Case.person points at people.Person, where Person moved (people/migrations/0001_initial.py).

State only: in the database the foreign key already follows the renamed table.
"""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("care_navigation", "0003_notification_without_constraint"),
        ("people", "0001_initial"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name="case",
                    name="person",
                    field=models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="care_cases",
                        to="people.person",
                    ),
                ),
            ]
        ),
    ]
