"""Board alerts that a dispatcher acknowledges (docs/calls.md): a call waiting past its
warning, and a team's request for police backup."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from access.audit import audit_record
from dispatch.models import AlertAcknowledgement, Call, FieldEvent
from dispatch.selectors import WAIT_WARNING_MINUTES
from dispatch.services.calls import _touch, _user_or_none

ALERT_KINDS = AlertAcknowledgement.Kind.values


def call_overdue(call: Call, now: datetime) -> bool:
    """A call still waiting for a unit past its priority's warning (the board's red row)."""
    if call.status not in (Call.Status.QUEUED, Call.Status.HELD):
        return False
    warn_after = timedelta(minutes=WAIT_WARNING_MINUTES.get(call.priority, 30))
    return now - call.received_at >= warn_after


def alert_acknowledge(
    *, call_id: int, kind: str, by: Any, request: Any = None
) -> list[AlertAcknowledgement]:
    """A dispatcher acknowledges the call's alert of ``kind``: "overdue" (the call waits past
    its warning) or "backup" (every backup request on it not yet acknowledged). Who and when
    go on the call's timeline; the board stops sounding it. An alert that is not raised, or
    was acknowledged already, is refused by field ("kind")."""
    if kind not in ALERT_KINDS:
        raise ValidationError({"kind": [f"{kind!r} is not one of {', '.join(ALERT_KINDS)}"]})
    now = timezone.now()
    with transaction.atomic():
        # The lock serialises two dispatchers pressing at once; the unique constraints are
        # the backstop.
        call = Call.objects.select_for_update().filter(pk=call_id).first()
        if call is None:
            raise ValidationError({"call": [f"call {call_id} does not exist"]})
        user = _user_or_none(by)
        if kind == AlertAcknowledgement.Kind.OVERDUE:
            if AlertAcknowledgement.objects.filter(call=call, kind=kind).exists():
                raise ValidationError(
                    {"kind": [f"the overdue alert of call {call_id} is already acknowledged"]}
                )
            if not call_overdue(call, now):
                raise ValidationError(
                    {"kind": [f"call {call_id} is not waiting past its warning: no alert"]}
                )
            acks = [AlertAcknowledgement.objects.create(call=call, kind=kind, at=now, by=user)]
        else:
            acked = AlertAcknowledgement.objects.filter(call=call, event__isnull=False).values(
                "event_id"
            )
            events = list(
                FieldEvent.objects.filter(call=call, kind=FieldEvent.Kind.BACKUP_REQUESTED).exclude(
                    pk__in=acked
                )
            )
            if not events:
                raise ValidationError(
                    {"kind": [f"call {call_id} has no backup request waiting to be acknowledged"]}
                )
            acks = AlertAcknowledgement.objects.bulk_create(
                AlertAcknowledgement(call=call, kind=kind, event=e, at=now, by=user) for e in events
            )
        # The board's ETag moves: every dispatcher's board stops showing the alert.
        _touch(call.pk, now)
        audit_record(
            action="call.alert_ack",
            user=by,
            obj=call,
            request=request,
            detail={"kind": kind, "events": [a.event_id for a in acks if a.event_id]},
        )
    return acks
