"""The demo department's units around Durham with their crews, and the calls on the board at
the moment of loading. Its year of past calls is dispatch/demo_history.py."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, time, timedelta

from django.contrib.auth.models import User
from django.utils import timezone

from access.demo import DEMO_CREWS
from dispatch import selectors
from dispatch.demo_after_intake import INTAKE_TIME, demo_after_intake_seed
from dispatch.models import Assignment, Call, RosterShift, Unit
from dispatch.services import (
    CallInput,
    call_create,
    roster_shift_create,
    unit_assign,
    unit_position_report,
    unit_status_set,
)
from triage.models import ServiceSchedule

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
# The team whose phone lost signal a while ago: its marker fades on the board and "nearest"
# says it had no recent position.
DEMO_SIGNAL_LOST = ("HEART-4", timedelta(minutes=12))


def demo_units_seed(users: dict[str, User]) -> list[Unit]:
    """Create the demo units if missing, with their crews (access.demo.DEMO_CREWS)."""
    units = []
    for name, kind, north, east in DEMO_UNITS:
        lat, lon = _home(north, east)
        unit, _ = Unit.objects.get_or_create(
            name=name,
            defaults={
                "kind": kind,
                "lat": lat,
                "lon": lon,
                # Where it was at the end of its last shift: demo_positions_seed brings the
                # units on duty up to date; an off-duty unit's position stays faded.
                "position_at": timezone.now() - timedelta(hours=2),
                "position_source": "demo",
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
    caller_language: str = ""
    interpreter_used: bool = False
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
        "Daughter says her mother is confused and talking to people who are not there. "
        "The family speaks Spanish; the daughter called through the interpreter line.",
        {**NO_RISK, "threats": "no", "self_harm": "none"},
        caller_language="es",
        interpreter_used=True,
    ),
    Waiting(
        "INTOXICATED",
        3,
        "515 W Pettigrew St",
        35.9958,
        -78.9051,
        "Man unsteady on his feet at the bus station, refusing a ride home. Speaks Spanish.",
        {**NO_RISK, "medical": "no"},
        caller_language="es",
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
        received_at = now - timedelta(minutes=waiting.minutes_ago)
        call, _ = call_create(
            by=users.get("calltaker"),
            data=CallInput(
                call_type=waiting.call_type,
                received_at=received_at,
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
                caller_language=waiting.caller_language,
                interpreter_used=waiting.interpreter_used,
            ),
            source=DEMO_SOURCE,
            # Entered and triaged while the caller was on the line, not when the demo was seeded.
            at=min(received_at + INTAKE_TIME, now),
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
    demo_after_intake_seed(users, calls)
    return len(calls)


def _home(north: float, east: float) -> tuple[float, float]:
    """A post `north` and `east` km from the centre (0.81: the cosine of 36 degrees)."""
    return (
        round(CENTER[0] + north / KM_PER_DEG_LAT, 6),
        round(CENTER[1] + east / (KM_PER_DEG_LAT * 0.81), 6),
    )


def demo_positions_seed() -> int:
    """Recent positions for the units on duty, as their phones and AVL feeds would have sent
    them: each at its post, a few seconds to a minute and a half ago (HEART-4's phone lost
    signal twelve minutes ago), and a unit on a call at the call's point (en route: halfway
    there). Off-duty units report nothing: their last position fades. Run before the calls of
    the moment are dispatched (nearest needs recent positions) and after. Returns how many
    positions were stored."""
    now = timezone.now()
    homes = {name: _home(north, east) for name, _, north, east in DEMO_UNITS}
    on_calls = {
        a.unit_id: a
        for a in Assignment.objects.filter(cleared_at__isnull=True).select_related("call")
    }
    stored = 0
    units = Unit.objects.exclude(status=Unit.Status.OFF_DUTY).exclude(kind="CCD")
    for index, unit in enumerate(units.order_by("name")):
        lat, lon = homes.get(unit.name, (unit.lat or CENTER[0], unit.lon or CENTER[1]))
        # Ages of 20 s and more: the units sent to a call report once more, 10 s ago.
        age = timedelta(seconds=20 + (index * 7) % 70)
        assignment = on_calls.get(unit.pk)
        call = assignment.call if assignment else None
        if call is not None and call.lat is not None and call.lon is not None:
            share = 1.0 if unit.status == Unit.Status.ON_SCENE else 0.5
            lat, lon = lat + (call.lat - lat) * share, lon + (call.lon - lon) * share
            age = timedelta(seconds=10)
        elif unit.name == DEMO_SIGNAL_LOST[0]:
            age = DEMO_SIGNAL_LOST[1]
        report = unit_position_report(
            unit_id=unit.pk,
            lat=round(lat, 6),
            lon=round(lon, 6),
            accuracy_m=float(8 + index % 5 * 4),
            at=now - age,
            source="demo",
        )
        stored += report.stored
    return stored


# A peer out sick today: HEART-4 rolls without one, and the board says so.
DEMO_ABSENT_TODAY = {"heart4-peer"}
ROSTER_DAYS = range(-1, 7)  # yesterday to six days ahead


def demo_roster_seed(users: dict[str, User]) -> int:
    """The field crews on the roster for the days around today, one shift per day in their
    service's hours (triage's schedules, in the department's zone): HEART 07:00-19:00 and
    co-response 09:00-21:00 by default. Idempotent: a member with a shift that day is left
    alone. Returns the shifts added."""
    windows: dict[tuple[str, int], tuple[str, str]] = {}
    for entry in ServiceSchedule.objects.filter(service__in=["HEART", "CO_RESPONSE"]):
        windows.setdefault((entry.service, entry.weekday), (entry.start, entry.end))
    units = {u.name: u for u in Unit.objects.filter(name__in=list(DEMO_CREWS))}
    zone = timezone.get_current_timezone()
    today = timezone.localdate()
    admin = users.get("supervisor")
    added = 0
    for offset in ROSTER_DAYS:
        day = today + timedelta(days=offset)
        for name, members in DEMO_CREWS.items():
            unit = units.get(name)
            window = windows.get((unit.kind, day.weekday())) if unit else None
            if unit is None or window is None:
                continue
            starts = timezone.make_aware(datetime.combine(day, time.fromisoformat(window[0])), zone)
            end_day = day + timedelta(days=1) if window[1] == "24:00" else day
            end_clock = "00:00" if window[1] == "24:00" else window[1]
            ends = timezone.make_aware(
                datetime.combine(end_day, time.fromisoformat(end_clock)), zone
            )
            for username, _position in members:
                user = users.get(username)
                if user is None or (offset == 0 and username in DEMO_ABSENT_TODAY):
                    continue
                if RosterShift.objects.filter(
                    responder=user, starts_at__lt=ends, ends_at__gt=starts
                ).exists():
                    continue
                roster_shift_create(
                    unit_id=unit.pk, responder_id=user.pk, starts_at=starts, ends_at=ends, by=admin
                )
                added += 1
    return added
