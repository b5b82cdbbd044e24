"""The shift roster: units on and off duty with it, crews against team templates, felt-safe
asked of the rostered crew, and the roster page."""

from datetime import timedelta

import pytest
import time_machine
from django.core.exceptions import ValidationError

from access import roles
from access.models import AuditEntry
from dispatch.models import RosterShift, SafetyCheck, Unit
from dispatch.roster_selectors import unit_makeups, unit_of_responder
from dispatch.services import (
    FeltSafe,
    call_clear,
    roster_shift_create,
    roster_shift_delete,
    unit_assign,
    unit_duty_sync,
)
from tests.dispatch.conftest import AFTERNOON
from tests.factories import UnitFactory
from workforce.services import responder_set

pytestmark = pytest.mark.django_db

DAY_START = AFTERNOON.replace(hour=7, minute=0)
DAY_END = AFTERNOON.replace(hour=19, minute=0)


@pytest.fixture
def crew(make_user, supervisor):
    people = {}
    for name, disciplines, languages in (
        ("cleo", ["clinician"], ["en", "es"]),
        ("eli", ["emt"], ["en"]),
        ("pat", ["peer"], ["en"]),
    ):
        user = make_user(name, roles.RESPONDER)
        responder_set(user=user, disciplines=disciplines, languages=languages, by=supervisor)
        people[name] = user
    return people


@pytest.fixture
def van(crew, supervisor):
    unit = UnitFactory(name="HEART-7", kind="HEART", status=Unit.Status.OFF_DUTY)
    for user in crew.values():
        roster_shift_create(
            unit_id=unit.pk,
            responder_id=user.pk,
            starts_at=DAY_START,
            ends_at=DAY_END,
            by=supervisor,
        )
    return unit


def status(unit):
    return Unit.objects.get(pk=unit.pk).status


def test_it_puts_a_rostered_unit_on_duty_only_on_its_shift(van):
    with time_machine.travel(DAY_START - timedelta(minutes=30), tick=False):
        unit_duty_sync()  # HEART is off duty before 07:00
    assert status(van) == "off_duty"
    with time_machine.travel(DAY_START, tick=False):
        assert unit_duty_sync().available == ["HEART-7"]
    with time_machine.travel(AFTERNOON, tick=False):
        unit_duty_sync()
    assert status(van) == "available"
    with time_machine.travel(AFTERNOON.replace(hour=22), tick=False):
        assert unit_duty_sync().off_duty == ["HEART-7"]
    assert status(van) == "off_duty"


def test_it_keeps_a_unit_with_no_one_rostered_off_duty_in_service_hours(van, crew, supervisor):
    empty = UnitFactory(name="HEART-8", kind="HEART", status=Unit.Status.AVAILABLE)
    RosterShift.objects.create(
        unit=empty,
        responder=crew["cleo"],
        starts_at=AFTERNOON + timedelta(days=1),
        ends_at=AFTERNOON + timedelta(days=1, hours=8),
    )
    with time_machine.travel(AFTERNOON, tick=False):
        result = unit_duty_sync()
    assert "HEART-8" in result.off_duty and status(empty) == "off_duty"
    assert status(van) == "available"


def test_it_leaves_a_unit_without_a_roster_to_the_schedule(heart_unit):
    with time_machine.travel(AFTERNOON.replace(hour=22), tick=False):
        unit_duty_sync()
    assert status(heart_unit) == "off_duty"
    with time_machine.travel(AFTERNOON, tick=False):
        unit_duty_sync()
    assert status(heart_unit) == "available"


def test_it_warns_when_the_crew_does_not_meet_the_template(van, crew, supervisor):
    with time_machine.travel(AFTERNOON, tick=False):
        makeup = unit_makeups([van])[van.pk]
        assert makeup.complete and makeup.warning == ""
        assert makeup.crew == ("cleo", "eli", "pat")
        assert makeup.speaks("es") is True and makeup.speaks("vi") is False
        shift = RosterShift.objects.get(unit=van, responder=crew["eli"])
        roster_shift_delete(shift_id=shift.pk, by=supervisor)
        assert unit_makeups([van])[van.pk].warning == "missing EMT"


def test_it_asks_everyone_rostered_whether_they_felt_safe(van, crew, dispatcher, make_call):
    with time_machine.travel(AFTERNOON, tick=False):
        unit_duty_sync()
        call = make_call()
        unit_assign(call_id=call.pk, unit_id=van.pk, by=dispatcher)
        with pytest.raises(ValidationError) as caught:
            call_clear(
                call_id=call.pk,
                disposition="resolved_on_scene",
                felt_safe=[FeltSafe(responder_id=crew["cleo"].pk, safe=True)],
                by=crew["cleo"],
            )
        assert "missing eli, pat" in str(caught.value.message_dict["felt_safe"])
        call_clear(
            call_id=call.pk,
            disposition="resolved_on_scene",
            felt_safe=[FeltSafe(responder_id=u.pk, safe=True) for u in crew.values()],
            by=crew["cleo"],
        )
    assert SafetyCheck.objects.filter(call=call).count() == 3


