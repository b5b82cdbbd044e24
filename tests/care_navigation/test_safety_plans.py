"""Safety plans (docs/ccd.md): versions per person, written by CCD clinicians and navigators,
read by CCD, the team on an open call about the person, the person's navigator and
supervisors, every read audited; the pages and the API."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404

from access.models import AuditEntry
from care_navigation.models import SafetyPlan
from care_navigation.safety_plan_selectors import (
    safety_plan_access,
    safety_plan_access_for,
    safety_plan_read,
    safety_plan_summaries,
)
from care_navigation.safety_plan_services import NewPerson, PlanSections, safety_plan_create
from dispatch.models import Assignment, Call
from people.models import Person
from tests.factories import UnitFactory

pytestmark = pytest.mark.django_db

SIGNS = "Stops answering the phone; talks about being a burden"
STEPS = "Walk to the river path; music; call sister Ana"


def sections(**changes: str) -> PlanSections:
    return PlanSections(**{"warning_signs": SIGNS, "coping_steps": STEPS, **changes})


@pytest.fixture
def plan(clock, ccd_clinician, person):
    return safety_plan_create(by=ccd_clinician, person=person, sections=sections())


@pytest.fixture
def on_call(clock, responder, person, make_call):
    """Riley's unit is on an open call about Jordan."""
    unit = UnitFactory(name="HEART-7", kind="HEART")
    unit.members.add(responder)
    call = make_call(person=person, status=Call.Status.ACTIVE)
    return Assignment.objects.create(call=call, unit=unit, dispatched_at=call.received_at)


# --------------------------------------------------------------------------- writing


def test_it_writes_versions_and_keeps_every_one(clock, ccd_clinician, navigator, case, plan):
    assert (plan.version, plan.warning_signs, plan.person) == (1, SIGNS, case.person)
    clock.shift(timedelta(days=3))
    second = safety_plan_create(
        by=navigator,
        person=case.person,
        sections=sections(means_safety="Pills kept by his sister"),
        based_on=1,
    )
    assert second.version == 2 and second.created_by == navigator
    assert list(
        SafetyPlan.objects.filter(person=case.person).values_list("version", flat=True)
    ) == [
        2,
        1,
    ]
    assert SafetyPlan.objects.get(pk=plan.pk).means_safety == ""  # the old one never changes
    entry = AuditEntry.objects.filter(action="safety_plan.create").latest("id")
    assert entry.user == navigator
    assert entry.detail == {
        "person": case.person.pk,
        "version": 2,
        "call": None,
        "sections": ["warning_signs", "coping_steps", "means_safety"],
    }
    assert SIGNS not in str(entry.detail)  # the plan's text stays out of the audit log


def test_it_refuses_to_replace_a_version_it_did_not_see(clock, ccd_clinician, person, plan):
    safety_plan_create(by=ccd_clinician, person=person, sections=sections(), based_on=1)
    with pytest.raises(ValidationError) as stale:
        safety_plan_create(by=ccd_clinician, person=person, sections=sections(), based_on=1)
    assert "version 2 was saved meanwhile" in stale.value.message_dict["based_on"][0]
    with pytest.raises(ValidationError) as first:
        safety_plan_create(by=ccd_clinician, person=person, sections=sections())
    assert list(first.value.message_dict) == ["based_on"]
    assert SafetyPlan.objects.filter(person=person).count() == 2


def test_it_needs_one_section_and_refuses_a_section_too_long(clock, ccd_clinician, person):
    with pytest.raises(ValidationError) as empty:
        safety_plan_create(by=ccd_clinician, person=person, sections=PlanSections(" ", "\n"))
    assert list(empty.value.message_dict) == ["warning_signs"]
    with pytest.raises(ValidationError) as long:
        safety_plan_create(
            by=ccd_clinician, person=person, sections=sections(professionals="x" * 4001)
        )
    assert list(long.value.message_dict) == ["professionals"]
    assert not SafetyPlan.objects.exists()


def test_it_makes_the_person_of_a_call_about_no_one_known(clock, ccd_clinician, make_call):
    call = make_call(route="CCD", status=Call.Status.PHONE)
    with pytest.raises(ValidationError) as nameless:
        safety_plan_create(by=ccd_clinician, call=call, sections=sections())
    assert list(nameless.value.message_dict) == ["person_name"]
    plan = safety_plan_create(
        by=ccd_clinician,
        call=call,
        new_person=NewPerson(name="Gerald Price", phone="919-555-0187"),
        sections=sections(),
    )
    assert (plan.person.name, plan.person.phone, plan.call) == (
        "Gerald Price",
        "919-555-0187",
        call,
    )
    assert Call.objects.get(pk=call.pk).person == plan.person
    assert AuditEntry.objects.filter(action="call.person_set", object_id=str(call.pk)).exists()
    other = Person.objects.create(name="Someone Else")
    with pytest.raises(ValidationError) as mismatch:
        safety_plan_create(by=ccd_clinician, person=other, call=call, sections=sections())
    assert list(mismatch.value.message_dict) == ["person"]


