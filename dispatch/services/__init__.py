"""Writes for the dispatch console. Each function is one state change in one transaction,
with its audit entry (and any outbox row) written inside it. Nothing else saves these models.
"""

from dispatch.services.assignments import (
    CallNotOpen,
    UnitUnavailable,
    backup_request,
    call_fall_back,
    call_hold,
    handoff_record,
    unit_assign,
    unit_status_set,
)
from dispatch.services.call_location import call_locate
from dispatch.services.call_person import calls_person_move, calls_person_set
from dispatch.services.calls import (
    CallInput,
    IdempotencyConflict,
    call_create,
    triage_evaluate,
)
from dispatch.services.clearing import (
    CallNotOnPhone,
    FeltSafe,
    Referral,
    call_clear,
    ccd_convert,
    ccd_resolve,
)
from dispatch.services.duty import DutySync, unit_duty_sync
from dispatch.services.history import ResponseTimes, call_record_closed

__all__ = [
    "CallInput",
    "CallNotOnPhone",
    "CallNotOpen",
    "DutySync",
    "FeltSafe",
    "IdempotencyConflict",
    "Referral",
    "ResponseTimes",
    "UnitUnavailable",
    "backup_request",
    "call_clear",
    "call_create",
    "call_fall_back",
    "call_hold",
    "call_locate",
    "call_record_closed",
    "calls_person_move",
    "calls_person_set",
    "ccd_convert",
    "ccd_resolve",
    "handoff_record",
    "triage_evaluate",
    "unit_assign",
    "unit_duty_sync",
    "unit_status_set",
]
