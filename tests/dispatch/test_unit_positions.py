"""Units on the map (docs/location.md, "Unit positions (AVL)"): POST /api/v1/units/{id}/position/,
the positions' ages in the units and board APIs, and "nearest" from trusted positions only."""

from datetime import timedelta

import pytest
import time_machine
from django.contrib.auth.models import Permission
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from dispatch import selectors
from dispatch.models import Unit
from tests.dispatch.conftest import AFTERNOON
from tests.factories import UnitFactory

pytestmark = pytest.mark.django_db

BODY = {"lat": 35.9961, "lon": -78.9012, "accuracy_m": 12.5}


@pytest.fixture(autouse=True)
def afternoon():
    """The units are made two minutes before the test's reports (their factory position)."""
    with time_machine.travel(AFTERNOON - timedelta(minutes=2), tick=False) as traveller:
        yield traveller


@pytest.fixture
def now(afternoon):
    """Requested after the units: the clock moves on to the afternoon the tests report at."""
    afternoon.move_to(AFTERNOON)
    return AFTERNOON


def api(user=None):
    client = APIClient()
    if user is not None:
        client.force_authenticate(user)
    return client


def url(unit):
    return f"/api/v1/units/{unit.pk}/position/"


@pytest.fixture
def avl_feed(make_user):
    """A vehicle AVL feed's account: no role, only the permission to report any unit."""
    user = make_user("avl-feed")
    user.user_permissions.add(Permission.objects.get(codename="report_unit_position"))
    return user


def test_it_stores_a_responders_position_for_their_own_unit(responder, heart_unit, now):
    response = api(responder).post(url(heart_unit), BODY, format="json")
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["stored"] is True and body["detail"] == "stored"
    assert body["unit"]["position_age_s"] == 0 and body["unit"]["position_stale"] is False
    unit = Unit.objects.get(pk=heart_unit.pk)
    assert (unit.lat, unit.lon, unit.position_accuracy_m) == (35.9961, -78.9012, 12.5)
    assert (unit.position_at, unit.position_source) == (AFTERNOON, "responder")


def test_it_takes_the_time_of_the_fix_when_given(responder, heart_unit, now):
    at = AFTERNOON - timedelta(seconds=40)
    heart_unit.position_at = AFTERNOON - timedelta(minutes=3)
    heart_unit.save()
    response = api(responder).post(url(heart_unit), {**BODY, "at": at.isoformat()}, format="json")
    assert response.status_code == 200 and response.json()["unit"]["position_age_s"] == 40
    assert Unit.objects.get(pk=heart_unit.pk).position_at == at


def test_it_refuses_a_responder_reporting_another_unit(responder, far_heart_unit, now):
    before = Unit.objects.values().get(pk=far_heart_unit.pk)
    response = api(responder).post(url(far_heart_unit), BODY, format="json")
    assert response.status_code == 403
    assert Unit.objects.values().get(pk=far_heart_unit.pk) == before


@pytest.mark.parametrize(
    ("actor", "source"), [("dispatcher", "dispatcher"), ("supervisor", "dispatcher")]
)
def test_it_lets_dispatch_report_any_unit(request, actor, source, far_heart_unit, now):
    response = api(request.getfixturevalue(actor)).post(url(far_heart_unit), BODY, format="json")
    assert response.status_code == 200
    assert Unit.objects.get(pk=far_heart_unit.pk).position_source == source


def test_it_lets_an_avl_feed_report_any_unit(avl_feed, police_unit, now):
    response = api(avl_feed).post(url(police_unit), BODY, format="json")
    assert response.status_code == 200
    assert Unit.objects.get(pk=police_unit.pk).position_source == "avl"


@pytest.mark.parametrize("actor", ["call_taker", "ccd_clinician", "navigator", "outsider"])
def test_it_refuses_everyone_else(request, actor, heart_unit, now):
    response = api(request.getfixturevalue(actor)).post(url(heart_unit), BODY, format="json")
    assert response.status_code == 403


def test_it_refuses_an_anonymous_report(heart_unit, now):
    assert api().post(url(heart_unit), BODY, format="json").status_code in (401, 403)