def test_it_refuses_a_time_in_the_future_or_before_the_version_it_replaces(
    clock, ccd_clinician, person, plan
):
    with pytest.raises(ValidationError, match="future"):
        safety_plan_create(
            by=ccd_clinician,
            person=person,
            sections=sections(),
            based_on=1,
            at=plan.created_at + timedelta(hours=1),
        )
    with pytest.raises(ValidationError, match="before version 1"):
        safety_plan_create(
            by=ccd_clinician,
            person=person,
            sections=sections(),
            based_on=1,
            at=plan.created_at - timedelta(hours=1),
        )


# --------------------------------------------------------------------------- who reads


def test_it_lets_ccd_supervisors_the_navigator_and_the_team_on_the_call_read(
    ccd_clinician, supervisor, navigator, responder, case, plan, on_call
):
    person_id = case.person_id
    assert safety_plan_access(user=ccd_clinician, person_id=person_id).reader == "ccd"
    assert safety_plan_access(user=supervisor, person_id=person_id).reader == "supervisor"
    assert safety_plan_access(user=navigator, person_id=person_id).reader == "navigator"
    team = safety_plan_access(user=responder, person_id=person_id)
    assert (team.read, team.write, team.reader) == (True, False, "responder")


def test_it_hides_the_plan_from_everyone_else(
    case, plan, call_taker, dispatcher, outsider, responder, other_navigator, make_user
):
    person_id = case.person_id
    assert case.navigator != other_navigator
    for user in (call_taker, dispatcher, outsider, make_user("ada", "admin")):
        with pytest.raises(PermissionDenied):
            safety_plan_access_for(user=user, person_id=person_id)
    for user in (responder, other_navigator):  # no call, no case of theirs
        with pytest.raises(Http404):
            safety_plan_access_for(user=user, person_id=person_id)
    denied = AuditEntry.objects.filter(action="safety_plan.read", outcome="denied")
    assert denied.count() == 6


def test_it_stops_showing_it_to_the_team_once_the_unit_clears(responder, case, plan, on_call):
    assert safety_plan_access(user=responder, person_id=case.person_id).read
    Assignment.objects.filter(pk=on_call.pk).update(cleared_at=on_call.dispatched_at)
    assert not safety_plan_access(user=responder, person_id=case.person_id).read


def test_it_refuses_the_team_a_write_and_a_navigator_of_a_closed_case(
    responder, navigator, case, plan, on_call
):
    with pytest.raises(PermissionDenied):
        safety_plan_access_for(user=responder, person_id=case.person_id, purpose="write")
    case.status = "closed"
    case.outcome = "not_connected"
    case.closed_at = case.opened_at
    case.save()
    assert not safety_plan_access(user=navigator, person_id=case.person_id).read


def test_it_audits_every_read_with_the_version_and_why(
    clock, ccd_clinician, responder, case, plan, on_call
):
    safety_plan_create(by=ccd_clinician, person=case.person, sections=sections(), based_on=1)
    page = safety_plan_read(user=responder, person_id=case.person_id)
    assert (page.plan.version, page.current_version) == (2, 2)
    assert [v.version for v in page.versions] == [2, 1]
    old = safety_plan_read(user=responder, person_id=case.person_id, version=1)
    assert old.plan.warning_signs == SIGNS
    reads = AuditEntry.objects.filter(action="safety_plan.read", outcome="success").order_by("id")
    assert [(e.user, e.detail["version"], e.detail["current"], e.detail["as"]) for e in reads] == [
        (responder, 2, True, "responder"),
        (responder, 1, False, "responder"),
    ]
    with pytest.raises(Http404):
        safety_plan_read(user=responder, person_id=case.person_id, version=9)


