"""The whole path of a call, as its users drive it: intake, dispatch, field, clearing."""

import pytest

from access.demo import demo_users_seed
from care_navigation.models import Case
from dispatch.models import Call, SafetyCheck
from tests.browser.pages import sign_in
from tests.factories import UnitFactory

pytestmark = pytest.mark.browser


def test_it_takes_a_welfare_check_from_phone_to_care_navigation(
    afternoon, seeded, live_server, browser, shot
):
    users = demo_users_seed()
    near = UnitFactory(name="HEART-1", kind="HEART", lat=35.9950, lon=-78.8990)
    UnitFactory(name="HEART-2", kind="HEART", lat=36.0600, lon=-78.9600)
    near.members.add(users["responder"])
    base = live_server.url
    context = browser.new_context(viewport={"width": 1366, "height": 768})
    page = context.new_page()

    # The call-taker works the form by keyboard only.
    sign_in(page, base, "calltaker", "/dispatch/intake/")
    # The form opens on the address (issue 13); this call has no address data: the call type.
    page.focus("#id_call_type")
    page.keyboard.type("WELFARE_CHECK")
    page.keyboard.press("Tab")  # to the narrative, filled below
    page.keyboard.press("Tab")  # to the first question: weapon
    page.keyboard.type("n")
    page.keyboard.press("Tab")
    page.keyboard.type("n")  # violence
    page.locator("#recommendation .route").wait_for()
    # A locator's wait, not wait_for_function: polling a string predicate is an eval, which
    # the page's CSP (script-src 'self') refuses whenever the first check comes too early.
    page.locator("#recommendation", has_text="no violence").wait_for()
    recommendation = page.inner_text("#recommendation")
    assert "HEART" in recommendation
    assert "Welfare check, no weapon, no violence: HEART (R8-community)" in recommendation
    page.fill("#id_address", "101 City Hall Plaza")
    page.click("details.place-more summary")  # typed coordinates: a caller reading GPS
    page.fill("#id_lat", "35.9940")
    page.fill("#id_lon", "-78.8986")
    page.fill("#id_caller_name", "Jordan Lee")
    page.fill("#id_narrative", "Neighbour sitting outside in the cold, confused.")
    shot(page, "01-intake-recommendation")
    page.keyboard.press("Control+Enter")
    page.wait_for_selector(".messages li")
    assert "queued for HEART P2" in page.inner_text(".messages")
    shot(page, "02-intake-saved")
    call = Call.objects.get()
    assert (call.route, call.rule, call.ruleset_version) == ("HEART", "R8-community", 2)

    # The dispatcher opens the call from the board and assigns the nearest HEART unit.
    page.context.clear_cookies()
    sign_in(page, base, "dispatcher", "/dispatch/board/")
    page.click(f"text=#{call.pk} Welfare check")
    shot(page, "03-call-recommended-units")
    first = page.locator("form[action$='/assign/'] button.primary").first
    assert first.inner_text() == "Assign HEART-1"
    first.click()
    page.wait_for_selector(".messages li")
    assert "HEART-1 assigned" in page.inner_text(".messages")

    # The responder, on a phone, goes en route, on scene, and clears with a referral.
    page.context.clear_cookies()
    phone = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True)
    mobile = phone.new_page()
    sign_in(mobile, base, "responder", "/dispatch/my-unit/")
    mobile.click("button[value=en_route]")
    mobile.click("button[value=on_scene]")
    assert mobile.inner_text(".unit-status") == "On scene"
    shot(mobile, "04-responder-on-scene")
    mobile.select_option("#id_disposition", "referred_to_care_navigation")
    mobile.select_option(f"#id_safe_{users['responder'].pk}", "yes")
    mobile.select_option("#id_referral_consent", "yes")
    mobile.check("input[name=needs][value=housing]")
    mobile.fill("#id_person_name", "Jordan Lee")
    shot(mobile, "05-responder-clearing")
    mobile.click("text=Clear call")
    # The phone queues the clearing and sends it at once (it has signal): docs/responder-app.md.
    mobile.locator(".messages li", has_text="cleared").wait_for()
    assert mobile.locator("#outbox").is_hidden()
    shot(mobile, "06-responder-cleared")

    call.refresh_from_db()
    assert (call.status, call.disposition, call.referral_consent) == (
        "closed",
        "referred_to_care_navigation",
        True,
    )
    assert SafetyCheck.objects.get(call=call).safe is True
    case = Case.objects.get()
    assert case.person.name == "Jordan Lee"
