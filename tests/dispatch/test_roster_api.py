"""The roster's API, the team warnings and languages on the board and the recommendation, and
the caller's language at intake."""

import pytest
import time_machine
from rest_framework.test import APIClient

from access import roles
from dispatch.models import Call, Unit
from dispatch.services import roster_shift_create
from tests.dispatch.conftest import AFTERNOON
from tests.dispatch.test_api import BODY
from tests.factories import UnitFactory
from workforce.services import responder_set

pytestmark = pytest.mark.django_db


def api(user):
    client = APIClient()
    client.force_authenticate(user)
    return client


@pytest.fixture
def pair(make_user, supervisor):
    """CORE-5 with only its clinician rostered (no officer), who speaks Spanish."""
    unit = UnitFactory(name="CORE-5", kind="CO_RESPONSE", lat=35.994, lon=-78.898)
    clinician = make_user("carmen", roles.RESPONDER)
    responder_set(user=clinician, disciplines=["clinician"], languages=["en", "es"], by=supervisor)
    roster_shift_create(
        unit_id=unit.pk,
        responder_id=clinician.pk,
        starts_at=AFTERNOON.replace(hour=9),
        ends_at=AFTERNOON.replace(hour=21),
        by=supervisor,
    )
    return unit, clinician


def test_it_lists_the_roster_with_each_units_makeup(pair, dispatcher):
    unit, clinician = pair
    with time_machine.travel(AFTERNOON, tick=False):
        response = api(dispatcher).get("/api/v1/roster/", {"since": "2026-03-10T00:00:00-04:00"})
    assert response.status_code == 200
    body = response.json()
    assert [s["responder_username"] for s in body["shifts"]] == ["carmen"]
    assert body["shifts"][0]["disciplines"] == ["clinician"]
    row = next(u for u in body["units"] if u["name"] == "CORE-5")
    assert row["crew"] == ["carmen"] and row["team_missing"] == ["officer"]
    assert row["team_warning"] == "missing Crisis-trained police officer"
    assert row["languages"] == ["en", "es"]
    assert response["Cache-Control"] == "no-store" or "no-store" in response["Cache-Control"]


def test_it_adds_and_removes_shifts_through_the_api(pair, make_user, supervisor, dispatcher):
    unit, _ = pair
    officer = make_user("oscar", roles.RESPONDER)
    body = {
        "unit": unit.pk,
        "responder": officer.pk,
        "starts_at": "2026-03-10T09:00:00-04:00",
        "ends_at": "2026-03-10T21:00:00-04:00",
    }
    assert api(dispatcher).post("/api/v1/roster/", body, format="json").status_code == 403
    created = api(supervisor).post("/api/v1/roster/", body, format="json")
    assert created.status_code == 201, created.content
    again = api(supervisor).post("/api/v1/roster/", body, format="json")
    assert again.status_code == 400 and "already on CORE-5" in again.json()["starts_at"][0]
    gone = api(supervisor).delete(f"/api/v1/roster/{created.json()['id']}/")
    assert gone.status_code == 204
    assert api(supervisor).delete(f"/api/v1/roster/{created.json()['id']}/").status_code == 404


def test_it_refuses_a_window_past_a_month(dispatcher):
    response = api(dispatcher).get(
        "/api/v1/roster/",
        {"since": "2026-03-01T00:00:00-05:00", "until": "2026-05-01T00:00:00-04:00"},
    )
    assert response.status_code == 400 and "until" in response.json()


def test_it_warns_on_the_board_and_in_the_units_api(pair, dispatcher, client_for):
    with time_machine.travel(AFTERNOON, tick=False):
        page = client_for(dispatcher).get("/dispatch/board/").content.decode()
        units = api(dispatcher).get("/api/v1/units/", {"kind": "CO_RESPONSE"}).json()
        board = api(dispatcher).get("/api/v1/board/").json()
    assert "missing Crisis-trained police officer" in page and "EN ES" in page
    assert units[0]["team_warning"] == "missing Crisis-trained police officer"
    assert next(u for u in board["units"] if u["name"] == "CORE-5")["languages"] == ["en", "es"]


def test_it_says_whether_a_recommended_unit_speaks_the_callers_language(
    pair, call_taker, dispatcher, client_for
):
    unit, _ = pair
    far = UnitFactory(name="CORE-6", kind="CO_RESPONSE", lat=36.05, lon=-78.95)
    with time_machine.travel(AFTERNOON, tick=False):
        created = api(call_taker).post(
            "/api/v1/calls/",
            {
                **BODY,
                "answers": {"weapon": "yes", "violence": "no"},  # co-response (R5)
                "caller_language": "es",
                "interpreter_used": True,
            },
            format="json",
            HTTP_IDEMPOTENCY_KEY="lang-1",
        )
        assert created.status_code == 201, created.content
        call = Call.objects.get(pk=created.json()["id"])
        assert (call.route, call.caller_language, call.interpreter_used) == (
            "CO_RESPONSE",
            "es",
            True,
        )
        detail = api(dispatcher).get(f"/api/v1/calls/{call.pk}/").json()
        page = client_for(dispatcher).get(f"/dispatch/calls/{call.pk}/").content.decode()
    recommended = {r["unit_name"]: r for r in detail["recommended_units"]}
    assert recommended["CORE-5"]["speaks_caller_language"] is True
    assert recommended["CORE-6"]["speaks_caller_language"] is False
    assert recommended["CORE-5"]["team_warning"] == "missing Crisis-trained police officer"
    assert recommended["CORE-6"]["team_warning"] == "no one on the roster"
    assert detail["caller_language"] == "es" and detail["interpreter_used"] is True
    assert "speaks Spanish" in page and "no Spanish speaker" in page and "interpreter used" in page
    assert far.status == Unit.Status.AVAILABLE


def test_it_records_the_callers_language_from_the_intake_form(call_taker, client_for):
    with time_machine.travel(AFTERNOON, tick=False):
        response = client_for(call_taker).post(
            "/dispatch/intake/",
            {
                "call_type": "WELFARE_CHECK",
                "weapon": "no",
                "violence": "no",
                "address": "12 Main St",
                "caller_language": "ht",
                "interpreter_used": "on",
                "received_at": "2026-03-10 14:00",
                "idempotency_key": "form-lang-1",
            },
        )
    assert response.status_code == 302, response.content.decode()[:2000]
    call = Call.objects.get()
    assert call.caller_language == "ht" and call.interpreter_used is True