def test_it_summarises_only_what_the_viewer_may_read(
    ccd_clinician, responder, dispatcher, case, plan, person
):
    lone = Person.objects.create(name="Lone")
    safety_plan_create(by=ccd_clinician, person=lone, sections=sections())
    everyone = safety_plan_summaries(user=ccd_clinician, person_ids=[person.pk, lone.pk])
    assert {pk: s.version for pk, s in everyone.items()} == {person.pk: 1, lone.pk: 1}
    assert safety_plan_summaries(user=responder, person_ids=[person.pk, lone.pk]) == {}
    assert safety_plan_summaries(user=dispatcher, person_ids=[person.pk]) == {}
    assert not AuditEntry.objects.filter(action="safety_plan.read").exists()  # no text read


# --------------------------------------------------------------------------- the pages


def page_url(person_id: int) -> str:
    return f"/care/people/{person_id}/safety-plan/"


def form_body(**changes: str) -> dict[str, str]:
    return {"warning_signs": SIGNS, "coping_steps": STEPS, **changes}


def test_it_shows_the_plan_its_versions_and_the_form_for_the_next(
    client_for, clock, ccd_clinician, navigator, case, plan
):
    safety_plan_create(by=navigator, person=case.person, sections=sections(), based_on=1)
    page = client_for(navigator).get(page_url(case.person_id)).content.decode()
    assert "Version 2" in page and "in force" in page and SIGNS in page
    assert f"{page_url(case.person_id)}?version=1" in page
    assert "Write version 3" in page and 'name="based_on" value="2"' in page
    old = client_for(navigator).get(f"{page_url(case.person_id)}?version=1").content.decode()
    assert "superseded by version 2" in old


def test_it_saves_a_new_version_from_the_page(client_for, clock, navigator, case, plan):
    client = client_for(navigator)
    response = client.post(page_url(case.person_id), form_body(based_on="1"))
    assert response.status_code == 302 and response["Location"] == page_url(case.person_id)
    assert SafetyPlan.objects.filter(person=case.person).count() == 2
    assert "Safety plan version 2 saved" in client.get(response["Location"]).content.decode()


def test_it_keeps_the_text_when_someone_saved_meanwhile(client_for, clock, navigator, case, plan):
    safety_plan_create(by=navigator, person=case.person, sections=sections(), based_on=1)
    response = client_for(navigator).post(
        page_url(case.person_id), form_body(based_on="1", means_safety="Lock the meds away")
    )
    page = response.content.decode()
    assert response.status_code == 400
    assert "version 2 was saved meanwhile" in page and "Lock the meds away" in page
    assert SafetyPlan.objects.filter(person=case.person).count() == 2


def test_it_shows_the_team_the_plan_without_a_form(client_for, responder, case, plan, on_call):
    response = client_for(responder).get(page_url(case.person_id))
    page = response.content.decode()
    assert response.status_code == 200 and SIGNS in page and "Save safety plan" not in page
    assert client_for(responder).post(page_url(case.person_id), form_body()).status_code == 403


def test_it_writes_a_first_plan_from_the_ccd_queue_for_a_caller_not_yet_known(
    client_for, clock, ccd_clinician, make_call
):
    call = make_call(
        route="CCD",
        status=Call.Status.PHONE,
        caller_name="Gerald",
        callback_number="919-555-0187",
        answers={"caller_is_subject": "yes"},
    )
    client = client_for(ccd_clinician)
    queue = client.get("/dispatch/ccd/").content.decode()
    assert f"/care/calls/{call.pk}/safety-plan/?back=ccd" in queue
    form = client.get(f"/care/calls/{call.pk}/safety-plan/?back=ccd").content.decode()
    assert 'value="Gerald"' in form and 'value="919-555-0187"' in form
    response = client.post(
        f"/care/calls/{call.pk}/safety-plan/",
        form_body(person_name="Gerald Price", phone="919-555-0187", back="ccd"),
    )
    assert response.status_code == 302 and response["Location"] == "/dispatch/ccd/"
    call.refresh_from_db()
    plan = SafetyPlan.objects.get(person=call.person)
    assert (plan.version, plan.call, call.person.name) == (1, call, "Gerald Price")
    queue = client.get("/dispatch/ccd/").content.decode()
    assert "Resolve the call with “Safety plan made”" in queue
    assert f"{page_url(call.person_id)}?call={call.pk}&amp;back=ccd" in queue
    assert "Safety plan version 1" in queue
    # A call about someone known goes to their plan.
    again = client.get(f"/care/calls/{call.pk}/safety-plan/")
    assert again.status_code == 302
    assert again["Location"] == f"{page_url(call.person_id)}?call={call.pk}"


