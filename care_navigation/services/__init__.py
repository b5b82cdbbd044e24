"""Writes for care navigation. Each function is one state change in one transaction, with its
audit entry inside. Access checks (who may touch which case) are the caller's: views and the
API use care_navigation.selectors.case_get_for before calling in here.

None of these transactions is durable: the dispatch console opens a case from inside its own
clearing transaction, so a failure here rolls the clearing back with it.
"""

from care_navigation.services.cases import (
    case_assign,
    case_claim,
    case_extend,
    case_open_from_call,
    case_open_from_referral,
    navigator_least_loaded,
    need_add,
    note_add,
)
from care_navigation.services.common import CLOCK_SKEW
from care_navigation.services.contacts import UNREACHABLE_AFTER_FAILED_ATTEMPTS, contact_log
from care_navigation.services.need_requests import need_request_decide
from care_navigation.services.notifications import notification_mark_read
from care_navigation.services.people import case_person_keep, case_person_merge
from care_navigation.services.referrals import referral_create, referral_update
from care_navigation.services.sweep import SWEEP_KINDS, SweepResult, care_sweep

__all__ = [
    "CLOCK_SKEW",
    "SWEEP_KINDS",
    "UNREACHABLE_AFTER_FAILED_ATTEMPTS",
    "SweepResult",
    "care_sweep",
    "case_assign",
    "case_claim",
    "case_extend",
    "case_open_from_call",
    "case_open_from_referral",
    "case_person_keep",
    "case_person_merge",
    "contact_log",
    "navigator_least_loaded",
    "need_add",
    "need_request_decide",
    "note_add",
    "notification_mark_read",
    "referral_create",
    "referral_update",
]
