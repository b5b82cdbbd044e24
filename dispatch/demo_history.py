"""The demo department's year of calls, built from real Durham CAD data.

Every call of `dispatch/data/durham_2021_crisis_calls.csv` (Durham Police Department CAD,
2021; see dispatch/data/README.md) moves by whole weeks into the weeks before loading, so its
weekday, local hour, nature and beat stay real. What a CAD record does not hold comes from
the random process of dispatch/data/demo_process.toml: what the caller answered to the
screening questions, the units' times, dispositions, felt-safe answers, backup requests,
handoffs, CCD conversions, referrals to care navigation, the outcomes and self-reported
demographics recorded at clearing (dispatch/demo_outcomes.py), and the few people who call on the
department again and again. The triage engine routes every call from those answers and the
schedules as of the call's own time; nothing here picks a route.

Everything is written through the services. A call that ran its usual course is stored whole
(`call_record_closed`); one with a field event (police backup, a handoff, a CCD conversion)
is replayed step by step through the console's own services with the times it happened
(`at=`), because those events have rules of their own: a handoff reroutes the call, a
conversion re-triages it against the services on duty at that moment.
"""

from __future__ import annotations

import csv
import dataclasses
import random
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from django.conf import settings
from django.contrib.auth.models import User
from django.utils import timezone

from dispatch.demo import DEMO_SOURCE
from dispatch.demo_outcomes import OutcomeDraw
from dispatch.demo_parameters import DemoProcess, demo_process, weighted
from dispatch.models import Call, Unit
from dispatch.services import (
    CallInput,
    FeltSafe,
    Outcome,
    Referral,
    ResponseTimes,
    backup_request,
    call_clear,
    call_create,
    call_record_closed,
    ccd_convert,
    handoff_record,
    handoff_route,
    police_arrival_record,
    triage_evaluate,
    unit_assign,
    unit_status_set,
)
from triage.models import CallTypeMapping
from triage.selectors import engine_get

DATA_FILE = Path(__file__).with_name("data") / "durham_2021_crisis_calls.csv"
DEPARTMENT_FIELD = ("HEART", "CO_RESPONSE")
REFERRED = "referred_to_care_navigation"
TRANSFERRED_TO_988 = "transferred_to_988"

# Fictional people: common first and last names, drawn in pairs.
# fmt: off
FIRST_NAMES = (
    "Aaliyah", "Andre", "Angela", "Anthony", "Brandon", "Brianna", "Carlos", "Carmen",
    "Christopher", "Crystal", "Darius", "Deborah", "Dennis", "Destiny", "Donna", "Dwayne",
    "Elijah", "Erica", "Gloria", "Gregory", "Isaiah", "Jasmine", "Jerome", "Jessica", "Joseph",
    "Juan", "Kayla", "Keith", "Kenneth", "Keisha", "LaToya", "Latrice", "Lisa", "Malik",
    "Maria", "Michael", "Monique", "Nathaniel", "Patricia", "Raymond", "Renee", "Ricardo",
    "Robert", "Rosa", "Shanice", "Sharon", "Tamika", "Terrell", "Tiffany", "Tyrone", "Vanessa",
    "Victor", "Wanda", "Willie", "Yolanda",
)
LAST_NAMES = (
    "Alston", "Barnes", "Bell", "Brooks", "Bullock", "Carter", "Cole", "Davis", "Evans",
    "Foster", "Garcia", "Green", "Harris", "Hayes", "Hill", "Holloway", "Jackson", "Jenkins",
    "Johnson", "Jones", "King", "Lane", "Lewis", "Lopez", "Martin", "McNeil", "Miller",
    "Mitchell", "Moore", "Morris", "Parker", "Perry", "Powell", "Price", "Reed", "Richardson",
    "Rivera", "Robinson", "Ross", "Sanders", "Scott", "Simmons", "Smith", "Spencer", "Taylor",
    "Thomas", "Thompson", "Turner", "Walker", "Ward", "Washington", "Watson", "White",
    "Williams", "Wilson", "Wright", "Young",
)
# fmt: on


@dataclass
class Row:
    """One call of the source, moved into the demo's year, with what the process drew."""

    index: int
    received: datetime
    call_type: str
    beat: str
    lat: float
    lon: float
    nature: str
    priority: str
    scenario: str = "none"
    answers: dict[str, str] = field(default_factory=dict)
    route: str = ""
    person: int | None = None  # index of a familiar neighbor
    first_of_person: bool = False


