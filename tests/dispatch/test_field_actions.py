"""The responder's field actions sent late by a phone that was offline (issue 16): the time
each was made is stored as the field's time, a resend stores nothing twice, and an action
about a call the unit was taken off meanwhile is a 409 that says what happened."""

import uuid
from datetime import timedelta

import pytest
import time_machine
from rest_framework.test import APIClient

from care_navigation.models import Case
from dispatch.models import Assignment, Call, FieldEvent, SafetyCheck, Unit
from dispatch.services import call_reassign, unit_assign
from tests.dispatch.conftest import AFTERNOON
from tests.factories import UnitFactory

pytestmark = pytest.mark.django_db

DISPATCHED = AFTERNOON + timedelta(minutes=2)
# The phone comes back into signal 20 minutes after the call came in.
BACK_ONLINE = AFTERNOON + timedelta(minutes=20)


def api(user):
    client = APIClient()
    client.force_authenticate(user)
    return client


def send(user, path, body, key=None):
    headers = {"Idempotency-Key": key} if key else {}
    return api(user).post(path, body, format="json", headers=headers)


@pytest.fixture
def on_call(make_call, dispatcher, heart_unit):
    call = make_call()
    with time_machine.travel(DISPATCHED, tick=False):
        unit_assign(call_id=call.pk, unit_id=heart_unit.pk, by=dispatcher)
    return call


@pytest.fixture
def later():
    with time_machine.travel(BACK_ONLINE, tick=False):
        yield


def at(minutes):
    return (AFTERNOON + timedelta(minutes=minutes)).isoformat()


@pytest.mark.usefixtures("later")
def test_it_stores_the_fields_times_not_the_uploads(responder, heart_unit, on_call):
    path = f"/api/v1/units/{heart_unit.pk}/status/"
    body = {"status": "en_route", "at": at(3), "call": on_call.pk}
    assert send(responder, path, body, "k-en-route").status_code == 200
    body = {"status": "on_scene", "at": at(9), "call": on_call.pk}
    assert send(responder, path, body, "k-on-scene").status_code == 200
    backup = {"reason": "a knife shown", "at": at(10)}
    response = send(responder, f"/api/v1/calls/{on_call.pk}/backup/", backup, "k-backup")
    assert response.status_code == 201, response.json()
    clear = {
        "disposition": "resolved_on_scene",
        "felt_safe": [{"responder": responder.pk, "safe": True}],
        "at": at(15),
    }
    response = send(responder, f"/api/v1/calls/{on_call.pk}/clear/", clear, "k-clear")
    assert response.status_code == 200, response.json()
    assignment = Assignment.objects.get(call=on_call)
    assert (assignment.en_route_at, assignment.on_scene_at, assignment.cleared_at) == (
        AFTERNOON + timedelta(minutes=3),
        AFTERNOON + timedelta(minutes=9),
        AFTERNOON + timedelta(minutes=15),
    )
    assert FieldEvent.objects.get(kind="backup_requested").at == AFTERNOON + timedelta(minutes=10)
    assert SafetyCheck.objects.get().at == AFTERNOON + timedelta(minutes=15)
    call = Call.objects.get(pk=on_call.pk)
    assert (call.first_on_scene_at, call.closed_at) == (
        AFTERNOON + timedelta(minutes=9),
        AFTERNOON + timedelta(minutes=15),
    )
    heart_unit.refresh_from_db()
    assert heart_unit.status_changed_at == AFTERNOON + timedelta(minutes=15)


@pytest.mark.usefixtures("later")
def test_it_stores_each_action_once_however_often_it_is_sent(responder, heart_unit, on_call):
    status = {"status": "on_scene", "at": at(9), "call": on_call.pk}
    backup = {"reason": "a knife shown", "at": at(10)}
    clear = {
        "disposition": "referred_to_care_navigation",
        "felt_safe": [{"responder": responder.pk, "safe": True}],
        "referral": {"consent": True, "needs": ["housing"]},
        "at": at(15),
    }
    for _ in range(2):
        ok = send(responder, f"/api/v1/units/{heart_unit.pk}/status/", status, "k1")
        assert ok.status_code == 200
        sent = send(responder, f"/api/v1/calls/{on_call.pk}/backup/", backup, "k2")
        assert sent.status_code in (200, 201)
        cleared = send(responder, f"/api/v1/calls/{on_call.pk}/clear/", clear, "k3")
        # The second clearing is a replay, not the 409 of a closed call.
        assert cleared.status_code == 200, cleared.json()
    assert FieldEvent.objects.filter(kind="backup_requested").count() == 1
    assert SafetyCheck.objects.count() == 1
    assert Case.objects.filter(call=on_call).count() == 1
    assert Call.objects.get(pk=on_call.pk).status == Call.Status.CLOSED


