"""The phone line's own dispositions (docs/ccd.md): resolved by phone, safety plan made,
referred to care navigation, transferred to 988, converted to field response, caller
disconnected. Stored on the call, shown on the call page, kept through a conversion."""

from __future__ import annotations

import importlib

import pytest
import time_machine
from django.apps import apps
from django.core.exceptions import ValidationError

from dispatch.models import CCD_DISPOSITIONS, CCD_RESOLUTIONS, Call, FieldEvent
from dispatch.services import (
    CallNotOnPhone,
    FeltSafe,
    Referral,
    ResponseTimes,
    call_clear,
    call_record_closed,
    ccd_convert,
    ccd_resolve,
    unit_assign,
)
from tests.dispatch.conftest import AFTERNOON, welfare_check
from tests.factories import UnitFactory

pytestmark = pytest.mark.django_db

PHONE_ANSWERS = {
    "weapon": "no",
    "violence": "no",
    "caller_is_subject": "yes",
    "wants_in_person": "no",
}
RESOLUTIONS = [code for code, _ in CCD_RESOLUTIONS]


@pytest.fixture
def phone_call(make_call):
    call = make_call(call_type="MENTAL_HEALTH", answers=PHONE_ANSWERS, caller_name="Jo")
    assert call.status == Call.Status.PHONE
    return call


def test_it_has_the_six_dispositions_of_the_phone_line_in_order():
    assert [code for code, _ in CCD_DISPOSITIONS] == [
        "resolved_by_phone",
        "safety_plan_made",
        "referred_to_care_navigation",
        "transferred_to_988",
        "converted_to_field_response",
        "caller_disconnected",
    ]
    assert "converted_to_field_response" not in RESOLUTIONS and len(RESOLUTIONS) == 5


@pytest.mark.parametrize("code", [c for c in RESOLUTIONS if c != "referred_to_care_navigation"])
def test_it_resolves_a_call_by_phone_with_each_disposition(ccd_clinician, phone_call, code):
    # A transfer to 988 says how (docs/police_and_988.md).
    how = "cold" if code == "transferred_to_988" else ""
    call = ccd_resolve(call_id=phone_call.pk, disposition=code, transfer_988=how, by=ccd_clinician)
    stored = Call.objects.get(pk=call.pk)
    assert (stored.status, stored.disposition, stored.ccd_disposition) == ("closed", code, code)
    assert stored.closed_at is not None and stored.referral_consent is None


@pytest.mark.parametrize(
    ("code", "problem"),
    [
        ("resolved_on_scene", "is not one of resolved_by_phone, safety_plan_made"),
        ("gone_on_arrival", "is not one of"),
        ("converted_to_field_response", "convert it to a field response"),
        ("", "is not one of"),
    ],
)
def test_it_refuses_a_field_disposition_or_a_conversion_by_field(
    ccd_clinician, phone_call, code, problem
):
    with pytest.raises(ValidationError) as refused:
        ccd_resolve(call_id=phone_call.pk, disposition=code, by=ccd_clinician)
    assert list(refused.value.message_dict) == ["disposition"]
    assert problem in refused.value.message_dict["disposition"][0]
    stored = Call.objects.get(pk=phone_call.pk)
    assert (stored.status, stored.disposition, stored.ccd_disposition) == ("phone", "", "")


def test_it_says_the_call_left_the_queue_with_its_own_error(ccd_clinician, phone_call):
    ccd_resolve(
        call_id=phone_call.pk,
        disposition="transferred_to_988",
        transfer_988="warm",
        by=ccd_clinician,
    )
    with pytest.raises(CallNotOnPhone, match="call .* is closed"):
        ccd_resolve(call_id=phone_call.pk, disposition="resolved_by_phone", by=ccd_clinician)
    with pytest.raises(CallNotOnPhone):
        ccd_convert(call_id=phone_call.pk, by=ccd_clinician)
    with pytest.raises(ValidationError, match="does not exist"):
        ccd_resolve(call_id=phone_call.pk + 999, disposition="resolved_by_phone", by=ccd_clinician)
    assert Call.objects.get(pk=phone_call.pk).disposition == "transferred_to_988"


