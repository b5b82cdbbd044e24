"""Transfers to the regional 988 center (docs/police_and_988.md), warm or cold.

A CCD clinician records one by resolving a phone call as "transferred to 988" (ccd_resolve,
with warm or cold); a dispatcher records one on a waiting call here. Either way the call
closes with the disposition `transferred_to_988` and keeps how (`transfer_988`)."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from access.audit import audit_record
from dispatch.models import CCD_TRANSFERRED_TO_988, TRANSFERS_988, Call
from dispatch.services.assignments import _lock_open_call

TRANSFER_CODES = tuple(code for code, _ in TRANSFERS_988)


def check_transfer_988(disposition: str, transfer_988: str) -> None:
    """A transfer to 988 says warm or cold; any other disposition says neither."""
    if disposition == CCD_TRANSFERRED_TO_988:
        if transfer_988 not in TRANSFER_CODES:
            raise ValidationError(
                {"transfer_988": [f"a transfer to 988 is one of {', '.join(TRANSFER_CODES)}"]}
            )
    elif transfer_988:
        raise ValidationError(
            {"transfer_988": [f"only a call transferred to 988 is warm or cold ({disposition})"]}
        )


def call_transfer_988(
    *, call_id: int, transfer_988: str, by: Any, reason: str = "", request: Any = None
) -> Call:
    """A dispatcher transfers a waiting call (no unit on it) to the regional 988 center, warm
    or cold: the call closes with the disposition transferred_to_988. A call with a unit on it
    is cleared by its unit instead; a call in the CCD queue is resolved by the clinician."""
    check_transfer_988(CCD_TRANSFERRED_TO_988, transfer_988)
    now = timezone.now()
    with transaction.atomic():
        call = _lock_open_call(call_id)
        if call.assignments.filter(cleared_at__isnull=True).exists():
            raise ValidationError(
                {"call": [f"call {call_id} has a unit on it: the unit clears it"]}
            )
        call.status = Call.Status.CLOSED
        call.disposition = CCD_TRANSFERRED_TO_988
        call.transfer_988 = transfer_988
        call.closed_at = now
        call.held_until = None
        call.save(
            update_fields=[
                "status",
                "disposition",
                "transfer_988",
                "closed_at",
                "held_until",
                "updated_at",
            ]
        )
        audit_record(
            action="call.transfer_988",
            user=by,
            obj=call,
            request=request,
            detail={"transfer_988": transfer_988, "reason": reason.strip()[:500]},
        )
    return call