def test_it_answers_404_for_no_such_unit(dispatcher, now):
    response = api(dispatcher).post("/api/v1/units/987654/position/", BODY, format="json")
    assert response.status_code == 404


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"lat": 90.5}, "lat"),
        ({"lat": -91}, "lat"),
        ({"lon": 180.01}, "lon"),
        ({"lat": "NaN"}, "lat"),
        ({"lon": "Infinity"}, "lon"),
        ({"lon": "-Infinity"}, "lon"),
        ({"lat": "north"}, "lat"),
        ({"lat": None}, "lat"),
        ({"accuracy_m": -1}, "accuracy_m"),
        ({"accuracy_m": "NaN"}, "accuracy_m"),
        ({"at": "yesterday"}, "at"),
        ({"at": (AFTERNOON + timedelta(seconds=31)).isoformat()}, "at"),
        ({"at": (AFTERNOON + timedelta(days=1)).isoformat()}, "at"),
        ({"speed": 3}, "speed"),
    ],
)
def test_it_names_the_field_of_a_bad_position_and_stores_nothing(
    responder, heart_unit, change, field, now
):
    before = Unit.objects.values().get(pk=heart_unit.pk)
    response = api(responder).post(url(heart_unit), {**BODY, **change}, format="json")
    assert response.status_code == 400, response.content
    assert field in response.json()
    assert Unit.objects.values().get(pk=heart_unit.pk) == before


def test_it_refuses_a_missing_coordinate(responder, heart_unit, now):
    response = api(responder).post(url(heart_unit), {"lat": 35.99}, format="json")
    assert response.status_code == 400 and "lon" in response.json()


def test_it_allows_a_phone_clock_a_little_ahead(responder, heart_unit, now):
    at = AFTERNOON + timedelta(seconds=20)
    response = api(responder).post(url(heart_unit), {**BODY, "at": at.isoformat()}, format="json")
    assert response.status_code == 200 and response.json()["stored"] is True


@pytest.mark.parametrize("older_by", [timedelta(seconds=30), timedelta(0)])
def test_it_keeps_the_newest_position(responder, heart_unit, older_by, now):
    client = api(responder)
    client.post(url(heart_unit), BODY, format="json")
    kept = Unit.objects.values().get(pk=heart_unit.pk)
    late = {"lat": 35.9, "lon": -78.8, "at": (AFTERNOON - older_by).isoformat()}
    response = client.post(url(heart_unit), late, format="json")
    assert response.status_code == 200
    body = response.json()
    assert body["stored"] is False and body["detail"].startswith("older than the stored position")
    assert (body["unit"]["lat"], body["unit"]["lon"]) == (BODY["lat"], BODY["lon"])
    assert Unit.objects.values().get(pk=heart_unit.pk) == kept


def test_the_units_api_shows_each_positions_age_and_staleness(dispatcher, settings, now):
    settings.UNIT_POSITION_STALE_MINUTES = 5
    UnitFactory(name="FRESH", position_at=AFTERNOON - timedelta(seconds=90))
    UnitFactory(name="STALE", position_at=AFTERNOON - timedelta(minutes=5, seconds=1))
    UnitFactory(name="NEVER", lat=None, lon=None, position_at=None)
    units = {u["name"]: u for u in api(dispatcher).get("/api/v1/units/").json()}
    assert (units["FRESH"]["position_age_s"], units["FRESH"]["position_stale"]) == (90, False)
    assert (units["STALE"]["position_age_s"], units["STALE"]["position_stale"]) == (301, True)
    assert (units["NEVER"]["position_age_s"], units["NEVER"]["position_stale"]) == (None, True)


def test_the_board_api_carries_positions_in_a_bounded_number_of_queries(
    dispatcher, django_assert_num_queries, now
):
    client = api(dispatcher)
    UnitFactory(name="ONE", position_at=AFTERNOON - timedelta(seconds=10), position_accuracy_m=8)
    client.get("/api/v1/board/")  # the first request warms the session and permission caches
    with CaptureQueriesContext(connection) as few:
        client.get("/api/v1/board/")
    for n in range(15):
        UnitFactory(name=f"MANY-{n}", position_at=AFTERNOON - timedelta(minutes=n))
    with django_assert_num_queries(len(few.captured_queries)):
        body = client.get("/api/v1/board/").json()
    one = next(u for u in body["units"] if u["name"] == "ONE")
    assert (one["position_age_s"], one["position_accuracy_m"], one["position_stale"]) == (
        10,
        8,
        False,
    )


