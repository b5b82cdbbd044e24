"""Department units follow their service's schedule: off duty outside its hours."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from django.db import transaction
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils import timezone

from access.audit import audit_record
from dispatch.models import Assignment, RosterShift, Unit
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
    """Put the department's units where the schedules and the roster say: an available unit
    whose service is off duty, or that has a roster and no one rostered on it now, goes off
    duty; an off-duty unit whose service is on duty and that is crewed (someone rostered now,
    or no roster at all: it follows the schedule alone) becomes available.

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
    rostered = Exists(RosterShift.objects.filter(unit=OuterRef("pk")))
    staffed = Exists(
        RosterShift.objects.filter(unit=OuterRef("pk"), starts_at__lte=now, ends_at__gt=now)
    )
    # A unit with a roster works only while someone is rostered on it; one without follows
    # the schedule alone.
    crewed = ~Q(rostered) | Q(staffed)
    off, on = Unit.Status.OFF_DUTY, Unit.Status.AVAILABLE

    def move(candidates: QuerySet[Unit], before: str, after: str, names: list[str]) -> None:
        for unit in candidates.filter(status=before).order_by("name").only("pk", "name"):
            moved = Unit.objects.filter(pk=unit.pk, status=before).update(
                status=after, status_changed_at=now, updated_at=written
            )
            if moved:
                names.append(unit.name)

    with transaction.atomic():
        for kind in DEPARTMENT_KINDS:
            units = Unit.objects.filter(kind=kind).exclude(on_call)
            if coverage.on_duty(kind, now):
                move(units.filter(crewed), off, on, result.available)
                move(units.exclude(crewed), on, off, result.off_duty)
            else:
                move(units, on, off, result.off_duty)
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
