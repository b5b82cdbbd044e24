"""Pages: an unverified location on the board and the call page; placing it on the map."""

from __future__ import annotations

import pytest
import time_machine

from dispatch.models import Call
from dispatch.services import call_create
from tests.dispatch.conftest import AFTERNOON, welfare_check

pytestmark = pytest.mark.django_db


@pytest.fixture
def unplaced(town, call_taker) -> Call:
    with time_machine.travel(AFTERNOON, tick=False):
        call, _ = call_create(
            by=call_taker,
            data=welfare_check(address="", lat=None, lon=None, landmark="under the rail bridge"),
            idempotency_key="unplaced-page",
        )
    return call


def test_the_board_marks_an_unverified_location(unplaced, client_for, dispatcher):
    with time_machine.travel(AFTERNOON, tick=False):
        page = client_for(dispatcher).get("/dispatch/board/").content.decode()
    assert "under the rail bridge" in page
    assert "unverified location" in page
    assert "/api/v1/basemap/" in page  # the board's map draws the base layer


def test_a_dispatcher_places_the_call_from_its_page(unplaced, client_for, dispatcher, settings):
    settings.MAP_TILE_URL = ""
    client = client_for(dispatcher)
    page = client.get(f"/dispatch/calls/{unplaced.pk}/").content.decode()
    assert "Place this call on the map" in page and 'id="call-map"' in page
    # Without a tile server the page says what it draws instead, as the board does.
    assert "base map from the department's address data and zones" in page
    response = client.post(
        f"/dispatch/calls/{unplaced.pk}/location/", {"lat": "35.9975", "lon": "-78.9"}
    )
    assert response.status_code == 302
    unplaced.refresh_from_db()
    assert (unplaced.zone, unplaced.location_source) == ("111", "map")
    with time_machine.travel(AFTERNOON, tick=False):
        board = client.get("/dispatch/board/").content.decode()
    assert "unverified location" not in board


def test_a_bad_point_is_refused_by_field_and_kept_as_typed(unplaced, client_for, dispatcher):
    response = client_for(dispatcher).post(
        f"/dispatch/calls/{unplaced.pk}/location/", {"lat": "95", "lon": "-78.9"}
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert "Latitude: Ensure this value is less than or equal to 90" in page
    assert 'value="95"' in page
    assert Call.objects.get(pk=unplaced.pk).lat is None


def test_a_call_taker_cannot_place_a_call(unplaced, client_for, call_taker):
    response = client_for(call_taker).post(
        f"/dispatch/calls/{unplaced.pk}/location/", {"lat": "35.9975", "lon": "-78.9"}
    )
    assert response.status_code == 403


def test_the_intake_form_saves_a_picked_point_and_a_landmark(town, client_for, call_taker):
    client = client_for(call_taker)
    page = client.get("/dispatch/intake/").content.decode()
    # Where first: the address comes before the callback number and the call type.
    assert page.index('id="id_address"') < page.index('id="id_callback_number"')
    assert page.index('id="id_callback_number"') < page.index('id="id_call_type"')
    base = {
        "call_type": "WELFARE_CHECK",
        "weapon": "no",
        "violence": "no",
        "received_at": "2026-03-10T14:05:00-04:00",
    }
    with time_machine.travel(AFTERNOON, tick=False):
        client.post(
            "/dispatch/intake/",
            {
                **base,
                "address": "140 N MANGUM ST",
                "lat": "35.9975",
                "lon": "-78.9",
                "location_source": "address_point",
                "idempotency_key": "picked",
            },
        )
        client.post(
            "/dispatch/intake/",
            {**base, "landmark": "blue tent by the creek", "idempotency_key": "landmark"},
        )
    picked, described = Call.objects.order_by("pk")
    assert (picked.zone, picked.location_source) == ("111", "address_point")
    assert (described.lat, described.landmark) == (None, "blue tent by the creek")
