"""Referrals to services, and their way to connected."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone

from access.audit import audit_record
from care_navigation.models import NEED_CODES, REFERRAL_TRANSITIONS, Case, Referral, Service
from care_navigation.services.common import _add_needs, _instant, _locked, _require_open


def referral_create(
    *,
    case: Case,
    by: Any,
    need: str,
    service: Service | None = None,
    service_name: str = "",
    note: str = "",
    request: HttpRequest | None = None,
    at: datetime | None = None,
) -> Referral:
    """Refer the person to a service (from the directory, or named) for one need; the need is
    added to the case if it was not there yet. `at` is when, for a referral recorded after the
    fact (default now; not before the case opened)."""
    if need not in NEED_CODES:
        raise ValidationError({"need": [f"{need!r} is not one of {', '.join(NEED_CODES)}"]})
    name = service.name if service is not None else service_name.strip()
    if not name:
        raise ValidationError({"service": ["choose a service from the directory or name one"]})
    with transaction.atomic():
        case = _locked(case)
        _require_open(case)
        now = _instant(at, case=case, now=timezone.now())
        _add_needs(case, [need], by=by, now=now)
        referral = Referral.objects.create(
            case=case,
            need=need,
            service=service,
            service_name=name[:300],
            referred_at=now,
            status_changed_at=now,
            note=note.strip(),
            by=by,
        )
        audit_record(
            action="referral.create",
            user=by,
            obj=referral,
            request=request,
            detail={"case": case.pk, "need": need, "service": service.pk if service else None},
        )
    return referral


def referral_update(
    *,
    referral: Referral,
    by: Any,
    status: str | None = None,
    scheduled_for: datetime | None = None,
    note: str | None = None,
    at: datetime | None = None,
    request: HttpRequest | None = None,
) -> Referral:
    """Move a referral along referred -> scheduled -> connected (or declined, waitlisted,
    unavailable); any other move raises ValidationError naming the allowed ones. The first
    referral connected inside the case's window makes the case `connected`; one connected
    after the window is recorded but does not count."""
    now = timezone.now()
    with transaction.atomic():
        referral = Referral.objects.select_for_update().select_related("case").get(pk=referral.pk)
        case = referral.case
        when = _instant(at, case=case, now=now)
        fields: list[str] = []
        detail: dict[str, Any] = {"case": case.pk}
        if status is not None and status != referral.status:
            if status not in Referral.Status.values:
                raise ValidationError(
                    {"status": [f"{status!r} is not one of {', '.join(Referral.Status.values)}"]}
                )
            allowed = REFERRAL_TRANSITIONS[referral.status]
            if status not in allowed:
                raise ValidationError(
                    {
                        "status": [
                            f"a referral cannot go from {referral.status} to {status}"
                            + (
                                f" (allowed: {', '.join(sorted(allowed))})"
                                if allowed
                                else f" ({referral.status} is final: make a new referral)"
                            )
                        ]
                    }
                )
            detail.update({"from": referral.status, "to": status})
            referral.status = status
            referral.status_changed_at = when
            fields += ["status", "status_changed_at"]
            if status == Referral.Status.CONNECTED:
                referral.connected_at = when
                fields.append("connected_at")
                # Counts once, and only while the case is open and inside its window.
                detail["counted"] = bool(
                    Case.objects.filter(
                        pk=case.pk,
                        status=Case.Status.OPEN,
                        connected_at__isnull=True,
                        opened_at__lte=when,
                        closes_at__gte=when,
                    ).update(connected_at=when)
                )
        if scheduled_for is not None:
            if timezone.is_naive(scheduled_for):
                scheduled_for = timezone.make_aware(scheduled_for)
            if scheduled_for < case.opened_at:
                raise ValidationError({"scheduled_for": ["cannot be before the case was opened"]})
            referral.scheduled_for = scheduled_for
            fields.append("scheduled_for")
        if note is not None and note.strip() != referral.note:
            referral.note = note.strip()
            fields.append("note")
        if not fields:
            raise ValidationError({"status": ["nothing to change"]})
        referral.save(update_fields=fields)
        audit_record(
            action="referral.update", user=by, obj=referral, request=request, detail=detail
        )
    return referral