def test_nearest_ranks_only_trusted_positions(dispatcher, make_call, settings, now):
    settings.UNIT_POSITION_STALE_MINUTES = 5
    call = make_call()  # at 35.994, -78.898
    # Closest to the call, but its position is ten minutes old: where it was, not where it is.
    UnitFactory(
        name="HEART-A", lat=35.9941, lon=-78.8981, position_at=AFTERNOON - timedelta(minutes=10)
    )
    UnitFactory(
        name="HEART-B", lat=36.02, lon=-78.93, position_at=AFTERNOON - timedelta(seconds=30)
    )
    UnitFactory(
        name="HEART-C", lat=35.999, lon=-78.90, position_at=AFTERNOON - timedelta(minutes=4)
    )
    UnitFactory(name="HEART-D", lat=None, lon=None, position_at=None)
    ranked = selectors.recommended_units(call)
    assert [r.unit.name for r in ranked] == ["HEART-C", "HEART-B", "HEART-A", "HEART-D"]
    assert ranked[0].note.endswith("m · position 4 min old")
    assert ranked[2].distance_m is None
    assert ranked[2].note == "no recent position (last 10 min ago)"
    assert ranked[3].note == "no recent position (none reported)"


def test_a_call_with_no_point_says_so_beside_a_unit_with_a_recent_position(
    dispatcher, make_call, settings, now
):
    settings.UNIT_POSITION_STALE_MINUTES = 5
    call = make_call(address="", landmark="Under the freeway overpass", lat=None, lon=None)
    UnitFactory(name="HEART-NEW", position_at=AFTERNOON - timedelta(minutes=1))
    UnitFactory(name="HEART-OLD", position_at=AFTERNOON - timedelta(minutes=12))
    ranked = selectors.recommended_units(call)
    assert [r.unit.name for r in ranked] == ["HEART-NEW", "HEART-OLD"]
    assert ranked[0].note == "no distance: the call has no point · position 1 min old"
    assert ranked[1].note == "no recent position (last 12 min ago)"


def test_the_call_page_says_when_a_unit_had_no_recent_position(
    client_for, dispatcher, make_call, now
):
    call = make_call()
    UnitFactory(name="HEART-OLD", position_at=AFTERNOON - timedelta(hours=2))
    page = client_for(dispatcher).get(f"/dispatch/calls/{call.pk}/").content.decode()
    assert "Assign HEART-OLD" in page
    assert "no recent position (last 2 h 0 min ago)" in page
    assert 'id="call-map-data"' in page and "stale_after_ms" in page


@pytest.mark.parametrize(("status", "on_duty"), [("available", "yes"), ("off_duty", "no")])
def test_the_responders_phone_shares_its_position_while_on_duty(
    client_for, responder, heart_unit, status, on_duty, now
):
    Unit.objects.filter(pk=heart_unit.pk).update(status=status)
    page = client_for(responder).get("/dispatch/my-unit/").content.decode()
    assert f'data-url="/api/v1/units/{heart_unit.pk}/position/"' in page
    assert f'data-on-duty="{on_duty}"' in page
    assert "js/share_location.js" in page and "Location not shared" in page


def test_the_board_draws_each_unit_at_its_position_with_its_age(
    client_for, dispatcher, heart_unit, now
):
    page = client_for(dispatcher).get("/dispatch/board/")
    data = page.context["map_data"]
    unit = next(u for u in data["units"] if u["name"] == "HEART-1")
    assert unit["position_ms"] == int((AFTERNOON - timedelta(minutes=2)).timestamp() * 1000)
    assert data["server_ms"] == int(AFTERNOON.timestamp() * 1000)
    assert data["stale_after_ms"] == 5 * 60 * 1000
    assert f'data-position-ms="{unit["position_ms"]}"' in page.content.decode()


def test_the_board_gives_no_position_age_to_a_ccd_desk(client_for, dispatcher, heart_unit, now):
    UnitFactory(name="CCD-1", kind="CCD", position_at=AFTERNOON - timedelta(hours=2))
    page = client_for(dispatcher).get("/dispatch/board/").content.decode()
    ccd = page.split("<strong>CCD-1</strong>", 1)[1].split("</li>", 1)[0]
    assert "position-age" not in ccd
    heart = page.split("<strong>HEART-1</strong>", 1)[1].split("</li>", 1)[0]
    assert "position-age" in heart
