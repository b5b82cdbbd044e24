"""A small dataset whose every figure is worked out by hand in tests/dashboards/test_metrics.py.

The clock stands at Friday 20 March 2026, noon in New York; the default period is the 30 days
from Thursday 19 February to Friday 20 March.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from care_navigation.models import Case, ClearingReferral
from dispatch.models import Assignment, Call, FieldEvent, SafetyCheck
from people.models import Person
from tests.factories import UnitFactory, UserFactory
from web.cache import cache_clear

NY = ZoneInfo("America/New_York")
NOW = datetime(2026, 3, 20, 12, 0, tzinfo=NY)


def at(day: int, hour: int, month: int = 3, year: int = 2026) -> datetime:
    return datetime(year, month, day, hour, 0, tzinfo=NY)


@pytest.fixture(autouse=True)
def empty_cache():
    """The staffing model keeps the eligible calls it loaded for a few minutes."""
    cache_clear("staffing_demand")
    yield
    cache_clear("staffing_demand")


@pytest.fixture
def clock(time_machine):
    time_machine.move_to(NOW, tick=False)
    return time_machine


@dataclass
class Dataset:
    calls: dict[str, Call] = field(default_factory=dict)
    people: dict[str, Person] = field(default_factory=dict)
    cases: dict[str, Case] = field(default_factory=dict)


@pytest.fixture
def make_call(db):
    def make(
        received_at,
        call_type="WELFARE_CHECK",
        eligible="HEART",
        route="HEART",
        reason="",
        *,
        processing=None,
        response=None,
        scene=None,
        disposition="",
        source="console",
        person=None,
    ):
        dispatched = received_at + timedelta(seconds=processing) if processing is not None else None
        on_scene = received_at + timedelta(seconds=response) if response is not None else None
        closed = on_scene + timedelta(seconds=scene) if scene is not None else None
        return Call.objects.create(
            received_at=received_at,
            created_at=received_at,
            call_type_id=call_type,
            eligible_route=eligible,
            route=route,
            unserved_reason=reason,
            first_dispatched_at=dispatched,
            first_on_scene_at=on_scene,
            closed_at=closed,
            status=Call.Status.CLOSED if closed else Call.Status.QUEUED,
            disposition=disposition,
            source=source,
            person=person,
        )

    return make


@pytest.fixture
def units(db):
    return {
        "HEART-1": UnitFactory(name="HEART-1", kind="HEART"),
        "HEART-2": UnitFactory(name="HEART-2", kind="HEART"),
        "CO-1": UnitFactory(name="CO-1", kind="CO_RESPONSE"),
        "CCD-1": UnitFactory(name="CCD-1", kind="CCD"),
        "PD-1": UnitFactory(name="PD-1", kind="POLICE"),
    }


def assign(call, unit, *, travel=300, scene=1800):
    dispatched = call.first_dispatched_at or call.received_at
    on_scene = dispatched + timedelta(seconds=travel)
    return Assignment.objects.create(
        call=call,
        unit=unit,
        dispatched_at=dispatched,
        on_scene_at=on_scene,
        cleared_at=on_scene + timedelta(seconds=scene),
    )


@pytest.fixture
def dataset(db, clock, make_call, units, settings):
    settings.POLICE_MINUTES_MIN_SAMPLES = 2
    settings.POLICE_MINUTES_DEFAULT = 45.0
    d = Dataset()
    p1 = d.people["regular"] = Person.objects.create(name="Avery Regular")
    p2 = d.people["once"] = Person.objects.create(name="Blake Once")
    c = d.calls
    c["c1"] = make_call(at(10, 14), processing=30, response=510, scene=3600, person=p1)
    c["c2"] = make_call(
        at(11, 10), "MENTAL_HEALTH", processing=90, response=270, scene=1800, person=p1
    )
    c["c3"] = make_call(
        at(11, 22), "TRESPASS", "HEART", "POLICE", "outside_hours",
        processing=45, response=630, scene=1200,
    )  # fmt: skip
    c["c4"] = make_call(
        at(12, 15), "WELFARE_CHECK", "CO_RESPONSE", "POLICE", "no_unit",
        processing=120, response=1230,
    )  # fmt: skip
    c["c5"] = make_call(at(12, 16), "INTOXICATED", "HEART", "POLICE", "override")
    c["c6"] = make_call(at(13, 9), "MENTAL_HEALTH", "CCD", "CCD", processing=20)
    c["c7"] = make_call(
        at(13, 12), "ASSAULT", "POLICE", "POLICE", processing=60, response=390, scene=1800
    )
    c["c8"] = make_call(at(14, 12), "THEFT", "POLICE", "POLICE", processing=200, response=1830)
    c["c9"] = make_call(
        at(14, 13), "SUSPICIOUS", "POLICE", "HEART", processing=50, response=750, person=p2
    )
    c["c10"] = make_call(at(15, 11), disposition="police_took_over")
    c["c11"] = make_call(at(16, 8), "PANHANDLING", "HEART", "POLICE")
    c["c12"] = make_call(at(17, 9), source="durham")
    # Outside the period: before it, and police history to learn police minutes from.
    c["before"] = make_call(at(1, 10, month=2))
    c["h1"] = make_call(
        at(1, 10, month=6, year=2025), "WELFARE_CHECK", "POLICE", "POLICE",
        processing=40, response=600, scene=1800,
    )  # fmt: skip
    c["h2"] = make_call(
        at(2, 10, month=6, year=2025), "WELFARE_CHECK", "POLICE", "POLICE",
        processing=40, response=600, scene=3000,
    )  # fmt: skip
    for n in (1, 2, 3):
        c[f"e{n}"] = make_call(at(n, 10, month=9, year=2025), person=p1, processing=30)
        assign(c[f"e{n}"], units["HEART-2"])

    assign(c["c1"], units["HEART-1"], travel=480, scene=3600)
    assign(c["c2"], units["HEART-2"], travel=180, scene=1800)
    assign(c["c6"], units["CCD-1"], travel=0, scene=900)
    assign(c["c9"], units["HEART-1"], travel=700, scene=2400)
    yes, no = UserFactory(username="resp-a"), UserFactory(username="resp-b")
    SafetyCheck.objects.create(
        call=c["c1"], unit=units["HEART-1"], responder=yes, safe=True, at=NOW
    )
    SafetyCheck.objects.create(call=c["c1"], unit=units["HEART-1"], responder=no, safe=True, at=NOW)
    SafetyCheck.objects.create(
        call=c["c2"], unit=units["HEART-2"], responder=yes, safe=True, at=NOW
    )
    SafetyCheck.objects.create(
        call=c["c2"], unit=units["HEART-2"], responder=no, safe=False, at=NOW
    )
    FieldEvent.objects.create(
        call=c["c1"], unit=units["HEART-1"], kind=FieldEvent.Kind.BACKUP_REQUESTED, at=NOW
    )
    FieldEvent.objects.create(call=c["c9"], kind=FieldEvent.Kind.HANDOFF, at=NOW)

    def case(name, opened, *, contact_after=None, connected=None, closed=None, outcome=""):
        person = Person.objects.create(name=f"Case {name}")
        d.cases[name] = Case.objects.create(
            person=person,
            source=Case.Source.REFERRAL,
            status=Case.Status.CLOSED if closed else Case.Status.OPEN,
            outcome=outcome,
            opened_at=opened,
            first_contact_due=opened + timedelta(hours=48),
            first_contact_at=opened + timedelta(hours=contact_after) if contact_after else None,
            closes_at=opened + timedelta(days=30),
            warn_at=opened + timedelta(days=25),
            closed_at=closed,
            connected_at=connected,
        )

    case("k1", at(2, 10), contact_after=24, connected=at(10, 9))
    case("k2", at(5, 10), contact_after=72)
    case("k3", at(18, 10))  # due 20 March 10:00, before now: overdue
    case("k4", at(19, 10))  # due 21 March: not due yet
    case("k5", at(20, 12, month=1), contact_after=5, connected=at(1, 9, month=2),
         closed=at(19, 12, month=2), outcome="connected")  # fmt: skip
    case("k6", at(25, 12, month=1), closed=at(24, 12, month=2), outcome="unable_to_reach")
    case("k7", at(26, 12, month=1), contact_after=30, closed=at(25, 12, month=2),
         outcome="not_connected")  # fmt: skip
    ClearingReferral.objects.create(call=c["c1"], at=at(10, 15), consent=True)
    ClearingReferral.objects.create(call=c["c2"], at=at(11, 11), consent=False)
    return d
