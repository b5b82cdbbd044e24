"""The demo's care navigation: a synthetic service directory, and a year of navigators' work
on the cases the demo's responders opened at clearing (dispatch/demo_history.py).

Each case is worked as the random process of dispatch/data/demo_process.toml draws it: the
navigator's attempts to reach the person, a decline or referrals of each need to a service of
the directory, and where each referral ends (connected, waitlisted, unavailable, declined,
scheduled and never attended, or no answer). Everything goes through the care-navigation
services with the time it happened, in time order, and the sweep runs as beat would have,
so the cases close at day 30 with their computed outcome. Nothing is recorded after the
moment of loading: the last month's cases are open, mid-way. Then a few safety plans, for
the calls the phone line resolved with one.
"""

from __future__ import annotations

import heapq
import itertools
import logging
import random
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from django.contrib.auth.models import User
from django.utils import timezone

from care_navigation.hsds import hsds_import
from care_navigation.models import Case, Notification, Referral, SafetyPlan, Service
from care_navigation.safety_plan_services import NewPerson, PlanSections, safety_plan_create
from care_navigation.services import (
    care_sweep,
    contact_log,
    notification_mark_read,
    referral_create,
    referral_update,
)
from dispatch.demo import DEMO_SOURCE
from dispatch.demo_history import FIRST_NAMES, LAST_NAMES
from dispatch.demo_parameters import DemoProcess, demo_process, weighted
from dispatch.models import Assignment, Call
from dispatch.services import calls_person_set
from people.models import Person

DEMO_DIRECTORY = Path(__file__).resolve().parent / "data" / "demo_directory"
# Beat's care sweep runs every CARE_SWEEP_SECONDS (5 minutes): a case due at 10:02 is
# handled by the sweep of 10:05.
SWEEP_EVERY = timedelta(minutes=5)
# Where a referral ends: its steps after `referred`.
REFERRAL_PATHS: dict[str, list[str]] = {
    "connected": ["scheduled", "connected"],
    "waitlisted": ["waitlisted"],
    "unavailable": ["unavailable"],
    "declined": ["declined"],
    "scheduled": ["scheduled"],
    "referred": [],
}


def demo_directory_seed() -> int:
    """Import the synthetic directory through the HSDS importer (a re-import updates it)."""
    return hsds_import(path=DEMO_DIRECTORY).resource("service").taken


@dataclass
class CareResult:
    cases: int = 0
    contacts: int = 0
    referrals: int = 0
    sweeps: int = 0


class Timeline:
    """Work to do at given times, done in time order (ties in the order it was planned)."""

    def __init__(self) -> None:
        self._heap: list[tuple[datetime, int, Callable[[], None]]] = []
        self._order = itertools.count()

    def at(self, when: datetime, work: Callable[[], None]) -> None:
        heapq.heappush(self._heap, (when, next(self._order), work))

    def run(self, until: datetime) -> None:
        while self._heap and self._heap[0][0] <= until:
            _when, _n, work = heapq.heappop(self._heap)
            work()


