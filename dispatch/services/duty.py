"""Department units follow their service's schedule: off duty outside its hours."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from django.db import transaction
from django.db.models import Exists, OuterRef
from django.utils import timezone

from access.audit import audit_record
from dispatch.models import Assignment, Unit
from dispatch.services.assignments import DEPARTMENT_KINDS
from triage.selectors import engine_get


@dataclass
class DutySync:
    off_duty: list[str] = field(default_factory=list)
    available: list[str] = field(default_factory=list)

    @property
    def changed(self) -> int:
        return len(self.off_duty) + len(self.available)


def unit_duty_sync(*, now: datetime | None = None) -> DutySync:
    """Put the department's units where the schedules say: an available unit whose service is
    off duty goes off duty, an off-duty unit whose service is on duty becomes available.

    A unit on a call keeps working it and goes off duty at the first sync after it clears;
    out of service stays as a dispatcher set it (that is the status for a team missing in its
    hours: off duty means outside them). Each change is a conditional UPDATE on the status it
    expects, so a dispatcher assigning the unit at the same moment either wins (the unit
    stays on the call) or finds it off duty. Safe to run twice or at once. Police, fire and
    EMS units have no schedule and are left alone."""
    written = timezone.now()
    now = now or written
    coverage = engine_get().coverage
    result = DutySync()
    on_call = Exists(Assignment.objects.filter(unit=OuterRef("pk"), cleared_at__isnull=True))
    with transaction.atomic():
        for kind in DEPARTMENT_KINDS:
            if coverage.on_duty(kind, now):
                before, after, names = Unit.Status.OFF_DUTY, Unit.Status.AVAILABLE, result.available
            else:
                before, after, names = Unit.Status.AVAILABLE, Unit.Status.OFF_DUTY, result.off_duty
            candidates = Unit.objects.filter(kind=kind, status=before).exclude(on_call)
            for unit in candidates.order_by("name").only("pk", "name"):
                moved = Unit.objects.filter(pk=unit.pk, status=before).update(
                    status=after, status_changed_at=now, updated_at=written
                )
                if moved:
                    names.append(unit.name)
        if result.changed:
            audit_record(
                action="unit.duty_sync",
                object_type=Unit._meta.label_lower,
                detail={
                    "off_duty": result.off_duty,
                    "available": result.available,
                    "as_of": now.isoformat(),
                },
            )
    return result
