"""Contact attempts, first contact, and the unable-to-reach flag."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.http import HttpRequest
from django.utils import timezone

from access.audit import audit_record
from care_navigation.models import Case, ContactAttempt, Notification
from care_navigation.services.common import _instant, _locked, _require_open
from care_navigation.services.notifications import _notify

UNREACHABLE_AFTER_FAILED_ATTEMPTS = 3


def _contact_columns(case: Case) -> list[str]:
    """Recompute first contact and failures-in-a-row from the attempts, ordered by time (an
    attempt logged late still lands in its place); returns the fields it set."""
    contacts = case.contacts.all()
    first_reached = contacts.filter(reached=True).order_by("at", "id").first()
    last_reached = contacts.filter(reached=True).order_by("-at", "-id").first()
    failures = contacts.filter(reached=False)
    if last_reached is not None:
        failures = failures.filter(
            Q(at__gt=last_reached.at) | Q(at=last_reached.at, id__gt=last_reached.pk)
        )
    case.failed_attempts_in_row = failures.count()
    case.unable_to_reach = case.failed_attempts_in_row >= UNREACHABLE_AFTER_FAILED_ATTEMPTS
    case.first_contact_at = first_reached.at if first_reached is not None else None
    return ["failed_attempts_in_row", "unable_to_reach", "first_contact_at"]


def _notify_unreachable(case: Case, now: datetime) -> list[str]:
    if case.unable_to_reach and case.unreachable_notified_at is None:
        case.unreachable_notified_at = now
        _notify(case.pk, Notification.Kind.UNABLE_TO_REACH, now)
        return ["unreachable_notified_at"]
    return []


def contact_log(
    *,
    case: Case,
    by: Any,
    channel: str,
    reached: bool,
    declined: bool = False,
    note: str = "",
    at: datetime | None = None,
    request: HttpRequest | None = None,
) -> ContactAttempt:
    """Log a contact attempt. The first reached attempt is the first contact; a decline is a
    reached attempt that ends navigation's chances (outcome `declined` at close). Three failed
    attempts in a row, by time, flag the case `unable_to_reach` and notify at once; reaching
    the person clears the flag."""
    if channel not in ContactAttempt.Channel.values:
        raise ValidationError(
            {"channel": [f"{channel!r} is not one of {', '.join(ContactAttempt.Channel.values)}"]}
        )
    if declined and not reached:
        raise ValidationError({"declined": ["only a person who was reached can decline"]})
    now = timezone.now()
    with transaction.atomic():
        case = _locked(case)
        _require_open(case)
        when = _instant(at, case=case, now=now)
        contact = ContactAttempt.objects.create(
            case=case,
            at=when,
            channel=channel,
            reached=reached,
            declined=declined,
            note=note.strip(),
            by=by,
        )
        fields = _contact_columns(case)
        if declined and case.declined_at is None:
            case.declined_at = when
            fields.append("declined_at")
        # Stamped with the attempt's time: one logged late still notifies at once, and sorts
        # where it belongs among the case's other notices.
        fields += _notify_unreachable(case, when)
        case.save(update_fields=fields)
        audit_record(
            action="case.contact",
            user=by,
            obj=case,
            request=request,
            detail={"channel": channel, "reached": reached, "declined": declined},
        )
    return contact
