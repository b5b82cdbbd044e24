"""The call after intake through the API: notes, supplements, cancel, merge, alerts, timeline."""

from datetime import timedelta

import pytest
import time_machine
from rest_framework.test import APIClient

from dispatch.models import Call, CallNote
from dispatch.services import backup_request, unit_assign
from tests.dispatch.conftest import AFTERNOON

pytestmark = pytest.mark.django_db


def api(user):
    client = APIClient()
    client.force_authenticate(user)
    return client


@pytest.fixture
def clock():
    with time_machine.travel(AFTERNOON + timedelta(minutes=5), tick=False) as traveller:
        yield traveller


def test_it_takes_a_responders_note_once_per_idempotency_key(
    clock, dispatcher, responder, make_call, heart_unit
):
    call = make_call()
    unit_assign(call_id=call.pk, unit_id=heart_unit.pk, by=dispatcher)
    client = api(responder)
    url = f"/api/v1/calls/{call.pk}/notes/"
    body = {"text": "subject calmer, staying 30 min", "at": "2026-03-10T14:08:00-04:00"}
    first = client.post(url, body, format="json", HTTP_IDEMPOTENCY_KEY="offline-1")
    assert first.status_code == 201, first.content
    assert first.json()["unit"] == "HEART-1"
    again = client.post(url, body, format="json", HTTP_IDEMPOTENCY_KEY="offline-1")
    assert (again.status_code, again.json()["id"]) == (200, first.json()["id"])
    other = client.post(
        url, {**body, "text": "changed"}, format="json", HTTP_IDEMPOTENCY_KEY="offline-1"
    )
    assert other.status_code == 409
    assert "Idempotency-Key" in other.json()
    assert CallNote.objects.count() == 1


def test_it_refuses_a_bad_note_by_field(clock, dispatcher, responder, make_call):
    call = make_call()
    client = api(dispatcher)
    url = f"/api/v1/calls/{call.pk}/notes/"
    future = client.post(url, {"text": "x", "at": "2026-03-10T16:00:00-04:00"}, format="json")
    assert future.status_code == 400 and "at" in future.json()
    early = client.post(url, {"text": "x", "at": "2026-03-10T13:00:00-04:00"}, format="json")
    assert early.status_code == 400 and "before the call" in early.json()["at"][0]
    assert "text" in client.post(url, {"text": ""}, format="json").json()
    assert "mood" in client.post(url, {"text": "x", "mood": "calm"}, format="json").json()
    # A responder whose unit never was on the call.
    assert api(responder).post(url, {"text": "x"}, format="json").status_code == 403
    assert (
        client.post("/api/v1/calls/999999/notes/", {"text": "x"}, format="json").status_code == 404
    )
    assert not CallNote.objects.exists()


def test_it_returns_the_timeline_with_the_call(clock, dispatcher, call_taker, make_call):
    call = make_call()
    api(call_taker).post(
        f"/api/v1/calls/{call.pk}/supplements/",
        {"text": "caller rang back: he is at the bus station", "address": "515 W Pettigrew St"},
        format="json",
    )
    detail = api(call_taker).get(f"/api/v1/calls/{call.pk}/").json()
    assert detail["address"] == "515 W Pettigrew St"
    kinds = [e["kind"] for e in detail["timeline"]]
    assert kinds == ["received", "triage", "supplement"]
    supplement = detail["timeline"][-1]
    assert supplement["changes"] == {
        "address": {"from": "101 City Hall Plaza", "to": "515 W Pettigrew St"}
    }
    assert supplement["by"] == call_taker.get_username()


def test_it_cancels_merges_and_acknowledges_for_dispatchers_only(
    clock, dispatcher, call_taker, responder, make_call, heart_unit
):
    kept, dup, gone = make_call(), make_call(address="1 A St"), make_call(address="2 B St")
    client = api(dispatcher)
    assert (
        api(call_taker)
        .post(f"/api/v1/calls/{gone.pk}/cancel/", {"reason": "caller_hung_up"}, format="json")
        .status_code
        == 403
    )
    bad = client.post(f"/api/v1/calls/{gone.pk}/cancel/", {"reason": "other"}, format="json")
    assert bad.status_code == 400 and "text" in bad.json()
    cancelled = client.post(
        f"/api/v1/calls/{gone.pk}/cancel/", {"reason": "no_response_needed"}, format="json"
    )
    assert cancelled.status_code == 200
    assert (cancelled.json()["status"], cancelled.json()["cancel_reason"]) == (
        "closed",
        "no_response_needed",
    )
    again = client.post(
        f"/api/v1/calls/{gone.pk}/cancel/", {"reason": "no_response_needed"}, format="json"
    )
    assert again.status_code == 409
    merged = client.post(f"/api/v1/calls/{dup.pk}/merge/", {"into": kept.pk}, format="json")
    assert merged.status_code == 200
    assert (merged.json()["status"], merged.json()["duplicate_of"]) == ("linked", kept.pk)
    missing = client.post(f"/api/v1/calls/{kept.pk}/merge/", {"into": 999999}, format="json")
    assert missing.status_code == 400 and "into" in missing.json()

    unit_assign(call_id=kept.pk, unit_id=heart_unit.pk, by=dispatcher)
    backup_request(call_id=kept.pk, unit_id=heart_unit.pk, reason="knife", by=responder)
    url = f"/api/v1/calls/{kept.pk}/alerts/acknowledge/"
    assert client.post(url, {"kind": "loud"}, format="json").status_code == 400
    acked = client.post(url, {"kind": "backup"}, format="json")
    assert acked.status_code == 200
    entry = next(e for e in acked.json()["timeline"] if e["kind"] == "alert_ack")
    assert (entry["by"], entry["detail"]) == (dispatcher.get_username(), "knife")
    assert client.post(url, {"kind": "backup"}, format="json").status_code == 400


def test_it_lists_the_calls_a_call_taker_took(clock, call_taker, dispatcher, make_call):
    mine = make_call()
    from dispatch.services import call_create
    from tests.dispatch.conftest import welfare_check

    call_create(by=dispatcher, data=welfare_check(address="9 Other St"))
    listed = api(call_taker).get("/api/v1/calls/?mine=true").json()["results"]
    assert [c["id"] for c in listed] == [mine.pk]
    assert api(call_taker).get("/api/v1/calls/?mine=maybe").status_code == 400
    assert Call.objects.count() == 2
