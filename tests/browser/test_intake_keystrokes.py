"""Location first, by keyboard alone: a welfare check at a known address in at most 20
keystrokes beyond the address text and the narrative (issue 13; it took 32 before)."""

import pytest

from access.demo import demo_users_seed
from dispatch.models import Call
from location.services import addresses_import, zones_import
from tests.browser.pages import sign_in
from tests.location.conftest import write_beats, write_town

pytestmark = pytest.mark.browser

BUDGET = 20


class Keys:
    """The keyboard, counting every key press (a chord such as Ctrl+Enter counts its keys)."""

    def __init__(self, page) -> None:
        self.page = page
        self.count = 0

    def press(self, key: str) -> None:
        self.page.keyboard.press(key)
        self.count += len(key.split("+"))

    def type(self, text: str, *, counted: bool = True) -> None:
        self.page.keyboard.type(text, delay=15)
        if counted:
            self.count += len(text)


def test_a_welfare_check_at_a_known_address_takes_few_keys(
    afternoon, seeded, live_server, browser, shot, tmp_path
):
    demo_users_seed()
    addresses_import(path=write_town(tmp_path / "town.csv"), source="town")
    zones_import(path=write_beats(tmp_path / "beats.geojson"), name_property="BEAT")
    page = browser.new_context(viewport={"width": 1366, "height": 768}).new_page()
    sign_in(page, live_server.url, "calltaker", "/dispatch/intake/")
    keys = Keys(page)

    assert page.evaluate("document.activeElement.id") == "id_address"
    keys.type("140 n mangum", counted=False)  # the address text
    page.locator("#address-options li", has_text="140 N MANGUM ST").first.wait_for()
    shot(page, "intake-address-typeahead")
    keys.press("Enter")  # picks the first match, moves to the callback number
    assert page.evaluate("document.activeElement.id") == "id_callback_number"
    assert page.input_value("#id_lat") == "35.9975"
    assert page.input_value("#id_zone") == "111"
    keys.press("Tab")  # to the call type
    keys.type("wel")
    keys.press("Tab")  # completes to WELFARE_CHECK, on to the narrative
    assert page.input_value("#id_call_type").startswith("WELFARE_CHECK")
    keys.type("Neighbour sitting outside in the cold, confused.", counted=False)
    keys.press("Tab")  # weapon
    keys.type("n")
    keys.press("Tab")  # violence
    keys.type("n")
    page.locator("#recommendation", has_text="no violence").wait_for()
    shot(page, "intake-location-first")
    keys.press("Control+Enter")
    page.wait_for_selector(".messages li")
    assert "queued for HEART" in page.inner_text(".messages")

    call = Call.objects.get()
    assert (call.address, call.zone, call.location_source) == (
        "140 N MANGUM ST",
        "111",
        "address_point",
    )
    assert call.lat == pytest.approx(35.9975)
    assert keys.count <= BUDGET, keys.count
