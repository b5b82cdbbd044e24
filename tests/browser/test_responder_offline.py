"""The responder's phone without signal (issue 16): actions made offline are queued on the
phone, survive a reload, and reach the server once each, with the field's times, when the
phone is back online; a conflict comes back to the responder and stays until dismissed."""

from datetime import timedelta

import pytest
from django.utils import timezone

from access.audit import AuditEntry
from access.demo import demo_users_seed
from care_navigation.models import Case
from dispatch.models import Assignment, Call, SafetyCheck, Unit
from dispatch.services import call_create, call_reassign, unit_assign
from tests.browser.pages import sign_in
from tests.dispatch.conftest import welfare_check
from tests.factories import UnitFactory
from web.models import IdempotencyRecord

pytestmark = pytest.mark.browser

# An Android phone (Pixel 7) held upright.
ANDROID = {"viewport": {"width": 412, "height": 915}, "is_mobile": True, "has_touch": True}


@pytest.fixture
def on_call(afternoon, seeded):
    """HEART-1, the demo responder's unit, dispatched to a welfare check two minutes ago."""
    users = demo_users_seed()
    unit = UnitFactory(name="HEART-1", kind="HEART", lat=35.9950, lon=-78.8990)
    unit.members.add(users["responder"])
    UnitFactory(name="HEART-2", kind="HEART", lat=36.0600, lon=-78.9600)
    call, _ = call_create(
        by=users["calltaker"],
        data=welfare_check(received_at=timezone.now() - timedelta(minutes=2)),
    )
    unit_assign(call_id=call.pk, unit_id=unit.pk, by=users["dispatcher"])
    return {"call": call, "unit": unit, "users": users}


def open_phone(browser, base):
    phone = browser.new_context(**ANDROID)
    page = phone.new_page()
    sign_in(page, base, "responder", "/dispatch/my-unit/")
    # The worker has put the shell on the phone: from now on it opens without signal.
    page.locator("[data-offline-ready-note]").wait_for()
    return phone, page


def waiting(page):
    return page.locator("#outbox li.outbox-item")


def test_it_queues_work_offline_and_sends_each_action_once_when_back(
    on_call, live_server, browser, shot
):
    call, users = on_call["call"], on_call["users"]
    phone, page = open_phone(browser, live_server.url)
    assert page.get_attribute("a.navigate-link", "href").startswith("geo:35.994000,-78.898000")

    phone.set_offline(True)
    page.click("button[value=en_route]")
    page.click("button[value=on_scene]")
    assert page.inner_text(".unit-status") == "On scene"
    page.select_option("#id_disposition", "referred_to_care_navigation")
    page.select_option(f"#id_safe_{users['responder'].pk}", "yes")
    page.select_option("#id_referral_consent", "yes")
    page.check("input[name=needs][value=housing]")
    page.fill("#id_person_name", "Jordan Lee")
    page.click("text=Clear call")
    waiting(page).nth(2).wait_for()
    assert waiting(page).count() == 3
    assert page.locator("#outbox", has_text="waiting to send").count() == 1
    made_before = timezone.now()
    shot(page, "offline-01-waiting-to-send")

    # Reloaded without signal, the app still opens: the call as last seen, the queue kept.
    page.reload()
    page.locator("[data-responder][data-copy]").wait_for()
    assert "As last seen" in page.inner_text("[data-age]")
    assert page.inner_text("h1").startswith("HEART-1")
    assert waiting(page).count() == 3
    assert page.inner_text(".unit-status") == "Available"  # the clearing waiting to send
    assert page.locator("[data-clearing-note]").is_visible()
    assert page.locator("text=Clear the call").is_hidden()
    assert page.inner_text("h2 >> nth=1").startswith(f"Call #{call.pk}")
    assert Assignment.objects.get(call=call).en_route_at is None  # nothing reached the server
    shot(page, "offline-02-reloaded")

    phone.set_offline(False)
    page.locator(".messages li", has_text="cleared").wait_for()
    assert page.locator("#outbox").is_hidden()
    assert waiting(page).count() == 0
    shot(page, "offline-03-sent")

    assignment = Assignment.objects.get(call=call)
    # The field's times: made before the phone came back, in the order they were made.
    assert assignment.dispatched_at < assignment.en_route_at < assignment.on_scene_at
    assert assignment.on_scene_at < assignment.cleared_at <= made_before
    call.refresh_from_db()
    assert (call.status, call.disposition, call.closed_at) == (
        "closed",
        "referred_to_care_navigation",
        assignment.cleared_at,
    )
    assert SafetyCheck.objects.get(call=call).at == assignment.cleared_at
    assert Case.objects.filter(call=call).count() == 1
    assert Case.objects.get(call=call).person.name == "Jordan Lee"
    assert IdempotencyRecord.objects.filter(scope__startswith="field.").count() == 3
    statuses = AuditEntry.objects.filter(action="unit.status").order_by("id")
    assert [e.detail["to"] for e in statuses] == ["en_route", "on_scene"]
    assert AuditEntry.objects.filter(action="call.clear").count() == 1
    phone.close()


def test_it_shows_a_conflict_and_keeps_it_until_dismissed(on_call, live_server, browser, shot):
    call, unit, users = on_call["call"], on_call["unit"], on_call["users"]
    phone, page = open_phone(browser, live_server.url)

    phone.set_offline(True)
    page.click("button[value=en_route]")
    page.click("button[value=on_scene]")
    waiting(page).nth(1).wait_for()

    # Meanwhile the dispatcher moves the call to HEART-2.
    other = Unit.objects.get(name="HEART-2")
    call_reassign(
        call_id=call.pk, from_unit_id=unit.pk, to_unit_id=other.pk, by=users["dispatcher"]
    )

    phone.set_offline(False)
    page.locator("#outbox .outbox-item.conflict").nth(1).wait_for()
    message = (
        f"call {call.pk} was reassigned to HEART-2 meanwhile: nothing was recorded for HEART-1"
    )
    assert page.locator(".outbox-message", has_text=message).count() == 2
    shot(page, "offline-04-conflict")
    assert page.locator(".messages li", has_text="changed while this phone was offline").count()

    # The server recorded nothing for HEART-1; the phone keeps the items until dismissed.
    first = Assignment.objects.get(call=call, unit=unit)
    assert (first.en_route_at, first.on_scene_at) == (None, None)
    page.click("text=Show the unit as it is now")
    page.locator("text=No call assigned to HEART-1").wait_for()
    assert waiting(page).count() == 2
    page.locator("#outbox [data-dismiss]").first.click()
    waiting(page).nth(1).wait_for(state="detached")
    page.locator("#outbox [data-dismiss]").first.click()
    page.locator("#outbox").wait_for(state="hidden")
    assert Call.objects.get(pk=call.pk).status == Call.Status.ACTIVE
    phone.close()
