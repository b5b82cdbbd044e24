"""The demo department's units around Durham with their crews, and the calls on the board at
the moment of loading. Its year of past calls is dispatch/demo_history.py."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from django.contrib.auth.models import User
from django.utils import timezone

from access.demo import DEMO_CREWS
from dispatch import selectors
from dispatch.models import Call, Unit
from dispatch.services import CallInput, call_create, unit_assign, unit_status_set

CENTER = (35.9940, -78.8986)  # Durham City Hall
DEMO_SOURCE = "demo"

# name, kind, offset north (km), offset east (km)
DEMO_UNITS: list[tuple[str, str, float, float]] = [
    ("HEART-1", "HEART", 0.4, -0.6),
    ("HEART-2", "HEART", -1.8, 1.2),
    ("HEART-3", "HEART", 2.1, 2.4),
    ("HEART-4", "HEART", -0.9, -2.7),
    ("CORE-1", "CO_RESPONSE", 1.1, -1.5),
    ("CORE-2", "CO_RESPONSE", -2.4, -0.4),
    ("CCD-1", "CCD", 0.0, 0.0),
    ("CCD-2", "CCD", 0.0, 0.0),
    ("PD-211", "POLICE", 1.6, 0.9),
    ("PD-214", "POLICE", -1.2, 2.8),
    ("PD-313", "POLICE", 3.0, -2.0),
    ("PD-411", "POLICE", -3.1, 1.7),
    ("PD-512", "POLICE", 0.8, 3.5),
    ("ENGINE-1", "FIRE", 0.2, 0.5),
    ("ENGINE-5", "FIRE", -2.6, -1.9),
    ("MEDIC-3", "EMS", 1.9, -0.3),
    ("MEDIC-7", "EMS", -0.7, 1.8),
]
KM_PER_DEG_LAT = 111.0


def demo_units_seed(users: dict[str, User]) -> list[Unit]:
    """Create the demo units if missing, with their crews (access.demo.DEMO_CREWS)."""
    units = []
    for name, kind, north, east in DEMO_UNITS:
        lat = CENTER[0] + north / KM_PER_DEG_LAT
        lon = CENTER[1] + east / (KM_PER_DEG_LAT * 0.81)  # cos(36 degrees)
        unit, _ = Unit.objects.get_or_create(
            name=name,
            defaults={
                "kind": kind,
                "lat": round(lat, 6),
                "lon": round(lon, 6),
                "position_at": timezone.now(),
                "status_changed_at": timezone.now(),
            },
        )
        crew = [users[username] for username, _ in DEMO_CREWS.get(name, []) if username in users]
        if crew:
            unit.members.add(*crew)
        units.append(unit)
    return units


@dataclass(frozen=True)
class Waiting:
    call_type: str
    minutes_ago: int
    address: str
    lat: float | None
    lon: float | None
    narrative: str
    answers: dict[str, str]
    caller_name: str = ""
    callback_number: str = ""
    # A place the address data does not hold: an unverified location on the board until a
    # dispatcher places it on the map (issue 13).
    landmark: str = ""


NO_RISK = {"weapon": "no", "violence": "no"}
PHONE = {**NO_RISK, "caller_is_subject": "yes", "wants_in_person": "no", "self_harm": "thoughts"}
# Calls as they come in at any hour. The triage engine routes them by the services on duty
# now: by day to HEART, co-response and CCD; at night the field calls fall back (to police,
# with their reason) while CCD takes its phone calls around the clock.
DEMO_WAITING: list[Waiting] = [
    Waiting(
        "WELFARE_CHECK",
        21,
        "200 N Mangum St",
        35.9968,
        -78.9009,
        "Man sitting in a doorway for hours, not answering questions.",
        {**NO_RISK, "medical": "no"},
    ),
    Waiting(
        "TRESPASS",
        11,
        "101 E Main St",
        35.9951,
        -78.8994,
        "Person sleeping in the bank's ATM lobby; staff want them moved along.",
        NO_RISK,
    ),
    Waiting(
        "MENTAL_HEALTH",
        6,
        "500 W Chapel Hill St",
        35.9927,
        -78.9078,
        "Daughter says her mother is confused and talking to people who are not there.",
        {**NO_RISK, "threats": "no", "self_harm": "none"},
    ),
    Waiting(
        "INTOXICATED",
        3,
        "515 W Pettigrew St",
        35.9958,
        -78.9051,
        "Man unsteady on his feet at the bus station, refusing a ride home.",
        {**NO_RISK, "medical": "no"},
    ),
    Waiting(
        "VERBAL_DISTURBANCE",
        17,
        "800 Fayetteville St",
        35.9850,
        -78.8968,
        "Two neighbours shouting; one has a knife in the kitchen, caller not sure.",
        {"weapon": "unknown", "violence": "no"},
    ),
    Waiting(
        "MENTAL_HEALTH",
        9,
        "1100 W Club Blvd",
        36.0165,
        -78.9140,
        "Son pacing and shouting that people are after him; may have a bat, caller unsure.",
        {"weapon": "unknown", "violence": "no"},
    ),
    Waiting(
        "WELFARE_CHECK",
        8,
        "",
        None,
        None,
        "Passer-by saw a woman lying still under the overpass; she waved but did not get up.",
        {**NO_RISK, "medical": "no"},
        landmark="Under the Durham Freeway overpass by the Farmers Market, east side",
    ),
    Waiting(
        "MENTAL_HEALTH",
        4,
        "(caller's home)",
        35.9902,
        -78.8870,
        "Caller has not slept in three days and feels she is losing control; wants to talk.",
        PHONE,
        caller_name="Monique (first name only)",
        callback_number="919-555-0142",
    ),
    Waiting(
        "SUICIDE_THREAT",
        2,
        "(caller's home)",
        36.0051,
        -78.9200,
        "Caller alone at home with thoughts of ending his life, no plan; asks to talk.",
        PHONE,
        caller_name="Gerald",
        callback_number="919-555-0187",
    ),
]


def demo_board_seed(users: dict[str, User]) -> int:
    """The calls of the moment, when the demo has none open: each waiting call is triaged as
    it comes in, then the oldest call of each field route gets its nearest available unit
    (one en route, one on scene), as a dispatcher would have. Run after the units follow
    the schedules, so an off-duty team is never sent. Returns the calls added."""
    open_statuses = (Call.Status.QUEUED, Call.Status.HELD, Call.Status.PHONE, Call.Status.ACTIVE)
    if Call.objects.filter(source=DEMO_SOURCE, status__in=open_statuses).exists():
        return 0
    now = timezone.now()
    calls: list[Call] = []
    for waiting in DEMO_WAITING:
        call, _ = call_create(
            by=users.get("calltaker"),
            data=CallInput(
                call_type=waiting.call_type,
                received_at=now - timedelta(minutes=waiting.minutes_ago),
                address=waiting.address,
                lat=waiting.lat,
                lon=waiting.lon,
                # The demo's street addresses are in its address data (location/data/).
                location_source="address_point" if waiting.address[:1].isdigit() else "",
                landmark=waiting.landmark,
                narrative=waiting.narrative,
                answers=waiting.answers,
                caller_name=waiting.caller_name,
                callback_number=waiting.callback_number,
            ),
            source=DEMO_SOURCE,
        )
        calls.append(call)
    dispatcher = users.get("dispatcher")
    sent: set[str] = set()
    for call in sorted(calls, key=lambda c: c.received_at):
        if call.status != Call.Status.QUEUED or call.route in sent:
            continue
        nearest = selectors.recommended_units(call, limit=1)
        if not nearest:
            continue
        unit = nearest[0].unit
        at = min(now, call.received_at + timedelta(minutes=2))
        unit_assign(call_id=call.pk, unit_id=unit.pk, by=dispatcher, at=at)
        unit_status_set(unit_id=unit.pk, status="en_route", by=dispatcher, at=at)
        if len(sent) % 2 == 0:
            on_scene = min(now, at + timedelta(minutes=7))
            unit_status_set(unit_id=unit.pk, status="on_scene", by=dispatcher, at=on_scene)
        sent.add(call.route)
    return len(calls)