def test_it_finds_the_responders_unit_by_the_roster(van, crew):
    with time_machine.travel(AFTERNOON, tick=False):
        assert unit_of_responder(crew["eli"]) == van
    with time_machine.travel(AFTERNOON.replace(hour=22), tick=False):
        assert unit_of_responder(crew["eli"]) is None


def test_it_refuses_overlapping_and_impossible_shifts(van, crew, supervisor, police_unit):
    other = UnitFactory(name="HEART-9", kind="HEART")
    cases = [
        (
            {
                "unit_id": other.pk,
                "starts_at": AFTERNOON,
                "ends_at": AFTERNOON + timedelta(hours=2),
            },
            "starts_at",
            "already on HEART-7",
        ),
        (
            {"unit_id": other.pk, "starts_at": AFTERNOON, "ends_at": AFTERNOON},
            "ends_at",
            "end after",
        ),
        (
            {
                "unit_id": other.pk,
                "starts_at": AFTERNOON,
                "ends_at": AFTERNOON + timedelta(hours=30),
            },
            "ends_at",
            "24 hours",
        ),
        (
            {
                "unit_id": police_unit.pk,
                "starts_at": DAY_END,
                "ends_at": DAY_END + timedelta(hours=2),
            },
            "unit",
            "department units",
        ),
    ]
    for kwargs, field, words in cases:
        with pytest.raises(ValidationError) as caught:
            roster_shift_create(responder_id=crew["cleo"].pk, by=supervisor, **kwargs)
        assert words in " ".join(caught.value.message_dict[field])
    assert AuditEntry.objects.filter(action="roster.shift_create").count() == 3


def test_it_shows_the_week_and_the_makeup(van, crew, client_for, dispatcher):
    with time_machine.travel(AFTERNOON, tick=False):
        page = client_for(dispatcher).get(f"/dispatch/roster/?unit={van.pk}")
    assert page.status_code == 200
    body = page.content.decode()
    assert "HEART-7" in body and "cleo" in body and "complete" in body
    assert "Add a shift" not in body  # a dispatcher reads the roster, a supervisor edits it
    assert page["Cache-Control"] == "no-store" or "no-store" in page["Cache-Control"]


def test_it_opens_on_a_rostered_team_not_a_phone_position(van, crew, client_for, dispatcher):
    UnitFactory(name="CCD-9", kind="CCD", status=Unit.Status.AVAILABLE)
    with time_machine.travel(AFTERNOON, tick=False):
        body = client_for(dispatcher).get("/dispatch/roster/").content.decode()
    assert "HEART-7: week of" in body and "CCD-9: week of" not in body


def test_it_adds_and_removes_a_shift_from_the_page(van, crew, client_for, supervisor):
    client = client_for(supervisor)
    with time_machine.travel(AFTERNOON, tick=False):
        added = client.post(
            "/dispatch/roster/shifts/",
            {
                "unit": van.pk,
                "responder": crew["cleo"].pk,
                "day": "2026-03-11",
                "start": "19:00",
                "end": "07:00",
            },
        )
        assert added.status_code == 302
        shift = RosterShift.objects.get(unit=van, responder=crew["cleo"], starts_at__gt=DAY_END)
        assert shift.ends_at - shift.starts_at == timedelta(hours=12)  # a night shift
        clash = client.post(
            "/dispatch/roster/shifts/",
            {
                "unit": van.pk,
                "responder": crew["cleo"].pk,
                "day": "2026-03-10",
                "start": "08:00",
                "end": "09:00",
            },
        )
        assert clash.status_code == 400 and "already on HEART-7" in clash.content.decode()
        removed = client.post(
            f"/dispatch/roster/shifts/{shift.pk}/delete/", {"next": "/dispatch/roster/?unit=1"}
        )
        assert removed.status_code == 302 and removed["Location"] == "/dispatch/roster/?unit=1"
    assert not RosterShift.objects.filter(pk=shift.pk).exists()


def test_it_keeps_the_roster_from_outsiders(client_for, outsider, dispatcher):
    assert client_for(outsider).get("/dispatch/roster/").status_code == 403
    assert client_for(dispatcher).post("/dispatch/roster/shifts/", {}).status_code == 403