@dataclass
class YearResult:
    calls: int = 0
    replayed: int = 0  # recorded step by step through the console's services


def _source_shift(today: date) -> timedelta:
    """Whole weeks from the last 2021 day with today's weekday to today."""
    end = date(2021, 12, 31)
    while end.weekday() != today.weekday():
        end -= timedelta(days=1)
    return today - end


def _rows(process: DemoProcess, now: datetime) -> Iterator[Row]:
    """The source calls that land in the demo's year, in time order."""
    zone = ZoneInfo(settings.TIME_ZONE)
    labels = dict(
        CallTypeMapping.objects.filter(source="durham").values_list("external_label", "call_type")
    )
    shift = _source_shift(timezone.localdate(now))
    earliest = now - timedelta(weeks=process.history.weeks)
    latest = now - timedelta(minutes=process.history.settle_minutes)
    with DATA_FILE.open(newline="") as handle:
        for index, raw in enumerate(csv.DictReader(handle)):
            received = (datetime.fromisoformat(raw["received_local"]) + shift).replace(tzinfo=zone)
            if earliest <= received <= latest:
                yield Row(
                    index=index,
                    received=received,
                    call_type=labels[raw["nature"]],
                    beat=raw["beat"],
                    lat=float(raw["lat"]),
                    lon=float(raw["lon"]),
                    nature=raw["nature"],
                    priority=raw["priority"],
                )


# What the caller answered, by scenario of the process (DOMAIN.md section 4).
NO_RISK = {"weapon": "no", "violence": "no"}
SCENARIO_ANSWERS: dict[str, dict[str, str]] = {
    "none": NO_RISK,
    "phone": {**NO_RISK, "caller_is_subject": "yes", "wants_in_person": "no"},
    "elevated_risk": {"weapon": "unknown", "violence": "no"},
    "suicide_plan": {**NO_RISK, "self_harm": "plan"},
    "medical": {**NO_RISK, "medical": "yes"},
    "crime_in_progress": {**NO_RISK, "crime_in_progress": "yes"},
    # Someone calling about another person, who was asked both caller questions (R7b).
    "third_party_phone": {**NO_RISK, "caller_is_subject": "no", "wants_in_person": "no"},
}


def _scenario(rng: random.Random, process: DemoProcess, call_type: str) -> str:
    shares = {
        name: getattr(process.screening, name).get(call_type, 0.0)
        for name in SCENARIO_ANSWERS
        if name != "none"
    }
    if sum(shares.values()) > 1:
        raise ValueError(f"screening shares for {call_type} add up to more than 1")
    draw = rng.random()
    for name, share in shares.items():
        if draw < share:
            return name
        draw -= share
    return "none"


@dataclass
class Person:
    name: str
    date_of_birth: date
    id: int | None = None


