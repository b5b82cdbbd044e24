"""Seed the call-type mapping's source "eido": the APCO common incident types a PSAP's EIDO
names, for the department's call types (triage/eido_labels.py, docs/interop.md). Rows an admin
changed or removed are left alone on the way back: only the seeded labels are deleted."""

from django.db import migrations

from triage.eido_labels import EIDO_LABELS, EIDO_SOURCE


def seed(apps, schema_editor):
    CallType = apps.get_model("triage", "CallType")
    CallTypeMapping = apps.get_model("triage", "CallTypeMapping")
    known = set(CallType.objects.values_list("code", flat=True))
    for code, labels in EIDO_LABELS.items():
        if code not in known:
            continue  # a department that removed the type maps its labels itself
        for label in labels:
            CallTypeMapping.objects.get_or_create(
                source=EIDO_SOURCE, external_label=label, defaults={"call_type_id": code}
            )


def unseed(apps, schema_editor):
    CallTypeMapping = apps.get_model("triage", "CallTypeMapping")
    for code, labels in EIDO_LABELS.items():
        CallTypeMapping.objects.filter(
            source=EIDO_SOURCE, external_label__in=labels, call_type_id=code
        ).delete()


class Migration(migrations.Migration):
    dependencies = [("triage", "0003_third_party_phone_rule")]

    operations = [migrations.RunPython(seed, unseed)]
