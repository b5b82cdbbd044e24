"""Writes of the shift roster: a responder put on a unit for a time, or taken off it."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from access.audit import audit_record
from dispatch.models import RosterShift, Unit
from dispatch.services.assignments import DEPARTMENT_KINDS

# A shift longer than this is a typing error (a week instead of a day), not a shift.
MAX_SHIFT = timedelta(hours=24)


def roster_shift_create(
    *,
    unit_id: int,
    responder_id: int,
    starts_at: datetime,
    ends_at: datetime,
    by: Any,
    request: Any = None,
) -> RosterShift:
    """Put a responder on a department unit from `starts_at` to `ends_at` (at most 24 hours).
    A responder is on one unit at a time: a shift overlapping another of theirs is refused,
    naming it. The responder's row is locked while checking, so two supervisors rostering
    the same person at once cannot both succeed."""
    if ends_at <= starts_at:
        raise ValidationError({"ends_at": ["the shift must end after it starts"]})
    if ends_at - starts_at > MAX_SHIFT:
        raise ValidationError({"ends_at": ["a shift lasts at most 24 hours"]})
    unit = Unit.objects.filter(pk=unit_id).first()
    if unit is None:
        raise ValidationError({"unit": [f"unit {unit_id} does not exist"]})
    if unit.kind not in DEPARTMENT_KINDS:
        raise ValidationError(
            {"unit": [f"{unit.name} is a {unit.kind} unit: only department units have a roster"]}
        )
    with transaction.atomic():
        user = get_user_model().objects.select_for_update().filter(pk=responder_id).first()
        if user is None or not user.is_active:
            raise ValidationError({"responder": [f"user {responder_id} is not an active user"]})
        clash = (
            RosterShift.objects.filter(responder=user, starts_at__lt=ends_at, ends_at__gt=starts_at)
            .select_related("unit")
            .first()
        )
        if clash is not None:
            raise ValidationError(
                {
                    "starts_at": [
                        f"{user.get_username()} is already on {clash.unit.name} from "
                        f"{clash.starts_at.isoformat()} to {clash.ends_at.isoformat()}"
                    ]
                }
            )
        shift = RosterShift.objects.create(
            unit=unit, responder=user, starts_at=starts_at, ends_at=ends_at, created_by=by
        )
        # The board's ETag moves with units' updated_at: a roster change shows on the board.
        Unit.objects.filter(pk=unit.pk).update(updated_at=timezone.now())
        audit_record(
            action="roster.shift_create",
            user=by,
            obj=shift,
            request=request,
            detail={
                "unit": unit.name,
                "responder": user.get_username(),
                "starts_at": starts_at.isoformat(),
                "ends_at": ends_at.isoformat(),
            },
        )
    return shift


def roster_shift_delete(*, shift_id: int, by: Any, request: Any = None) -> None:
    """Take a shift off the roster."""
    with transaction.atomic():
        shift = (
            RosterShift.objects.select_for_update()
            .select_related("unit", "responder")
            .filter(pk=shift_id)
            .first()
        )
        if shift is None:
            raise ValidationError({"shift": [f"shift {shift_id} does not exist"]})
        detail = {
            "unit": shift.unit.name,
            "responder": shift.responder.get_username(),
            "starts_at": shift.starts_at.isoformat(),
            "ends_at": shift.ends_at.isoformat(),
        }
        audit_record(
            action="roster.shift_delete", user=by, obj=shift, request=request, detail=detail
        )
        Unit.objects.filter(pk=shift.unit_id).update(updated_at=timezone.now())
        shift.delete()