class Year:
    """Draws and records the year, call by call in time order."""

    def __init__(
        self, units: list[Unit], users: dict[str, User], process: DemoProcess, now: datetime
    ) -> None:
        self.process = process
        self.now = now
        self.rng = random.Random(process.seed)  # noqa: S311 - reproducible demo data
        self.pools: dict[str, list[Unit]] = defaultdict(list)
        for unit in sorted(units, key=lambda u: u.name):
            self.pools[unit.kind].append(unit)
        self.crews = {u.pk: sorted(u.members.values_list("pk", flat=True)) for u in units}
        self.leads = {
            u.pk: u.members.order_by("username").first()
            for u in units
            if u.kind in DEPARTMENT_FIELD
        }
        self.users = users
        self.coverage = engine_get().coverage
        self.people: list[Person] = []
        self.result = YearResult()
        self.outcome_draw = OutcomeDraw(process.outcomes, process.seed)
        # Department responses left before the next police backup request.
        self.until_backup = round(process.department.backup_every.draw(self.rng))

    # Drawing -----------------------------------------------------------------------------

    def spread_minutes(self, spread: Any) -> timedelta:
        return timedelta(minutes=spread.draw(self.rng))

    def person_draw(self) -> Person:
        age = self.process.people.age_years.draw(self.rng)
        born = self.now.date() - timedelta(days=age * 365 + self.rng.randint(0, 364))
        name = f"{self.rng.choice(FIRST_NAMES)} {self.rng.choice(LAST_NAMES)}"
        return Person(name=name, date_of_birth=born)

    def needs_draw(self) -> list[str]:
        needs = [weighted(self.rng, self.process.care.needs)]
        if self.rng.random() < self.process.care.second_need:
            other = {k: v for k, v in self.process.care.needs.items() if k != needs[0]}
            needs.append(weighted(self.rng, other))
        return needs

    def referral_draw(
        self, person: Person | None = None, *, consent: bool | None = None
    ) -> Referral:
        if consent is None:
            consent = self.rng.random() < self.process.department.referral_consent
        if not consent:
            return Referral(consent=False)
        person = person or self.person_draw()
        return Referral(
            consent=True,
            needs=self.needs_draw(),
            person_name=person.name,
            date_of_birth=person.date_of_birth,
        )

    def times_draw(self, start: datetime, unit: Unit) -> ResponseTimes:
        """A unit's times on a call that reached it at `start`."""
        t = self.process.times
        dispatched = start + timedelta(seconds=t.dispatch_seconds.draw(self.rng))
        en_route = dispatched + timedelta(seconds=t.en_route_seconds.draw(self.rng))
        on_scene = en_route + self.spread_minutes(t.travel_minutes)
        cleared = on_scene + self.spread_minutes(t.on_scene_minutes)
        return ResponseTimes(
            unit_id=unit.pk,
            dispatched_at=dispatched,
            en_route_at=en_route,
            on_scene_at=on_scene,
            cleared_at=cleared,
        )

    def felt_safe_draw(self, unit_id: int) -> list[FeltSafe]:
        p = self.process.department.felt_safe
        return [FeltSafe(pk, self.rng.random() < p) for pk in self.crews[unit_id]]

    # The plan ------------------------------------------------------------------------------

    def plan(self, rows: list[Row]) -> None:
        """Answers and routes for every call, then the familiar neighbors among them."""
        for row in rows:
            row.scenario = _scenario(self.rng, self.process, row.call_type)
            row.answers = dict(SCENARIO_ANSWERS[row.scenario])
            row.route = triage_evaluate(
                call_type=row.call_type, answers=row.answers, received_at=row.received
            ).route
        # Familiar neighbors: plain HEART calls in one beat each, the busiest beats first.
        by_beat: dict[str, list[Row]] = defaultdict(list)
        for row in rows:
            if row.route == "HEART" and row.scenario == "none":
                by_beat[row.beat].append(row)
        beats = sorted(by_beat, key=lambda b: (-len(by_beat[b]), b))
        chosen = self.rng.sample(
            beats[: 2 * self.process.familiar.people],
            k=min(self.process.familiar.people, len(beats)),
        )
        for number, beat in enumerate(chosen):
            count = min(self.process.familiar.responses.draw(self.rng), len(by_beat[beat]))
            picked = sorted(self.rng.sample(by_beat[beat], count), key=lambda r: r.received)
            for row in picked:
                row.person = number
            picked[0].first_of_person = True
            self.people.append(self.person_draw())

    # Recording -----------------------------------------------------------------------------

    def record(self, row: Row) -> None:
        person = self.people[row.person] if row.person is not None else None
        data = CallInput(
            call_type=row.call_type,
            received_at=row.received,
            address=f"Beat {row.beat}",
            lat=row.lat,
            lon=row.lon,
            zone=row.beat,
            narrative=f"Durham CAD nature {row.nature} (priority {row.priority}), 2021",
            answers=row.answers,
            person_id=person.id if person is not None and not row.first_of_person else None,
        )
        self.result.calls += 1
        if row.route == "CCD":
            self.ccd(row, data)
        elif row.route in DEPARTMENT_FIELD:
            self.department(row, data, person)
        elif row.route == "POLICE" and row.scenario == "crime_in_progress":
            self.police_first(row, data)
        else:
            self.classic(row, data)

    def store(self, row: Row, data: CallInput, **fields: Any) -> Call:
        return call_record_closed(
            data=data, source=DEMO_SOURCE, external_id=f"DUR-2021-{row.index + 1:06d}", **fields
        )

    def classic(self, row: Row, data: CallInput) -> None:
        """Police (a call that fell back, or a crime), EMS or fire: one unit, no disposition."""
        unit = self.rng.choice(self.pools[row.route])
        times = self.times_draw(row.received, unit)
        self.store(
            row, data, response=times, disposition="", closed_at=times.cleared_at or row.received
        )

    def department(self, row: Row, data: CallInput, person: Person | None) -> None:
        unit = self.rng.choice(self.pools[row.route])
        times = self.times_draw(row.received, unit)
        dispositions = self.process.department.dispositions
        if person is not None and not row.first_of_person:
            # Their first case runs its course: later responses do not refer them again.
            dispositions = {k: v for k, v in dispositions.items() if k != REFERRED}
        disposition = REFERRED if row.first_of_person else weighted(self.rng, dispositions)
        referral = None
        if disposition == REFERRED:
            referral = self.referral_draw(person, consent=True if person is not None else None)
        felt_safe = self.felt_safe_draw(unit.pk)
        self.until_backup -= 1
        uninvited = self.rng.random() < self.process.department.police_uninvited
        if self.until_backup <= 0:
            self.until_backup = round(self.process.department.backup_every.draw(self.rng))
            outcome = self.outcome_draw(disposition, police_present=True)
            call = self.with_backup(data, unit, times, disposition, felt_safe, referral, outcome)
        elif uninvited:
            outcome = self.outcome_draw(disposition, police_present=True)
            call = self.with_uninvited_police(
                data, unit, times, disposition, felt_safe, referral, outcome
            )
        else:
            call = self.store(
                row,
                data,
                response=times,
                disposition=disposition,
                closed_at=times.cleared_at or row.received,
                felt_safe=felt_safe,
                referral=referral,
                by=self.leads[unit.pk],
                outcome=self.outcome_draw(disposition, police_present=False),
            )
        if person is not None and row.first_of_person:
            # The referral made them a person of the console: their next calls are about them.
            person.id = Call.objects.values_list("person_id", flat=True).get(pk=call.pk)

    def ccd(self, row: Row, data: CallInput) -> None:
        ends = row.received + self.spread_minutes(self.process.ccd.phone_minutes)
        if self.rng.random() >= self.process.ccd.convert:
            disposition = weighted(self.rng, self.process.ccd.dispositions)
            transfer = ""
            if disposition == TRANSFERRED_TO_988:
                warm = self.rng.random() < self.process.ccd.transfer_988_warm
                transfer = "warm" if warm else "cold"
            self.store(
                row,
                data,
                response=None,
                disposition="",
                ccd_disposition=disposition,
                transfer_988=transfer,
                closed_at=ends,
                referral=self.referral_draw() if disposition == REFERRED else None,
                by=self.users.get("ccd"),
            )
            return
        self.result.replayed += 1
        call = self.create(data)
        call = ccd_convert(
            call_id=call.pk,
            by=self.users.get("ccd"),
            reason="caller asked for someone to come",
            at=ends,
        )
        unit = self.rng.choice(self.pools[call.route])
        times = self.times_draw(ends, unit)
        self.respond(call, unit, times)
        if unit.kind in DEPARTMENT_FIELD:
            disposition = weighted(self.rng, self.process.department.dispositions)
            referral = self.referral_draw() if disposition == REFERRED else None
            outcome = self.outcome_draw(disposition, police_present=False)
            felt_safe = self.felt_safe_draw(unit.pk)
            self.clear(call, unit, times, disposition, felt_safe, referral, outcome)
        else:
            self.release(unit, times.cleared_at)

    def police_first(self, row: Row, data: CallInput) -> None:
        """Police take a crime in progress; on scene, some hand it to HEART if it is on duty."""
        police = self.rng.choice(self.pools["POLICE"])
        times = self.times_draw(row.received, police)
        on_scene = times.on_scene_at or row.received
        handoff_at = on_scene + self.spread_minutes(self.process.handoff.after_minutes)
        hands_off = self.rng.random() < self.process.handoff.share
        # The duty rule of a handoff: HEART, else co-response, else police keep the call.
        team, _ = handoff_route("HEART", handoff_at)
        if not (hands_off and team):
            self.store(
                row, data, response=times, disposition="", closed_at=times.cleared_at or on_scene
            )
            return
        self.result.replayed += 1
        by_police = self.rng.random() < self.process.handoff.by_police
        asker = self.users.get("police" if by_police else "dispatcher")
        call = self.create(data)
        self.respond(call, police, times)
        handoff_record(
            call_id=call.pk,
            reason="calm on arrival; person needs HEART, not an arrest",
            by=asker,
            at=handoff_at,
        )
        heart = self.rng.choice(self.pools[team])
        heart_times = self.times_draw(handoff_at, heart)
        self.respond(call, heart, heart_times)
        self.release(police, heart_times.on_scene_at)
        disposition = weighted(self.rng, self.process.department.dispositions)
        referral = self.referral_draw() if disposition == REFERRED else None
        outcome = self.outcome_draw(disposition, police_present=True)
        felt_safe = self.felt_safe_draw(heart.pk)
        self.clear(call, heart, heart_times, disposition, felt_safe, referral, outcome)

    def with_uninvited_police(
        self,
        data: CallInput,
        unit: Unit,
        times: ResponseTimes,
        disposition: str,
        felt_safe: list[FeltSafe],
        referral: Referral | None,
        outcome: Outcome | None,
    ) -> Call:
        """Police arrive on the team's call unasked; the team's lead records it."""
        self.result.replayed += 1
        call = self.create(data)
        self.respond(call, unit, times)
        on_scene = times.on_scene_at or times.dispatched_at
        police_arrival_record(
            call_id=call.pk,
            note="a patrol car stopped on its way past; the officer left when asked",
            unit_id=self.rng.choice(self.pools["POLICE"]).pk,
            by=self.leads[unit.pk],
            at=on_scene + timedelta(minutes=self.rng.uniform(1, 8)),
        )
        self.clear(call, unit, times, disposition, felt_safe, referral, outcome)
        return call

    def with_backup(
        self,
        data: CallInput,
        unit: Unit,
        times: ResponseTimes,
        disposition: str,
        felt_safe: list[FeltSafe],
        referral: Referral | None,
        outcome: Outcome | None,
    ) -> Call:
        """A department team on scene asks for police backup; a police unit comes and goes."""
        self.result.replayed += 1
        call = self.create(data)
        self.respond(call, unit, times)
        on_scene = times.on_scene_at or times.dispatched_at
        asked = on_scene + timedelta(minutes=self.rng.uniform(1, 6))
        backup_request(
            call_id=call.pk,
            unit_id=unit.pk,
            reason="person grew agitated; a second person on scene",
            by=self.leads[unit.pk],
            at=asked,
        )
        police = self.rng.choice(self.pools["POLICE"])
        police_times = self.times_draw(asked, police)
        unit_assign(call_id=call.pk, unit_id=police.pk, by=self.users.get("dispatcher"), at=asked)
        arrived = police_times.on_scene_at or asked
        unit_status_set(unit_id=police.pk, status="on_scene", by=None, at=arrived)
        cleared = max(times.cleared_at or arrived, arrived) + timedelta(minutes=10)
        self.release(police, arrived + timedelta(minutes=5))
        self.clear(
            call,
            unit,
            dataclasses.replace(times, cleared_at=cleared),
            disposition,
            felt_safe,
            referral,
            outcome,
        )
        return call

    # The console's own services, with the times of the past.

    def create(self, data: CallInput) -> Call:
        assert data.received_at is not None  # noqa: S101 - every row has its time
        call, _ = call_create(
            by=self.users.get("calltaker"),
            data=data,
            source=DEMO_SOURCE,
            at=data.received_at + timedelta(seconds=30),
        )
        return call

    def respond(self, call: Call, unit: Unit, times: ResponseTimes) -> None:
        """The unit is dispatched, goes en route and arrives, at its times."""
        lead = self.leads.get(unit.pk)
        dispatcher = self.users.get("dispatcher")
        unit_assign(call_id=call.pk, unit_id=unit.pk, by=dispatcher, at=times.dispatched_at)
        unit_status_set(unit_id=unit.pk, status="en_route", by=lead, at=times.en_route_at)
        unit_status_set(unit_id=unit.pk, status="on_scene", by=lead, at=times.on_scene_at)

    def release(self, unit: Unit, at: datetime | None) -> None:
        """A police, fire or EMS unit leaves the call (it has no disposition to give)."""
        unit_status_set(unit_id=unit.pk, status="available", by=None, at=at)

    def clear(
        self,
        call: Call,
        unit: Unit,
        times: ResponseTimes,
        disposition: str,
        felt_safe: list[FeltSafe],
        referral: Referral | None,
        outcome: Outcome | None = None,
    ) -> None:
        call_clear(
            call_id=call.pk,
            unit_id=unit.pk,
            disposition=disposition,
            felt_safe=felt_safe,
            referral=referral,
            outcome=outcome,
            by=self.leads[unit.pk],
            at=times.cleared_at,
        )


def demo_history_seed(
    units: list[Unit], users: dict[str, User], *, process: DemoProcess | None = None
) -> YearResult:
    """Record the demo's year of calls, once (nothing when the demo has calls already)."""
    if Call.objects.filter(source=DEMO_SOURCE).exists():
        return YearResult()
    now = timezone.now()
    year = Year(units, users, process or demo_process(), now)
    rows = list(_rows(year.process, now))
    year.plan(rows)
    for row in rows:
        year.record(row)
    return year.result