def test_it_keeps_the_conversion_when_the_field_clears_with_its_own_disposition(
    ccd_clinician, dispatcher, responder, heart_unit, phone_call
):
    with time_machine.travel(AFTERNOON, tick=False):
        converted = ccd_convert(call_id=phone_call.pk, by=ccd_clinician, reason="wants a visit")
    assert (converted.route, converted.status) == ("HEART", "queued")
    assert converted.ccd_disposition == "converted_to_field_response"
    assert converted.disposition == ""
    assert FieldEvent.objects.filter(call=converted, kind=FieldEvent.Kind.CCD_CONVERTED).exists()
    with time_machine.travel(AFTERNOON, tick=True):
        unit_assign(call_id=converted.pk, unit_id=heart_unit.pk, by=dispatcher)
        call_clear(
            call_id=converted.pk,
            disposition="resolved_on_scene",
            felt_safe=[FeltSafe(responder.pk, True)],
            by=responder,
        )
    stored = Call.objects.get(pk=converted.pk)
    assert (stored.disposition, stored.ccd_disposition) == (
        "resolved_on_scene",
        "converted_to_field_response",
    )


def test_it_opens_a_case_from_a_ccd_referral_as_from_a_field_one(
    ccd_clinician, navigator, phone_call
):
    call = ccd_resolve(
        call_id=phone_call.pk,
        disposition="referred_to_care_navigation",
        referral=Referral(consent=True, needs=["mental_health"], person_name="Jo Reyes"),
        by=ccd_clinician,
    )
    stored = Call.objects.get(pk=call.pk)
    assert stored.ccd_disposition == stored.disposition == "referred_to_care_navigation"
    case = stored.care_cases.get()
    assert (case.person.name, case.navigator) == ("Jo Reyes", navigator)


# Calls recorded after the fact (the demo's year).


def test_it_records_a_past_call_resolved_by_phone(db):
    data = welfare_check(call_type="MENTAL_HEALTH", answers=PHONE_ANSWERS)
    call = call_record_closed(
        data=data,
        source="test",
        external_id="P-1",
        response=None,
        disposition="",
        ccd_disposition="safety_plan_made",
        closed_at=AFTERNOON,
    )
    assert (call.route, call.disposition, call.ccd_disposition) == (
        "CCD",
        "safety_plan_made",
        "safety_plan_made",
    )
    referred = call_record_closed(
        data=data,
        source="test",
        external_id="P-2",
        response=None,
        disposition="",
        ccd_disposition="referred_to_care_navigation",
        referral=Referral(consent=False),
        closed_at=AFTERNOON,
    )
    assert Call.objects.get(pk=referred.pk).referral_consent is False


def test_it_refuses_a_past_phone_resolution_with_a_unit_or_a_field_code(heart_unit):
    data = welfare_check(call_type="MENTAL_HEALTH", answers=PHONE_ANSWERS)
    with pytest.raises(ValidationError) as with_unit:
        call_record_closed(
            data=data,
            source="test",
            external_id="P-3",
            response=ResponseTimes(unit_id=heart_unit.pk, dispatched_at=AFTERNOON),
            disposition="",
            ccd_disposition="resolved_by_phone",
            closed_at=AFTERNOON,
        )
    assert list(with_unit.value.message_dict) == ["ccd_disposition"]
    with pytest.raises(ValidationError) as field_code:
        call_record_closed(
            data=data,
            source="test",
            external_id="P-4",
            response=None,
            disposition="",
            ccd_disposition="resolved_on_scene",
            closed_at=AFTERNOON,
        )
    assert list(field_code.value.message_dict) == ["disposition"]
    assert not Call.objects.filter(source="test").exists()


