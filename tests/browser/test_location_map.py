"""The offline base map and placing a call: a dispatcher clicks the call page's map."""

import pytest
import time_machine

from access.demo import demo_users_seed
from dispatch.models import Call
from dispatch.services import call_create
from location.services import addresses_import, zones_import
from tests.browser.pages import sign_in
from tests.dispatch.conftest import AFTERNOON, welfare_check
from tests.location.conftest import write_beats, write_town

pytestmark = pytest.mark.browser


def test_a_dispatcher_places_an_unverified_call_on_the_offline_map(
    afternoon, seeded, live_server, browser, shot, tmp_path, settings
):
    settings.MAP_TILE_URL = ""  # no tile server: the base layer alone
    settings.MAP_CENTER = (35.9975, -78.9)
    users = demo_users_seed()
    addresses_import(path=write_town(tmp_path / "town.csv"), source="town")
    zones_import(path=write_beats(tmp_path / "beats.geojson"), name_property="BEAT")
    with time_machine.travel(AFTERNOON, tick=True):
        call, _ = call_create(
            by=users["calltaker"],
            data=welfare_check(address="", lat=None, lon=None, landmark="by the old water tower"),
            idempotency_key="browser-unplaced",
        )
    page = browser.new_context(viewport={"width": 1366, "height": 768}).new_page()
    sign_in(page, live_server.url, "dispatcher", "/dispatch/board/")
    assert "unverified location" in page.inner_text("#live")
    # Zones and streets drawn from the department's data, with no tiles.
    page.locator("#board-map .leaflet-basemap-pane path").first.wait_for()
    assert page.locator("#board-map .leaflet-tile").count() == 0
    shot(page, "board-offline-basemap")

    page.goto(f"{live_server.url}/dispatch/calls/{call.pk}/")
    page.locator("#call-map .leaflet-basemap-pane path").first.wait_for()
    box = page.locator("#call-map").bounding_box()
    page.mouse.click(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    assert page.input_value("#locate-lat").startswith("35.99")
    shot(page, "call-place-on-map")
    page.click("text=Save the point")
    page.wait_for_selector(".messages li")
    assert "placed at" in page.inner_text(".messages")
    call = Call.objects.get(pk=call.pk)
    assert call.location_source == "map"
    assert call.lat == pytest.approx(35.9975, abs=0.002)
    assert call.zone in ("111", "112")


def test_the_board_map_opens_on_every_open_call(afternoon, seeded, live_server, browser, settings):
    settings.MAP_TILE_URL = ""
    settings.MAP_CENTER = (35.9975, -78.9)
    users = demo_users_seed()
    with time_machine.travel(AFTERNOON, tick=True):
        for n, (lat, lon) in enumerate([(35.997, -78.901), (36.06, -78.90)]):
            call_create(
                by=users["calltaker"],
                data=welfare_check(address=f"{n} Edge Rd", lat=lat, lon=lon),
                idempotency_key=f"browser-edge-{n}",
            )
    page = browser.new_context(viewport={"width": 1366, "height": 768}).new_page()
    sign_in(page, live_server.url, "dispatcher", "/dispatch/board/")
    calls = page.locator("#board-map .leaflet-overlay-pane path.leaflet-interactive")
    calls.nth(1).wait_for()
    box = page.locator("#board-map").bounding_box()
    for i in range(calls.count()):
        at = calls.nth(i).bounding_box()
        assert box["y"] <= at["y"] and at["y"] + at["height"] <= box["y"] + box["height"], i