def test_it_links_the_plan_from_the_responder_view_and_the_case_page(
    client_for, navigator, responder, case, plan, on_call
):
    mine = client_for(responder).get("/dispatch/my-unit/").content.decode()
    assert f"{page_url(case.person_id)}?call={on_call.call_id}&amp;back=responder" in mine
    assert "Safety plan (version 1)" in mine and SIGNS not in mine
    case_page = client_for(navigator).get(f"/care/cases/{case.pk}/").content.decode()
    assert "Safety plan version 1" in case_page and SIGNS not in case_page


def test_it_shows_the_link_on_the_call_page_to_supervisors_not_dispatchers(
    client_for, supervisor, dispatcher, case, plan, on_call
):
    url = f"/dispatch/calls/{on_call.call_id}/"
    assert "Safety plan version 1" in client_for(supervisor).get(url).content.decode()
    page = client_for(dispatcher).get(url).content.decode()
    assert "Safety plan" not in page and SIGNS not in page


# --------------------------------------------------------------------------- the API


def api_url(person_id: int) -> str:
    return f"/api/v1/people/{person_id}/safety-plan/"


def test_it_reads_the_plan_and_its_versions_through_the_api(
    client_for, clock, ccd_clinician, case, plan
):
    safety_plan_create(
        by=ccd_clinician, person=case.person, sections=sections(coping_steps="Tea"), based_on=1
    )
    body = client_for(ccd_clinician).get(api_url(case.person_id)).json()
    assert body["person"] == {"id": case.person_id, "name": case.person.name}
    assert body["current_version"] == 2 and [v["version"] for v in body["versions"]] == [2, 1]
    assert (body["plan"]["version"], body["plan"]["current"], body["plan"]["coping_steps"]) == (
        2,
        True,
        "Tea",
    )
    old = client_for(ccd_clinician).get(api_url(case.person_id) + "?version=1").json()
    assert (old["plan"]["current"], old["plan"]["coping_steps"]) == (False, STEPS)
    assert client_for(ccd_clinician).get(api_url(case.person_id) + "?version=x").status_code == 400


def test_it_writes_through_the_api_and_refuses_a_stale_version(
    client_for, clock, navigator, case, plan
):
    client = client_for(navigator)
    created = client.post(
        api_url(case.person_id),
        {"warning_signs": "New signs", "based_on_version": 1},
        content_type="application/json",
    )
    assert created.status_code == 201 and created.json()["plan"]["version"] == 2
    stale = client.post(
        api_url(case.person_id),
        {"warning_signs": "Other", "based_on_version": 1},
        content_type="application/json",
    )
    assert stale.status_code == 400 and "based_on" in stale.json()
    empty = client.post(
        api_url(case.person_id), {"based_on_version": 2}, content_type="application/json"
    )
    assert empty.status_code == 400 and "warning_signs" in empty.json()


def test_it_answers_the_same_404_for_no_person_and_a_plan_not_yours(
    case, plan, client_for, other_navigator, ccd_clinician
):
    hidden = client_for(other_navigator).get(api_url(case.person_id))
    missing = client_for(ccd_clinician).get(api_url(case.person_id + 999))
    assert hidden.status_code == missing.status_code == 404
    assert hidden.json() == {"detail": "no safety plan you may read for this person"}
    assert missing.json() == hidden.json()
    assert SIGNS not in hidden.content.decode()


def test_it_gives_the_team_the_plan_of_their_calls_person(
    client_for, responder, case, plan, on_call
):
    body = client_for(responder).get(f"/api/v1/calls/{on_call.call_id}/safety-plan/").json()
    assert body["plan"]["warning_signs"] == SIGNS
    refused = client_for(responder).post(
        f"/api/v1/calls/{on_call.call_id}/safety-plan/",
        {"warning_signs": "x", "based_on_version": 1},
        content_type="application/json",
    )
    assert refused.status_code == 403


def test_it_writes_a_first_plan_for_a_call_about_no_one_known_through_the_api(
    client_for, clock, ccd_clinician, make_call
):
    call = make_call(route="CCD", status=Call.Status.PHONE)
    client = client_for(ccd_clinician)
    url = f"/api/v1/calls/{call.pk}/safety-plan/"
    assert client.get(url).json() == {
        "person": None,
        "current_version": None,
        "plan": None,
        "versions": [],
    }
    nameless = client.post(url, {"warning_signs": SIGNS}, content_type="application/json")
    assert nameless.status_code == 400 and "person" in nameless.json()
    created = client.post(
        url,
        {"warning_signs": SIGNS, "person": {"name": "Gerald Price"}},
        content_type="application/json",
    )
    assert created.status_code == 201
    call.refresh_from_db()
    assert created.json()["person"] == {"id": call.person_id, "name": "Gerald Price"}
