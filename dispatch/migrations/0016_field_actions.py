"""A dispatcher's reassignment of a call is a field event (issue 16: the phone of the unit taken
off the call learns of it when its queued actions come back with a conflict)."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("dispatch", "0015_clearing_outcomes")]

    operations = [
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
                    ("reassigned", "Dispatcher moved the call to another unit"),
                ],
                max_length=20,
            ),
        ),
    ]
