"""Writes for the dispatch console. Each function is one state change in one transaction,
with its audit entry (and any outbox row) written inside it. Nothing else saves these models.
"""

from dispatch.services.after_intake import (
    Supplement,
    call_cancel,
    call_merge,
    call_note_add,
    call_supplement_add,
)
from dispatch.services.alerts import alert_acknowledge
from dispatch.services.assignments import (
    CallNotOpen,
    NoLongerOnCall,
    UnitsAvailable,
    UnitUnavailable,
    backup_request,
    call_fall_back,
    call_hold,
    call_reassign,
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
from dispatch.services.outcomes import Outcome
from dispatch.services.police import (
    HANDOFF_TARGETS,
    HandoffDeclined,
    HandoffResult,
    handoff_record,
    handoff_route,
    police_arrival_record,
    police_handoff_request,
)
from dispatch.services.positions import PositionReport, unit_position_report
from dispatch.services.roster import roster_shift_create, roster_shift_delete
from dispatch.services.transfer_988 import call_transfer_988
from dispatch.services.transfers import call_transfer_update

__all__ = [
    "HANDOFF_TARGETS",
    "CallInput",
    "CallNotOnPhone",
    "CallNotOpen",
    "DutySync",
    "FeltSafe",
    "HandoffDeclined",
    "HandoffResult",
    "IdempotencyConflict",
    "PositionReport",
    "Outcome",
    "NoLongerOnCall",
    "Referral",
    "ResponseTimes",
    "Supplement",
    "UnitUnavailable",
    "UnitsAvailable",
    "alert_acknowledge",
    "backup_request",
    "call_cancel",
    "call_clear",
    "call_create",
    "call_fall_back",
    "call_reassign",
    "call_hold",
    "call_merge",
    "call_note_add",
    "call_locate",
    "call_record_closed",
    "call_transfer_update",
    "call_transfer_988",
    "call_supplement_add",
    "calls_person_move",
    "calls_person_set",
    "ccd_convert",
    "ccd_resolve",
    "handoff_record",
    "handoff_route",
    "police_arrival_record",
    "police_handoff_request",
    "triage_evaluate",
    "roster_shift_create",
    "roster_shift_delete",
    "unit_assign",
    "unit_duty_sync",
    "unit_position_report",
    "unit_status_set",
]
