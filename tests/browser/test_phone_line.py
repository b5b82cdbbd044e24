"""The phone line as a CCD clinician drives it: a third party's call reaches the queue by R7b,
then a person calling for themselves gets a safety plan and the call ends as "Safety plan
made"; the team later sent to that person reads the plan from their phone."""

import pytest

from access.demo import demo_users_seed
from care_navigation.models import SafetyPlan
from dispatch.models import Call
from dispatch.services import CallInput, call_create, unit_assign
from tests.browser.pages import sign_in
from tests.dispatch.conftest import AFTERNOON
from tests.factories import UnitFactory

pytestmark = pytest.mark.browser

PHONE = {"weapon": "no", "violence": "no", "caller_is_subject": "yes", "wants_in_person": "no"}
THIRD_PARTY = {**PHONE, "caller_is_subject": "no"}


def test_it_writes_a_safety_plan_on_a_phone_call_and_shows_it_to_the_team(
    afternoon, seeded, live_server, browser, shot
):
    users = demo_users_seed()
    mother, _ = call_create(
        by=users["calltaker"],
        data=CallInput(
            call_type="WELFARE_CHECK",
            received_at=AFTERNOON,
            caller_name="Rosa (mother)",
            narrative="Her daughter has not left her room in days; no danger, wants advice.",
            answers=THIRD_PARTY,
        ),
    )
    caller, _ = call_create(
        by=users["calltaker"],
        data=CallInput(
            call_type="MENTAL_HEALTH",
            received_at=AFTERNOON,
            caller_name="Gerald",
            callback_number="919-555-0187",
            narrative="Cannot sleep, thoughts racing; wants to talk.",
            answers=PHONE,
        ),
    )
    assert (mother.route, mother.rule) == ("CCD", "R7b-third-party-phone")
    base = live_server.url
    context = browser.new_context(viewport={"width": 1366, "height": 768})
    page = context.new_page()

    sign_in(page, base, "ccd", "/dispatch/ccd/")
    card = page.locator(f"#ccd-call-{mother.pk}")
    assert "CCD (R7b-third-party-phone)" in card.inner_text()
    shot(page, "phone-01-queue")

    # Gerald: write his plan from the card, then end the call with "Safety plan made".
    page.locator(f"#ccd-call-{caller.pk} >> text=Write a safety plan").click()
    assert page.input_value("#id_person_name") == "Gerald"
    page.fill("#id_person_name", "Gerald Price")
    page.fill("#id_warning_signs", "Not sleeping for two nights")
    page.fill("#id_means_safety", "His sister keeps the pills")
    shot(page, "phone-02-plan-form")
    page.click("text=Save safety plan")
    page.wait_for_selector(".messages li")
    assert "Safety plan version 1 saved for Gerald Price" in page.inner_text(".messages")
    gerald = page.locator(f"#ccd-call-{caller.pk}")
    assert "Safety plan version 1" in gerald.inner_text()
    gerald.locator("select[name=disposition]").select_option("safety_plan_made")
    gerald.locator("button:has-text('Resolve')").click()
    page.locator("#ccd-queue", has_text="resolved by phone: Safety plan made").wait_for()
    shot(page, "phone-03-resolved")
    caller.refresh_from_db()
    assert (caller.status, caller.ccd_disposition) == ("closed", "safety_plan_made")
    plan = SafetyPlan.objects.get(person=caller.person)
    assert (plan.version, plan.call_id, plan.means_safety) == (
        1,
        caller.pk,
        "His sister keeps the pills",
    )

    # Gerald calls again next week and HEART goes: the team reads his plan on the phone.
    again, _ = call_create(
        by=users["calltaker"],
        data=CallInput(
            call_type="MENTAL_HEALTH",
            received_at=AFTERNOON,
            answers={"weapon": "no", "violence": "no"},
            person_id=caller.person_id,
        ),
    )
    unit = UnitFactory(name="HEART-1", kind="HEART")
    unit.members.add(users["responder"])
    unit_assign(call_id=again.pk, unit_id=unit.pk, by=users["dispatcher"])
    phone = browser.new_context(viewport={"width": 390, "height": 844}).new_page()
    sign_in(phone, base, "responder", "/dispatch/my-unit/")
    phone.click("text=Safety plan (version 1)")
    assert "Not sleeping for two nights" in phone.inner_text("#plan")
    assert phone.locator("text=Save safety plan").count() == 0
    shot(phone, "phone-04-responder-reads-plan")
    assert Call.objects.get(pk=again.pk).person_id == caller.person_id
