"""Demo units placed around Durham, and 30 days of past calls drawn from real Durham CAD data.

The calls follow `dispatch/data/durham_2021_crisis_calls.csv` (Durham Police Department CAD,
2021; see dispatch/data/README.md): a 30-day window of real call times, natures and beats,
shifted by whole weeks so that weekdays and hours stay as they were.
"""

from __future__ import annotations

import csv
import random
from datetime import date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from django.conf import settings
from django.contrib.auth.models import User
from django.db import transaction
from django.utils import timezone

from dispatch.models import Call, Unit
from dispatch.services import (
    CallInput,
    ResponseTimes,
    call_create,
    call_record_closed,
    triage_evaluate,
)
from triage.models import CallTypeMapping

DATA_FILE = Path(__file__).with_name("data") / "durham_2021_crisis_calls.csv"
CENTER = (35.9940, -78.8986)  # Durham City Hall

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
DEMO_SOURCE = "demo"


def demo_units_seed(users: dict[str, User]) -> list[Unit]:
    """Create the demo units if missing; the demo responder rides with HEART-1."""
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
        units.append(unit)
    heart1 = next(u for u in units if u.name == "HEART-1")
    if "responder" in users:
        heart1.members.add(users["responder"])
    return units


def _source_window(today: date, days: int) -> tuple[date, date, int]:
    """A 30-day window of 2021 ending on the same weekday as yesterday, and the shift in days."""
    end = today - timedelta(days=1)
    src_end = date(2021, 11, 30)
    while src_end.weekday() != end.weekday():
        src_end -= timedelta(days=1)
    return src_end - timedelta(days=days - 1), src_end, (end - src_end).days


DISPOSITION_WEIGHTS = [
    ("resolved_on_scene", 52),
    ("referred_to_care_navigation", 14),
    ("transported_crisis_center", 8),
    ("transported_hospital", 6),
    ("refused_services", 8),
    ("gone_on_arrival", 9),
    ("police_took_over", 2),
    ("other", 1),
]


def demo_calls_seed(units: list[Unit], *, days: int = 30) -> int:
    """Load the past calls and a few waiting ones, once. Returns how many calls were added."""
    if Call.objects.filter(source=DEMO_SOURCE).exists():
        return 0
    rng = random.Random(2021)  # noqa: S311 - reproducible demo data, not security
    tz = ZoneInfo(settings.TIME_ZONE)
    labels = dict(
        CallTypeMapping.objects.filter(source="durham").values_list("external_label", "call_type")
    )
    by_kind: dict[str, list[Unit]] = {}
    for unit in units:
        by_kind.setdefault(unit.kind, []).append(unit)
    first, last, shift = _source_window(timezone.localdate(), days)
    added = 0
    with DATA_FILE.open(newline="") as handle, transaction.atomic():
        for index, row in enumerate(csv.DictReader(handle)):
            local = datetime.fromisoformat(row["received_local"])
            if not first <= local.date() <= last:
                continue
            received = (local + timedelta(days=shift)).replace(tzinfo=tz)
            call_type = labels[row["nature"]]
            data = CallInput(
                call_type=call_type,
                received_at=received,
                address=f"Beat {row['beat']}",
                lat=float(row["lat"]),
                lon=float(row["lon"]),
                zone=row["beat"],
                narrative=f"Durham CAD nature {row['nature']} (priority {row['priority']}), 2021",
            )
            route = triage_evaluate(call_type=call_type, answers={}, received_at=received).route
            dispatched = received + timedelta(seconds=rng.randint(40, 240))
            on_scene = dispatched + timedelta(minutes=rng.uniform(4, 16))
            cleared = on_scene + timedelta(minutes=rng.uniform(12, 55))
            pool = by_kind.get(route, [])
            response = None
            if route != "CCD" and pool:
                response = ResponseTimes(
                    unit_id=rng.choice(pool).pk,
                    dispatched_at=dispatched,
                    en_route_at=dispatched + timedelta(seconds=30),
                    on_scene_at=on_scene,
                    cleared_at=cleared,
                )
            call_record_closed(
                data=data,
                source=DEMO_SOURCE,
                external_id=f"DUR-2021-{index + 1:06d}",
                response=response,
                disposition=_pick(rng) if route in ("HEART", "CO_RESPONSE") else "",
                closed_at=cleared,
            )
            added += 1
    added += _open_calls_seed()
    return added


def _pick(rng: random.Random) -> str:
    names, weights = zip(*DISPOSITION_WEIGHTS, strict=True)
    return rng.choices(names, weights=weights)[0]


def _open_calls_seed() -> int:
    """A few calls waiting right now, so the board has work on it."""
    now = timezone.now()
    waiting = [
        (
            "WELFARE_CHECK",
            3,
            "200 N Mangum St",
            35.9968,
            -78.9009,
            "Man sitting in the doorway since this morning, not answering questions.",
            {"weapon": "no", "violence": "no", "medical": "no"},
        ),
        (
            "TRESPASS",
            11,
            "101 E Main St",
            35.9951,
            -78.8994,
            "Person sleeping in the bank lobby, staff want them moved along.",
            {"weapon": "no", "violence": "no"},
        ),
        (
            "MENTAL_HEALTH",
            6,
            "500 W Chapel Hill St",
            35.9927,
            -78.9078,
            "Daughter says her mother is confused and talking to people who are not there.",
            {"weapon": "no", "violence": "no", "threats": "no", "self_harm": "none"},
        ),
        (
            "VERBAL_DISTURBANCE",
            17,
            "800 Fayetteville St",
            35.9850,
            -78.8968,
            "Two neighbours shouting; one has a knife in the kitchen, caller not sure.",
            {"weapon": "unknown", "violence": "no"},
        ),
    ]
    for call_type, minutes_ago, address, lat, lon, narrative, answers in waiting:
        call_create(
            by=None,
            data=CallInput(
                call_type=call_type,
                received_at=now - timedelta(minutes=minutes_ago),
                address=address,
                lat=lat,
                lon=lon,
                narrative=narrative,
                answers=answers,
            ),
            source=DEMO_SOURCE,
        )
    return len(waiting)
