"""Transfers to the regional 988 center, warm or cold: by the CCD clinician resolving a phone
call, or by a dispatcher on a waiting call (docs/police_and_988.md)."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from access.models import AuditEntry
from dispatch.models import Call
from dispatch.services import call_transfer_988, ccd_resolve, unit_assign

pytestmark = pytest.mark.django_db

PHONE_ANSWERS = {
    "weapon": "no",
    "violence": "no",
    "caller_is_subject": "yes",
    "wants_in_person": "no",
}


@pytest.fixture
def phone_call(make_call):
    call = make_call(call_type="MENTAL_HEALTH", answers=PHONE_ANSWERS)
    assert call.status == Call.Status.PHONE
    return call


@pytest.mark.parametrize("how", ["warm", "cold"])
def test_it_records_a_ccd_transfer_to_988_warm_or_cold(ccd_clinician, phone_call, how):
    call = ccd_resolve(
        call_id=phone_call.pk, disposition="transferred_to_988", transfer_988=how, by=ccd_clinician
    )
    assert (call.status, call.ccd_disposition, call.transfer_988) == (
        "closed",
        "transferred_to_988",
        how,
    )
    assert AuditEntry.objects.get(action="call.ccd_resolve").detail["transfer_988"] == how


def test_it_asks_warm_or_cold_for_a_transfer_to_988(ccd_clinician, phone_call):
    with pytest.raises(ValidationError, match="a transfer to 988 is one of warm, cold"):
        ccd_resolve(call_id=phone_call.pk, disposition="transferred_to_988", by=ccd_clinician)
    with pytest.raises(ValidationError, match="only a call transferred to 988 is warm or cold"):
        ccd_resolve(
            call_id=phone_call.pk,
            disposition="resolved_by_phone",
            transfer_988="warm",
            by=ccd_clinician,
        )
    phone_call.refresh_from_db()
    assert (phone_call.status, phone_call.transfer_988) == ("phone", "")


def test_a_dispatcher_transfers_a_waiting_call_to_988(make_call, dispatcher):
    call = make_call()
    done = call_transfer_988(
        call_id=call.pk, transfer_988="cold", reason="caller asked", by=dispatcher
    )
    assert (done.status, done.disposition, done.transfer_988, done.ccd_disposition) == (
        "closed",
        "transferred_to_988",
        "cold",
        "",
    )
    assert done.closed_at is not None


def test_a_dispatcher_does_not_transfer_a_call_with_a_unit_on_it(make_call, dispatcher, heart_unit):
    call = make_call()
    unit_assign(call_id=call.pk, unit_id=heart_unit.pk, by=dispatcher)
    with pytest.raises(ValidationError, match="has a unit on it"):
        call_transfer_988(call_id=call.pk, transfer_988="warm", by=dispatcher)
    with pytest.raises(ValidationError, match="transfer_988"):
        call_transfer_988(call_id=call.pk, transfer_988="hot", by=dispatcher)
    call.refresh_from_db()
    assert (call.status, call.transfer_988) == ("active", "")