@pytest.mark.usefixtures("later")
def test_it_answers_the_first_backup_as_created_and_a_replay_as_ok(responder, on_call):
    backup = {"reason": "a knife shown", "at": at(10)}
    first = send(responder, f"/api/v1/calls/{on_call.pk}/backup/", backup, "k")
    again = send(responder, f"/api/v1/calls/{on_call.pk}/backup/", backup, "k")
    assert (first.status_code, again.status_code) == (201, 200)
    assert first.json() == again.json()


@pytest.mark.usefixtures("later")
def test_it_refuses_a_key_reused_for_another_action(responder, heart_unit, on_call):
    path = f"/api/v1/units/{heart_unit.pk}/status/"
    assert send(responder, path, {"status": "en_route", "at": at(3)}, "same").status_code == 200
    again = send(responder, path, {"status": "on_scene", "at": at(9)}, "same")
    assert again.status_code == 409
    assert "Idempotency-Key" in again.json()
    assert Assignment.objects.get(call=on_call).on_scene_at is None


@pytest.mark.usefixtures("later")
@pytest.mark.parametrize(
    ("when", "problem"),
    [
        (BACK_ONLINE + timedelta(minutes=6), "is in the future"),
        (DISPATCHED - timedelta(seconds=1), "is before the unit was dispatched"),
    ],
)
def test_it_refuses_a_time_in_the_future_or_before_the_call(
    responder, heart_unit, on_call, when, problem
):
    path = f"/api/v1/units/{heart_unit.pk}/status/"
    response = send(responder, path, {"status": "en_route", "at": when.isoformat()}, "k")
    assert response.status_code == 400
    assert response.json() == {"at": [problem]}
    assert Assignment.objects.get(call=on_call).en_route_at is None


@pytest.mark.usefixtures("later")
def test_it_allows_a_phone_clock_a_little_ahead(responder, heart_unit, on_call):
    ahead = BACK_ONLINE + timedelta(minutes=4)
    path = f"/api/v1/units/{heart_unit.pk}/status/"
    response = send(responder, path, {"status": "en_route", "at": ahead.isoformat()})
    assert response.status_code == 200
    assert Assignment.objects.get(call=on_call).en_route_at == ahead


@pytest.mark.usefixtures("later")
def test_it_refuses_a_backup_request_dated_before_the_call(responder, on_call):
    early = (AFTERNOON - timedelta(minutes=1)).isoformat()
    response = send(responder, f"/api/v1/calls/{on_call.pk}/backup/", {"reason": "x", "at": early})
    assert response.status_code == 400
    assert response.json() == {"at": ["is before the call was received"]}
    assert not FieldEvent.objects.filter(kind="backup_requested").exists()


@pytest.fixture
def reassigned(on_call, dispatcher, heart_unit):
    """While HEART-1's phone was offline, the dispatcher moved the call to HEART-2."""
    other = UnitFactory(name="HEART-2", kind="HEART")
    with time_machine.travel(AFTERNOON + timedelta(minutes=5), tick=False):
        call_reassign(
            call_id=on_call.pk, from_unit_id=heart_unit.pk, to_unit_id=other.pk, by=dispatcher
        )
    return other


@pytest.mark.usefixtures("later")
def test_it_answers_409_saying_the_call_was_reassigned(responder, heart_unit, on_call, reassigned):
    path = f"/api/v1/units/{heart_unit.pk}/status/"
    response = send(responder, path, {"status": "on_scene", "at": at(9), "call": on_call.pk}, "k")
    assert response.status_code == 409
    assert response.json() == {
        "call": [
            f"call {on_call.pk} was reassigned to HEART-2 meanwhile: nothing was recorded "
            "for HEART-1"
        ],
        "detail": "unit no longer on the call",
    }
    clear = {
        "disposition": "resolved_on_scene",
        "felt_safe": [{"responder": responder.pk, "safe": True}],
        "at": at(15),
    }
    response = send(responder, f"/api/v1/calls/{on_call.pk}/clear/", clear, "k2")
    assert response.status_code == 409
    assert response.json()["detail"] == "unit no longer on the call"
    backup = send(responder, f"/api/v1/calls/{on_call.pk}/backup/", {"reason": "x"}, "k3")
    assert backup.status_code == 409
    heart_unit.refresh_from_db()
    assert heart_unit.status == Unit.Status.AVAILABLE
    assert Call.objects.get(pk=on_call.pk).status == Call.Status.ACTIVE
    assert not SafetyCheck.objects.exists()


