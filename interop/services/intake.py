"""EIDO intake: a partner transfers a call (docs/interop.md)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from access.audit import audit_record
from dispatch.models import Call
from dispatch.services import CallInput, call_create, call_transfer_update
from interop.eido_in import EidoInvalid, Transfer, eido_read
from interop.models import EidoTransfer
from interop.selectors import agency_of
from triage.eido_labels import EIDO_SOURCE
from triage.selectors import call_type_for_source_label

EIDO_ID_MAX = 255
# Where in an EIDO each field a call service may refuse came from.
FIELD_PATHS = {
    "received_at": "$.callComponent[0].callStartTimestamp",
    "narrative": "$.notesComponent",
    "address": "$.locationComponent",
    "callback_number": "$.callbackComponent",
}


@dataclass(frozen=True)
class EidoIntake:
    call: Call
    outcome: str  # "created", "updated" (a newer version applied) or "same" (a replay)


def _as_eido_problem(exc: ValidationError) -> EidoInvalid:
    problems: dict[str, list[str]] = {}
    for key, messages in exc.message_dict.items():
        problems.setdefault(FIELD_PATHS.get(key, "$"), []).extend(messages)
    return EidoInvalid(problems)


def eido_intake(*, by: Any, document: object, request: Any = None) -> EidoIntake:
    """Take a partner's EIDO: a new incident becomes a call, triaged like any other (its
    screening questions not asked); the same $id again returns the same call; a newer
    lastUpdateTimeStamp updates the call's location, callback and notes, and says so on its
    timeline. Raises EidoInvalid (nothing stored) or PermissionDenied (no partner agency)."""
    agency = agency_of(by)
    if agency is None:
        raise PermissionDenied("your account belongs to no active partner agency")
    transfer = eido_read(document)
    if len(transfer.eido_id) > EIDO_ID_MAX:
        raise EidoInvalid({"$.$id": [f"at most {EIDO_ID_MAX} characters"]})
    existing = _existing(agency.pk, transfer.eido_id)
    if existing is not None:
        return _update(existing, transfer, by=by, request=request)
    label = transfer.incident_type
    code = call_type_for_source_label(EIDO_SOURCE, label) or settings.EIDO_DEFAULT_CALL_TYPE
    data = CallInput(
        call_type=code,
        received_at=transfer.received_at,
        address=transfer.address,
        lat=transfer.lat,
        lon=transfer.lon,
        callback_number=transfer.callback_number,
        narrative=transfer.narrative,
        transferred_from=agency.name,
        source_ref=transfer.eido_id,
        source_updated_at=transfer.updated_at,
        external_label=label[:120],
    )
    try:
        with transaction.atomic():
            call, _ = call_create(by=by, data=data, request=request, source="eido")
            EidoTransfer.objects.create(
                agency=agency,
                eido_id=transfer.eido_id,
                call=call,
                received_at=timezone.now(),
                last_update_at=transfer.updated_at,
            )
    except ValidationError as exc:
        raise _as_eido_problem(exc) from exc
    except IntegrityError:
        # The same EIDO twice at once: the loser answers with the winner's call.
        existing = _existing(agency.pk, transfer.eido_id)
        if existing is None:
            raise
        return EidoIntake(call=existing.call, outcome="same")
    return EidoIntake(call=call, outcome="created")


def _existing(agency_id: int, eido_id: str) -> EidoTransfer | None:
    return (
        EidoTransfer.objects.select_related("call")
        .filter(agency_id=agency_id, eido_id=eido_id)
        .first()
    )


def _update(existing: EidoTransfer, transfer: Transfer, *, by: Any, request: Any) -> EidoIntake:
    if transfer.updated_at <= existing.last_update_at:
        return EidoIntake(call=existing.call, outcome="same")
    try:
        with transaction.atomic():
            applied = call_transfer_update(
                call_id=existing.call_id,
                by=by,
                updated_at=transfer.updated_at,
                address=transfer.address,
                lat=transfer.lat,
                lon=transfer.lon,
                callback_number=transfer.callback_number,
                narrative=transfer.narrative,
                request=request,
            )
            if applied:
                EidoTransfer.objects.filter(pk=existing.pk).update(
                    last_update_at=transfer.updated_at, updates=existing.updates + 1
                )
                audit_record(
                    action="eido.update",
                    user=by,
                    obj=existing,
                    request=request,
                    detail={"call": existing.call_id, "version": transfer.updated_at.isoformat()},
                )
    except ValidationError as exc:
        raise _as_eido_problem(exc) from exc
    existing.call.refresh_from_db()
    return EidoIntake(call=existing.call, outcome="updated" if applied else "same")
