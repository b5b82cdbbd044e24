"""The geocoder and base map over the API, and a call placed on the map by a dispatcher."""

from __future__ import annotations

import json

import pytest
import time_machine

from access.models import AuditEntry
from dispatch.models import Call
from tests.dispatch.conftest import AFTERNOON, welfare_check

pytestmark = pytest.mark.django_db


def test_it_geocodes_for_a_call_taker(town, client_for, call_taker):
    response = client_for(call_taker).get("/api/v1/geocode/", {"q": "140 n mangum st", "limit": 3})
    assert response.status_code == 200
    assert response["Cache-Control"].startswith("no-store")
    best = response.json()["results"][0]
    assert best == {
        "address": "140 N MANGUM ST",
        "lat": pytest.approx(35.9975),
        "lon": -78.9,
        "zone": "111",
        "match": "address_point",
        "score": 1.0,
    }


def test_it_answers_an_empty_list_when_nothing_matches(town, client_for, responder):
    response = client_for(responder).get("/api/v1/geocode/", {"q": "1 Nowhere Lane"})
    assert response.json() == {"results": []}


@pytest.mark.parametrize(
    ("params", "field"),
    [({"q": "x", "limit": "0"}, "limit"), ({"q": "x", "limit": "lots"}, "limit"), ({}, "q")],
)
def test_it_refuses_a_bad_query_by_field(town, client_for, call_taker, params, field):
    response = client_for(call_taker).get("/api/v1/geocode/", params)
    assert response.status_code == 400
    assert field in response.json()


def test_it_refuses_people_outside_dispatch(town, client_for, navigator):
    assert client_for(navigator).get("/api/v1/geocode/", {"q": "main"}).status_code == 403


def test_it_serves_the_base_map(town, client_for, dispatcher):
    body = client_for(dispatcher).get("/api/v1/basemap/").json()
    assert body["type"] == "FeatureCollection"
    assert {f["properties"]["kind"] for f in body["features"]} == {"zone", "street"}


def test_a_call_takes_its_zone_from_its_point(town, call_taker):
    from dispatch.services import call_create

    with time_machine.travel(AFTERNOON, tick=False):
        call, _ = call_create(
            by=call_taker,
            data=welfare_check(lat=35.9975, lon=-78.9, location_source="address_point"),
            idempotency_key="zone-from-point",
        )
    assert (call.zone, call.location_source) == ("111", "address_point")


def test_a_call_without_a_point_keeps_its_landmark(town, call_taker):
    from dispatch.services import call_create

    with time_machine.travel(AFTERNOON, tick=False):
        call, _ = call_create(
            by=call_taker,
            data=welfare_check(
                address="", lat=None, lon=None, landmark="behind the bus station, blue tent"
            ),
            idempotency_key="landmark",
        )
    assert (call.lat, call.zone, call.location_source) == (None, "", "")
    assert call.landmark == "behind the bus station, blue tent"


def _unplaced_call(call_taker):
    from dispatch.services import call_create

    with time_machine.travel(AFTERNOON, tick=False):
        call, _ = call_create(
            by=call_taker,
            data=welfare_check(address="", lat=None, lon=None, landmark="the old mill"),
            idempotency_key="unplaced",
        )
    return call


def test_a_dispatcher_places_a_call_on_the_map(town, client_for, call_taker, dispatcher):
    call = _unplaced_call(call_taker)
    response = client_for(dispatcher).post(
        f"/api/v1/calls/{call.pk}/location/",
        json.dumps({"lat": 35.996, "lon": -78.905}),
        content_type="application/json",
    )
    assert response.status_code == 200, response.content
    call.refresh_from_db()
    assert (call.lat, call.lon, call.zone, call.location_source) == (35.996, -78.905, "112", "map")
    assert AuditEntry.objects.filter(action="call.locate", object_id=str(call.pk)).exists()


@pytest.mark.parametrize(
    "body", [{"lat": 91, "lon": 0}, {"lat": "NaN", "lon": 0}, {"lat": 1, "lon": "Infinity"}]
)
def test_it_refuses_a_point_off_the_globe_and_changes_nothing(
    town, client_for, call_taker, dispatcher, body
):
    call = _unplaced_call(call_taker)
    response = client_for(dispatcher).post(
        f"/api/v1/calls/{call.pk}/location/", json.dumps(body), content_type="application/json"
    )
    assert response.status_code == 400
    assert set(response.json()) & {"lat", "lon"}
    assert Call.objects.get(pk=call.pk).lat is None
