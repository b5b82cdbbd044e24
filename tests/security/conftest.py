"""The security suite's world: one actor per role, and one of each object the URLs act on.

Every object carries a recognisable secret (a caller's name, a navigation note, a
substance-use detail) so that a test can assert it never reaches someone who may not read it.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.contrib.auth.models import Group
from django.db import transaction
from django.test import Client

from access import roles
from care_navigation import services as care
from care_navigation.models import Case, NeedRequest, Notification, Referral, SafetyPlan
from care_navigation.safety_plan_services import PlanSections, safety_plan_create
from dispatch.models import Call, RosterShift, Unit
from dispatch.services import CallInput, call_create, unit_assign
from interop.models import Agency
from people.models import Person
from tests.factories import UnitFactory, UserFactory
from triage.models import RuleSet
from triage.services import ruleset_draft_create

NY = ZoneInfo("America/New_York")
# A Tuesday afternoon: HEART (07-19), co-response (09-21) and CCD are all on duty.
AFTERNOON = datetime(2026, 3, 10, 14, 5, tzinfo=NY)

ANONYMOUS = "anonymous"
OUTSIDER = "outsider"
# The eight roles of access/roles.py, then a signed-in user with no role, then nobody.
ROLES = [*roles.ROLES, OUTSIDER, ANONYMOUS]

CALLER = "Quinn Calloway-Secret"
NARRATIVE = "narrative-secret: asleep in the doorway of the pharmacy"
PERSON = "Jordan Reyes-Secret"
NOTE = "note-secret: sleeps at the bus station most nights"
SUBSTANCE = "substance-secret: opioid use, asked about methadone"
OTHER_PERSON = "Morgan Vale-Secret"
OTHER_NOTE = "other-note-secret: staying with a cousin in Walltown"
PLAN = "plan-secret: it starts on the Roxboro St overpass"
OTHER_PLAN = "other-plan-secret: keeps the pills at her cousin's"
# Texts that only the case's navigator and supervisors may ever receive.
CASE_SECRETS = (NOTE, SUBSTANCE)
# Texts that only supervisors may receive (the case of another navigator than the matrix's).
OTHER_CASE_SECRETS = (OTHER_NOTE,)
# The person's safety plan: CCD, supervisors, their navigator and the team on their call.
PLAN_SECRETS = (PLAN,)
# Another person's plan (another navigator's, nobody's call): CCD and supervisors only.
OTHER_PLAN_SECRETS = (OTHER_PLAN,)
ALL_SECRETS = (
    CALLER,
    NARRATIVE,
    PERSON,
    NOTE,
    SUBSTANCE,
    OTHER_PERSON,
    OTHER_NOTE,
    PLAN,
    OTHER_PLAN,
)


@dataclass
class World:
    actors: dict[str, Any]
    other_navigator: Any
    heart_unit: Unit  # the responder's unit, on active_call
    spare_unit: Unit  # an available HEART unit nobody in the world rides with
    police_unit: Unit
    ccd_unit: Unit
    queued_call: Call
    active_call: Call
    phone_call: Call
    person: Person
    case: Case  # the navigator's, with a note and a substance-use need
    other_case: Case  # another navigator's
    unassigned_case: Case
    referral: Referral
    other_referral: Referral
    draft: RuleSet
    notification: Notification
    need_request: NeedRequest  # the other navigator's, on the navigator's case
    other_need_request: NeedRequest  # the navigator's, on the other navigator's case
    other_person: Person
    safety_plan: SafetyPlan  # the person's: their navigator and the team on active_call read it
    other_plan: SafetyPlan  # other_person's
    shift: RosterShift  # a peer's shift on spare_unit, the day before
    clients: dict[str, Client] = field(default_factory=dict)

    def user(self, role: str) -> Any:
        return self.actors[role]

    def client(self, role: str) -> Client:
        if role not in self.clients:
            client = Client()
            if self.actors[role] is not None:
                client.force_login(self.actors[role])
            self.clients[role] = client
        return self.clients[role]


def _actor(username: str, *role_names: str, **extra: Any) -> Any:
    user = UserFactory(username=username, first_name=username.title(), **extra)
    user.groups.set(Group.objects.filter(name__in=role_names))
    return user


def _call(by: Any, **fields: Any) -> Call:
    data = {
        "call_type": "WELFARE_CHECK",
        "received_at": AFTERNOON,
        "address": "101 City Hall Plaza",
        "lat": 35.994,
        "lon": -78.898,
        "answers": {"weapon": "no", "violence": "no"},
        **fields,
    }
    call, _ = call_create(by=by, data=CallInput(**data))
    return call


def world_build() -> World:
    """Actors named after their role (one role each), the units, calls and cases."""
    actors: dict[str, Any] = {role: _actor(f"m-{role}", role) for role in roles.ROLES}
    actors[roles.ADMIN].is_staff = True
    actors[roles.ADMIN].save(update_fields=["is_staff"])
    actors[OUTSIDER] = _actor("m-outsider")
    actors[ANONYMOUS] = None
    other_navigator = _actor("m-other-navigator", roles.NAVIGATOR)
    partner_agency = Agency.objects.create(name="Matrix ECC", eido_agency_id="matrix.ecc")
    partner_agency.users.add(actors[roles.PARTNER])
    taker, navigator = actors[roles.CALL_TAKER], actors[roles.NAVIGATOR]

    heart_unit = UnitFactory(name="SEC-HEART-1", kind="HEART", lat=35.995, lon=-78.899)
    heart_unit.members.add(actors[roles.RESPONDER])
    spare_unit = UnitFactory(name="SEC-HEART-2", kind="HEART", lat=35.996, lon=-78.897)
    police_unit = UnitFactory(name="SEC-PD-1", kind="POLICE", lat=35.99, lon=-78.90)
    ccd_unit = UnitFactory(name="SEC-CCD-1", kind="CCD", lat=None, lon=None)

    person = Person.objects.create(name=PERSON, phone="919-555-0100")
    other_person = Person.objects.create(name=OTHER_PERSON, phone="919-555-0199")
    queued_call = _call(
        taker, caller_name=CALLER, narrative=NARRATIVE, person_id=person.pk, zone="111"
    )
    active_call = _call(taker, address="200 Main St", person_id=person.pk)
    unit_assign(call_id=active_call.pk, unit_id=heart_unit.pk, by=actors[roles.DISPATCHER])
    phone_call = _call(
        taker,
        call_type="MENTAL_HEALTH",
        address="5 Phone Rd",
        answers={
            "weapon": "no",
            "violence": "no",
            "caller_is_subject": "yes",
            "wants_in_person": "no",
        },
    )
    assert phone_call.status == Call.Status.PHONE, phone_call.route

    case = care.case_open_from_call(
        call=active_call, by=navigator, needs=["housing"], person=person
    )
    care.need_add(case=case, by=navigator, need="substance_use", detail=SUBSTANCE)
    care.note_add(case=case, by=navigator, text=NOTE)
    referral = care.referral_create(
        case=case, by=navigator, need="housing", service=None, service_name="Housing Hub"
    )
    other_call = _call(taker, address="9 Other Way", person_id=other_person.pk)
    other_case = care.case_open_from_call(
        call=other_call, by=other_navigator, needs=["food"], person=other_person
    )
    care.note_add(case=other_case, by=other_navigator, text=OTHER_NOTE)
    other_referral = care.referral_create(
        case=other_case, by=other_navigator, need="food", service=None, service_name="Food Bank"
    )
    lone = Person.objects.create(name="Unassigned Person")
    unassigned_case = care.case_open_from_call(
        call=_call(taker, address="3 Lone St", person_id=lone.pk),
        by=navigator,
        needs=["benefits"],
        person=lone,
    )
    Case.objects.filter(pk=unassigned_case.pk).update(navigator=None)
    unassigned_case.refresh_from_db()

    # Each navigator opens a case for the other's person: a request to the case's navigator.
    need_request = care.case_open_from_call(
        call=other_call, by=other_navigator, needs=["food"], person=person
    )
    other_need_request = care.case_open_from_call(
        call=active_call, by=navigator, needs=["housing"], person=other_person
    )
    assert isinstance(need_request, NeedRequest) and isinstance(other_need_request, NeedRequest)

    draft = ruleset_draft_create(by=actors[roles.SUPERVISOR], description="matrix draft")
    notification = Notification.objects.filter(case=case).first()
    clinician = actors[roles.CCD_CLINICIAN]
    safety_plan = safety_plan_create(
        by=clinician, person=person, sections=PlanSections(warning_signs=PLAN)
    )
    other_plan = safety_plan_create(
        by=clinician, person=other_person, sections=PlanSections(means_safety=OTHER_PLAN)
    )
    assert notification is not None
    shift = RosterShift.objects.create(
        unit=spare_unit,
        responder=_actor("sec-peer", roles.RESPONDER),
        starts_at=AFTERNOON - timedelta(days=1, hours=7),
        ends_at=AFTERNOON - timedelta(days=1, hours=-5),
    )
    return World(
        actors=actors,
        other_navigator=other_navigator,
        heart_unit=heart_unit,
        spare_unit=spare_unit,
        police_unit=police_unit,
        ccd_unit=ccd_unit,
        queued_call=queued_call,
        active_call=active_call,
        phone_call=phone_call,
        person=person,
        case=case,
        other_case=other_case,
        unassigned_case=unassigned_case,
        referral=referral,
        other_referral=other_referral,
        draft=draft,
        notification=notification,
        need_request=need_request,
        other_need_request=other_need_request,
        other_person=other_person,
        safety_plan=safety_plan,
        other_plan=other_plan,
        shift=shift,
    )


@pytest.fixture
def afternoon(time_machine: Any) -> None:
    time_machine.move_to(AFTERNOON, tick=True)


@pytest.fixture
def world(db: None, afternoon: None) -> World:
    return world_build()


@pytest.fixture(scope="module")
def shared_world(django_db_setup: None, django_db_blocker: Any) -> Iterator[World]:
    """One world for a whole module, built once inside a transaction that is rolled back at
    the end; each test runs in a savepoint inside it (the `db` fixture), as Django's
    TestCase.setUpTestData does. Use it through `world_per_test`."""
    with django_db_blocker.unblock(), time_machine.travel(AFTERNOON, tick=True):
        outer = transaction.atomic()
        # Marked like TestCase's own atomics, so that the services' durable blocks may nest.
        outer._from_testcase = True  # type: ignore[attr-defined]
        outer.__enter__()
        try:
            yield world_build()
        finally:
            transaction.set_rollback(True)
            outer.__exit__(None, None, None)


@pytest.fixture
def world_per_test(shared_world: World, db: None, time_machine: Any) -> World:
    """The module's world, with fresh clients: whatever a test changes is rolled back. The
    clock runs from ten minutes after the world was built, never back before it."""
    time_machine.move_to(AFTERNOON + timedelta(minutes=10), tick=True)
    shared_world.clients = {}
    return shared_world
