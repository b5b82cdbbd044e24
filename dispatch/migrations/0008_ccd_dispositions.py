"""CCD dispositions of their own (docs/ccd.md): Call.ccd_disposition, and the call's
disposition may be one of the phone line's.

Calls the phone line handled before keep the field disposition they were resolved with; the
ones whose meaning is certain get their CCD disposition: a conversion (its field event) and a
call resolved by phone as "referred to care navigation" or "resolved" (on the call).
"""

from django.db import migrations, models
from django.utils import timezone


def backfill(apps, schema_editor):
    Call = apps.get_model("dispatch", "Call")
    FieldEvent = apps.get_model("dispatch", "FieldEvent")
    now = timezone.now()  # the rollups find changed calls by updated_at
    converted = FieldEvent.objects.filter(kind="ccd_converted").values("call_id")
    Call.objects.filter(pk__in=converted).update(
        ccd_disposition="converted_to_field_response", updated_at=now
    )
    by_phone = Call.objects.filter(
        route="CCD", status="closed", assignments__isnull=True, ccd_disposition=""
    )
    for old, new in (
        ("resolved_on_scene", "resolved_by_phone"),
        ("referred_to_care_navigation", "referred_to_care_navigation"),
    ):
        by_phone.filter(disposition=old).update(ccd_disposition=new, updated_at=now)


class Migration(migrations.Migration):
    dependencies = [
        ("dispatch", "0007_person_moved"),
    ]

    operations = [
        migrations.AddField(
            model_name="call",
            name="ccd_disposition",
            field=models.CharField(
                blank=True,
                choices=[
                    ("resolved_by_phone", "Resolved by phone"),
                    ("safety_plan_made", "Safety plan made"),
                    ("referred_to_care_navigation", "Referred to care navigation"),
                    ("transferred_to_988", "Transferred to 988"),
                    ("converted_to_field_response", "Converted to field response"),
                    ("caller_disconnected", "Caller disconnected"),
                ],
                default="",
                db_default="",
                max_length=32,
            ),
        ),
        migrations.AlterField(
            model_name="call",
            name="disposition",
            field=models.CharField(
                blank=True,
                choices=[
                    ("resolved_on_scene", "Resolved on scene"),
                    ("referred_to_care_navigation", "Referred to care navigation"),
                    ("transported_hospital", "Transported to hospital"),
                    ("transported_crisis_center", "Transported to crisis center"),
                    ("police_took_over", "Police took over"),
                    ("refused_services", "Refused services"),
                    ("gone_on_arrival", "Gone on arrival"),
                    ("other", "Other"),
                    ("resolved_by_phone", "Resolved by phone"),
                    ("safety_plan_made", "Safety plan made"),
                    ("transferred_to_988", "Transferred to 988"),
                    ("caller_disconnected", "Caller disconnected"),
                ],
                max_length=32,
            ),
        ),
        migrations.RunPython(backfill, migrations.RunPython.noop),
    ]
