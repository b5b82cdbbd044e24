"""Calls a partner agency transferred (NENA EIDO, docs/interop.md): the partner's later updates."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from access.audit import audit_record
from dispatch.models import Call, FieldEvent
from dispatch.services.calls import NARRATIVE_MAX_CHARS, _field_event


def call_transfer_update(
    *,
    call_id: int,
    by: Any,
    updated_at: datetime,
    address: str,
    lat: float | None,
    lon: float | None,
    callback_number: str,
    narrative: str,
    request: Any = None,
) -> bool:
    """Apply a transferring agency's newer version of a call: its location, callback and notes.

    Only a version newer than the one the call holds is applied (EIDO lastUpdateTimeStamp);
    return whether it was. The call's timeline says what changed (a field event), and the
    audit log keeps it."""
    if len(narrative) > NARRATIVE_MAX_CHARS:
        raise ValidationError({"narrative": [f"at most {NARRATIVE_MAX_CHARS:,} characters"]})
    with transaction.atomic():
        call = Call.objects.select_for_update().filter(pk=call_id).first()
        if call is None:
            raise ValidationError({"call": [f"call {call_id} does not exist"]})
        if call.source_updated_at is not None and updated_at <= call.source_updated_at:
            return False
        new = {
            "address": address,
            "lat": lat,
            "lon": lon,
            "callback_number": callback_number,
            "narrative": narrative,
        }
        changed = [name for name, value in new.items() if getattr(call, name) != value]
        for name, value in new.items():
            setattr(call, name, value)
        call.source_updated_at = updated_at
        call.save(update_fields=[*new, "source_updated_at", "updated_at"])
        what = ", ".join(changed) if changed else "nothing shown here"
        _field_event(
            call,
            kind=FieldEvent.Kind.TRANSFER_UPDATED,
            at=timezone.now(),
            by=by,
            reason=f"{call.transferred_from or 'the partner'} updated {what} "
            f"(version of {updated_at.isoformat()})",
        )
        audit_record(
            action="call.transfer_update",
            user=by,
            obj=call,
            request=request,
            detail={"changed": changed, "version": updated_at.isoformat()},
        )
    return True