def _sweep_time(due: datetime) -> datetime:
    """The first beat sweep at or after `due`."""
    step = SWEEP_EVERY.total_seconds()
    return datetime.fromtimestamp(-(-due.timestamp() // step) * step, tz=due.tzinfo)


class CaseWork:
    """Draws and plans the navigator's work on the demo's cases."""

    def __init__(self, users: dict[str, User], process: DemoProcess, now: datetime) -> None:
        self.care = process.care
        # Its own stream, from the same seed: the cases' draws do not shift the calls'.
        self.rng = random.Random(f"{process.seed}-care")  # noqa: S311 - reproducible demo data
        self.now = now
        self.fallback_navigator = users.get("navigator")
        self.timeline = Timeline()
        self.result = CareResult()
        self.services: dict[str, list[Service]] = {}
        for service in Service.objects.prefetch_related("needs").order_by("hsds_id"):
            for need in service.needs.all():
                self.services.setdefault(need.need, []).append(service)
        self.sweeps: set[datetime] = set()

    def hours(self, spread: Any) -> timedelta:
        return timedelta(hours=spread.draw(self.rng))

    def plan(self, case: Case, needs: list[str]) -> None:
        navigator = case.navigator or self.fallback_navigator
        when = case.opened_at + self.hours(self.care.first_attempt_hours)
        channels = self.care.channels
        if self.rng.random() >= self.care.reachable:
            for _ in range(3):
                self.contact(case, navigator, when, weighted(self.rng, channels), reached=False)
                when += self.hours(self.care.attempt_gap_hours)
        else:
            for _ in range(int(weighted(self.rng, self.care.failed_before_reached))):
                self.contact(case, navigator, when, weighted(self.rng, channels), reached=False)
                when += self.hours(self.care.attempt_gap_hours)
            declines = self.rng.random() < self.care.declines_navigation
            self.contact(
                case, navigator, when, weighted(self.rng, channels), reached=True, declined=declines
            )
            if not declines:
                for need in needs:
                    self.referral(case, navigator, need, when)
        for due in (case.first_contact_due, case.warn_at, case.closes_at):
            self.sweeps.add(_sweep_time(due))

    def contact(
        self,
        case: Case,
        by: Any,
        when: datetime,
        channel: str,
        *,
        reached: bool,
        declined: bool = False,
    ) -> None:
        def work() -> None:
            contact_log(
                case=case, by=by, channel=channel, reached=reached, declined=declined, at=when
            )
            self.result.contacts += 1

        self.timeline.at(when, work)

    def referral(self, case: Case, by: Any, need: str, after: datetime) -> None:
        made = after + self.hours(self.care.referral_after_hours)
        options = self.services.get(need, [])
        service = self.rng.choice(options) if options else None
        end = weighted(self.rng, self.care.referral_outcomes)
        steps: list[tuple[datetime, str]] = []
        when = made
        for status in [*REFERRAL_PATHS[end], ""]:
            when += timedelta(days=self.care.referral_step_days.draw(self.rng))
            steps.append((when, status))
        # The last time drawn is when a scheduled appointment that ends the path was for.
        appointment = steps.pop()[0]
        made_referral: list[Referral] = []

        def create() -> None:
            made_referral.append(
                referral_create(
                    case=case,
                    by=by,
                    need=need,
                    service=service,
                    service_name="" if service else f"{need.replace('_', ' ')} provider",
                    at=made,
                )
            )
            self.result.referrals += 1

        self.timeline.at(made, create)
        for number, (step_at, status) in enumerate(steps):
            following = steps[number + 1][0] if number + 1 < len(steps) else appointment

            def step(
                status: str = status, step_at: datetime = step_at, on: datetime = following
            ) -> None:
                scheduled = on if status == "scheduled" else None
                made_referral[0] = referral_update(
                    referral=made_referral[0],
                    by=by,
                    status=status,
                    scheduled_for=scheduled,
                    at=step_at,
                )

            self.timeline.at(step_at, step)

    def run(self) -> None:
        for when in sorted(self.sweeps):
            self.timeline.at(when, self.sweep_at(when))
        # A year of sweeps would log a line each; the seed's summary says what was done.
        sweep_log = logging.getLogger("care_navigation.services")
        level = sweep_log.level
        sweep_log.setLevel(logging.WARNING)
        try:
            self.timeline.run(until=self.now)
        finally:
            sweep_log.setLevel(level)

    def sweep_at(self, when: datetime) -> Callable[[], None]:
        def sweep() -> None:
            care_sweep(now=when)
            self.result.sweeps += 1

        return sweep


def demo_care_seed(users: dict[str, User], *, process: DemoProcess | None = None) -> CareResult:
    """Work the demo's cases that nobody has touched yet, up to now; then the navigator and
    the supervisor have read the notices of the cases already closed."""
    now = timezone.now()
    work = CaseWork(users, process or demo_process(), now)
    cases = Case.objects.filter(contacts__isnull=True, status=Case.Status.OPEN).select_related(
        "navigator"
    )
    for case in cases.prefetch_related("needs").order_by("opened_at", "id"):
        work.plan(case, sorted(n.need for n in case.needs.all()))
        work.result.cases += 1
    work.run()
    closed = list(
        Notification.objects.filter(case__status=Case.Status.CLOSED).values_list("pk", flat=True)
    )
    for username in ("navigator", "supervisor"):
        if username in users:
            notification_mark_read(user=users[username], notification_ids=closed)
    return work.result


# Safety plans: what people and their clinicians write, in their words.
PLAN_TEXTS: dict[str, tuple[str, ...]] = {
    "warning_signs": (
        "Not sleeping for two nights; stops answering texts",
        "Drinking alone after work; thinking everyone is better off without me",
        "Anniversary of my brother's death; staying in bed all day",
        "Arguments with my partner about money; feeling trapped",
        "Skipping meals and meds; hearing the voices louder at night",
    ),
    "coping_steps": (
        "Walk the loop at Duke Park; put on my headphones",
        "Shower, make tea, sit on the porch for ten minutes",
        "Draw; play the guitar; pray",
        "Call the warmline before it gets bad; breathing exercise from the group",
    ),
    "people_and_places": (
        "My sister Keisha (919-555-0114); the library on Main St",
        "Pastor Williams; the Tuesday peer group at the recovery center",
        "My neighbour Ms. Ruth; the coffee shop on Ninth St",
        "Cousin Andre; the basketball court at the rec center",
    ),
    "professionals": (
        "988 Suicide & Crisis Lifeline; my therapist at the clinic (919-555-0150)",
        "Durham CCD line; my case manager; 988 (text or call)",
        "The crisis center walk-in, open 24/7; 988",
    ),
    "means_safety": (
        "My sister keeps my pills and brings the week's dose",
        "The hunting rifle is at my uncle's, locked; no alcohol in the house",
        "Razors and extra medication out of the apartment; a lock box for the rest",
        "Car keys with my partner on bad nights",
    ),
}


@dataclass
class PlanResult:
    plans: int = 0
    versions: int = 0


def _plan_sections(rng: random.Random) -> PlanSections:
    return PlanSections(**{name: rng.choice(texts) for name, texts in PLAN_TEXTS.items()})


def demo_safety_plans_seed(
    users: dict[str, User], *, process: DemoProcess | None = None
) -> PlanResult:
    """A few safety plans, once (nothing when the demo has plans already): for the last calls
    of the year a CCD clinician resolved with "safety plan made", each about a person named
    then and written when the call ended, some revised a few days later. The first is the
    person of the phone call waiting on the CCD queue now (they called before), and a person
    with a plan is the one HEART-1 (the demo responder's unit) is with, when it is on a call."""
    result = PlanResult()
    if SafetyPlan.objects.exists():
        return result
    process = process or demo_process()
    rng = random.Random(f"{process.seed}-plans")  # noqa: S311 - reproducible demo data
    clinician = users.get("ccd")
    if clinician is None:
        return result
    now = timezone.now()
    calls = list(
        Call.objects.filter(
            source=DEMO_SOURCE, ccd_disposition="safety_plan_made", status=Call.Status.CLOSED
        ).order_by("-closed_at", "-id")[: process.ccd.safety_plans]
    )
    waiting = (
        Call.objects.filter(source=DEMO_SOURCE, status=Call.Status.PHONE, person__isnull=True)
        .exclude(caller_name="")
        .order_by("received_at", "id")
        .first()
    )
    people: list[Person] = []
    for number, call in enumerate(calls):
        first = waiting.caller_name.split()[0] if number == 0 and waiting else ""
        name = f"{first or rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)}"
        at = call.closed_at or call.received_at
        plan = safety_plan_create(
            by=clinician,
            call=call,
            person=Person.objects.get(pk=call.person_id) if call.person_id else None,
            new_person=NewPerson(name=name),
            sections=_plan_sections(rng),
            at=at,
        )
        people.append(plan.person)
        result.plans += 1
        result.versions += 1
        revised = at + timedelta(days=rng.uniform(2, 9))
        if rng.random() < process.ccd.plan_revised and revised < now:
            case = Case.objects.filter(person=plan.person, status=Case.Status.OPEN).first()
            safety_plan_create(
                by=case.navigator if case and case.navigator else clinician,
                person=plan.person,
                sections=_plan_sections(rng),
                based_on=plan.version,
                at=revised,
            )
            result.versions += 1
    if waiting is not None and people:
        calls_person_set(call_ids=[waiting.pk], person_id=people[0].pk, by=clinician)
    on_heart_1 = (
        Assignment.objects.filter(
            unit__name="HEART-1", cleared_at__isnull=True, call__person__isnull=True
        )
        .values_list("call_id", flat=True)
        .first()
    )
    if on_heart_1 is not None and len(people) > 1:
        calls_person_set(call_ids=[on_heart_1], person_id=people[1].pk, by=users.get("dispatcher"))
    return result