def test_it_gives_calls_resolved_before_their_phone_disposition_where_it_is_certain(
    ccd_clinician, phone_call, make_call
):
    migration = importlib.import_module("dispatch.migrations.0008_ccd_dispositions")
    old_resolved = make_call(call_type="MENTAL_HEALTH", answers=PHONE_ANSWERS, zone="2")
    old_refused = make_call(call_type="MENTAL_HEALTH", answers=PHONE_ANSWERS, zone="3")
    with time_machine.travel(AFTERNOON, tick=False):
        old_converted = ccd_convert(call_id=phone_call.pk, by=ccd_clinician)
    # As the console stored them before: a field disposition, no CCD disposition.
    Call.objects.filter(pk=old_resolved.pk).update(status="closed", disposition="resolved_on_scene")
    Call.objects.filter(pk=old_refused.pk).update(status="closed", disposition="refused_services")
    Call.objects.filter(pk=old_converted.pk).update(ccd_disposition="")

    migration.backfill(apps, None)

    found = dict(Call.objects.values_list("pk", "ccd_disposition"))
    assert found[old_resolved.pk] == "resolved_by_phone"
    assert found[old_converted.pk] == "converted_to_field_response"
    assert found[old_refused.pk] == ""  # no phone disposition says it: left as recorded
    assert Call.objects.get(pk=old_resolved.pk).disposition == "resolved_on_scene"


# The queue page and the call page.


def test_it_offers_the_phone_dispositions_on_the_queue_and_not_the_fields(
    client_for, ccd_clinician, phone_call
):
    page = client_for(ccd_clinician).get("/dispatch/ccd/").content.decode()
    for code, label in CCD_RESOLUTIONS:
        assert f'<option value="{code}">{label}</option>' in page
    assert 'value="resolved_on_scene"' not in page and 'value="gone_on_arrival"' not in page
    assert "Convert to field response" in page


@pytest.mark.parametrize("htmx", [False, True], ids=["plain", "htmx"])
def test_it_resolves_from_the_queue_and_says_how(client_for, ccd_clinician, phone_call, htmx):
    client = client_for(ccd_clinician)
    response = client.post(
        f"/dispatch/ccd/{phone_call.pk}/resolve/",
        {"disposition": "caller_disconnected"},
        headers={"HX-Request": "true"} if htmx else {},
    )
    if htmx:
        page = response.content.decode()
    else:
        assert response.status_code == 302
        page = client.get(response["Location"]).content.decode()
    assert f"Call {phone_call.pk} resolved by phone: Caller disconnected." in page
    assert Call.objects.get(pk=phone_call.pk).ccd_disposition == "caller_disconnected"


def test_it_shows_both_dispositions_on_the_call_page(
    client_for, supervisor, ccd_clinician, phone_call
):
    ccd_resolve(
        call_id=phone_call.pk,
        disposition="transferred_to_988",
        transfer_988="warm",
        by=ccd_clinician,
    )
    page = client_for(supervisor).get(f"/dispatch/calls/{phone_call.pk}/").content.decode()
    assert "<th>Disposition</th><td>Transferred to 988</td>" in page
    assert "<th>Phone (CCD)</th><td>Transferred to 988</td>" in page
    assert "<th>Transfer to 988</th><td>Warm (hand-over on the line)</td>" in page


def test_the_board_counts_the_calls_on_the_phone_line(client_for, dispatcher, make_call):
    UnitFactory(name="CCD-1", kind="CCD", status="available")
    with time_machine.travel(AFTERNOON, tick=False):
        make_call(call_type="MENTAL_HEALTH", answers=PHONE_ANSWERS)
        make_call(call_type="SUICIDE_THREAT", answers=PHONE_ANSWERS)
        page = client_for(dispatcher).get("/dispatch/board/").content.decode()
    assert "2 calls on the phone line" in page


def test_the_call_page_says_a_phone_call_is_on_the_ccd_line(client_for, dispatcher, phone_call):
    page = client_for(dispatcher).get(f"/dispatch/calls/{phone_call.pk}/").content.decode()
    assert "On the CCD phone line" in page and "No unit on this call." not in page
