"""Another navigator's needs for a person whose open case is not theirs: a request to that
case's navigator, never a write to a case the requester cannot read (docs/security.md)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone

from access.audit import audit_record
from care_navigation.models import Case, NeedRequest, Notification, NotificationRead
from care_navigation.services.common import _actor, _add_needs, _locked, _require_open
from care_navigation.services.notifications import _notify
from dispatch.models import Call


def may_work_on(by: Any, case: Case) -> bool:
    """What care_navigation.selectors.cases_visible_to lets `by` read: their own cases, or all
    of them for a supervisor."""
    return bool(by.has_perm("care_navigation.view_all_cases")) or (
        case.navigator_id is not None and case.navigator_id == by.pk
    )


def need_request_make(
    *,
    case: Case,
    by: Any,
    call: Call | None,
    needs: list[str],
    request: HttpRequest | None,
    now: datetime,
) -> NeedRequest:
    """Ask `case`'s navigator to add `needs`; called inside the caller's transaction."""
    asked = NeedRequest.objects.create(
        case=case, needs=needs, call=call, requested_by=by, requested_at=now
    )
    # One notification per case and kind: a new request makes it new and unread again.
    raised = Notification.objects.filter(case=case, kind=Notification.Kind.NEED_REQUEST)
    if raised.update(created_at=now):
        NotificationRead.objects.filter(notification__in=raised).delete()
    else:
        _notify(case.pk, Notification.Kind.NEED_REQUEST, now)
    audit_record(
        action="case.need_request",
        user=by,
        obj=case,
        request=request,
        detail={"request": asked.pk, "needs": needs, "call": call.pk if call else None},
    )
    return asked


def need_request_decide(
    *, need_request: NeedRequest, by: Any, accept: bool, request: HttpRequest | None = None
) -> NeedRequest:
    """The case's navigator (or a supervisor) accepts another navigator's request, and its
    needs join the open case, or declines it. A request is decided once."""
    with transaction.atomic():
        asked = NeedRequest.objects.select_for_update().get(pk=need_request.pk)
        if asked.status != NeedRequest.Status.PENDING:
            raise ValidationError({"decision": [f"this request was {asked.status} already"]})
        case = _locked(asked.case)
        now = timezone.now()
        added: list[str] = []
        if accept:
            _require_open(case)
            added = _add_needs(case, list(asked.needs), by=by, now=now)
        asked.status = NeedRequest.Status.ACCEPTED if accept else NeedRequest.Status.DECLINED
        asked.decided_by = _actor(by)
        asked.decided_at = now
        asked.save(update_fields=["status", "decided_by", "decided_at"])
        audit_record(
            action=f"case.need_request_{'accept' if accept else 'decline'}",
            user=by,
            obj=case,
            request=request,
            detail={"request": asked.pk, "needs_added": added},
        )
    return asked
