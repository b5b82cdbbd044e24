"""Seed the default call types, label mappings, schedules and rule set 1 (docs/domain.md 3-5)."""

import copy
import csv
from pathlib import Path

from django.db import migrations
from django.utils import timezone

MAPPINGS = Path(__file__).resolve().parent.parent / "data" / "label_mappings.csv"


def seed(apps, schema_editor):
    from triage.default_policy import (
        DEFAULT_CALL_TYPES,
        DEFAULT_FALLBACK,
        DEFAULT_RULES,
        DEFAULT_RULES_VERSION,
        DEFAULT_SCHEDULES,
    )

    CallType = apps.get_model("triage", "CallType")
    CallTypeMapping = apps.get_model("triage", "CallTypeMapping")
    ServiceSchedule = apps.get_model("triage", "ServiceSchedule")
    RuleSet = apps.get_model("triage", "RuleSet")

    for info in DEFAULT_CALL_TYPES:
        CallType.objects.get_or_create(
            code=info.code,
            defaults={
                "label": info.label,
                "family": info.family,
                "default_priority": info.default_priority,
            },
        )
    with MAPPINGS.open(newline="", encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            CallTypeMapping.objects.get_or_create(
                source=row["source"],
                external_label=row["external_label"],
                defaults={"call_type_id": row["call_type"]},
            )
    if not ServiceSchedule.objects.exists():
        ServiceSchedule.objects.bulk_create(ServiceSchedule(**entry) for entry in DEFAULT_SCHEDULES)
    if not RuleSet.objects.exists():
        now = timezone.now()
        RuleSet.objects.create(
            version=DEFAULT_RULES_VERSION,
            status="published",
            rules=copy.deepcopy(DEFAULT_RULES),
            fallback=copy.deepcopy(DEFAULT_FALLBACK),
            description="Default policy (docs/domain.md section 5)",
            created_at=now,
            published_at=now,
        )


class Migration(migrations.Migration):
    dependencies = [("triage", "0001_initial")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