@pytest.mark.usefixtures("later")
def test_it_answers_409_saying_the_call_was_closed(responder, dispatcher, heart_unit, on_call):
    clear = {
        "disposition": "resolved_on_scene",
        "felt_safe": [{"responder": responder.pk, "safe": True}],
        "at": at(12),
    }
    assert send(dispatcher, f"/api/v1/calls/{on_call.pk}/clear/", clear).status_code == 200
    path = f"/api/v1/units/{heart_unit.pk}/status/"
    response = send(responder, path, {"status": "on_scene", "at": at(9), "call": on_call.pk}, "k")
    assert response.status_code == 409
    assert response.json() == {
        "call": [f"call {on_call.pk} was closed meanwhile: nothing was recorded"],
        "detail": "call no longer open",
    }


@pytest.mark.usefixtures("later")
def test_it_keeps_the_first_unit_on_the_call_when_the_second_cannot_take_it(
    dispatcher, heart_unit, on_call, police_unit
):
    response = api(dispatcher).post(
        f"/api/v1/calls/{on_call.pk}/reassign/",
        {"from_unit": heart_unit.pk, "unit": police_unit.pk},
        format="json",
    )
    assert response.status_code == 400
    assert "unit" in response.json()
    assert Assignment.objects.get(call=on_call, cleared_at__isnull=True).unit == heart_unit


@pytest.mark.usefixtures("later")
def test_it_reassigns_through_the_api_with_a_field_event(dispatcher, heart_unit, on_call):
    other = UnitFactory(name="HEART-2", kind="HEART")
    response = api(dispatcher).post(
        f"/api/v1/calls/{on_call.pk}/reassign/",
        {"from_unit": heart_unit.pk, "unit": other.pk},
        format="json",
    )
    assert response.status_code == 200, response.json()
    assert [a["unit"] for a in response.json()["assignments"]] == ["HEART-1", "HEART-2"]
    event = FieldEvent.objects.get(kind="reassigned")
    assert (event.reason, event.unit) == ("HEART-1 -> HEART-2", heart_unit)
    heart_unit.refresh_from_db()
    other.refresh_from_db()
    assert (heart_unit.status, other.status) == (Unit.Status.AVAILABLE, Unit.Status.DISPATCHED)


def test_it_keeps_the_old_contract_without_key_or_time(responder, heart_unit, on_call):
    key = uuid.uuid4().hex
    path = f"/api/v1/units/{heart_unit.pk}/status/"
    with time_machine.travel(BACK_ONLINE, tick=False):
        assert send(responder, path, {"status": "en_route"}).status_code == 200
        assert send(responder, path, {"status": "on_scene"}, key).status_code == 200
    assignment = Assignment.objects.get(call=on_call)
    assert assignment.en_route_at == assignment.on_scene_at == BACK_ONLINE


@pytest.mark.usefixtures("later")
def test_it_refuses_a_status_about_a_call_the_unit_was_never_on(responder, heart_unit, on_call):
    path = f"/api/v1/units/{heart_unit.pk}/status/"
    response = send(responder, path, {"status": "on_scene", "call": on_call.pk + 1000})
    assert response.status_code == 400
    assert response.json() == {"call": [f"HEART-1 was never on call {on_call.pk + 1000}"]}


@pytest.mark.usefixtures("later")
def test_it_lets_the_dispatcher_reassign_from_the_call_page(
    client, dispatcher, heart_unit, on_call
):
    other = UnitFactory(name="HEART-2", kind="HEART")
    client.force_login(dispatcher)
    page = client.get(f"/dispatch/calls/{on_call.pk}/")
    assert b"Move the call from HEART-1 to" in page.content
    response = client.post(
        f"/dispatch/calls/{on_call.pk}/reassign/", {"from_unit": heart_unit.pk, "unit": other.pk}
    )
    assert response.status_code == 302
    assert Assignment.objects.get(call=on_call, cleared_at__isnull=True).unit == other
    page = client.get(f"/dispatch/calls/{on_call.pk}/")
    assert f"Call {on_call.pk} moved to HEART-2.".encode() in page.content
