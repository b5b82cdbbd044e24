"""Load the demo department: users for every role and the crews, units around Durham, a
synthetic service directory, a year of calls and care navigation built from real Durham CAD
data, and the calls of the moment."""

from __future__ import annotations

import time
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction

from access.demo import DEMO_PASSWORD, demo_users_seed
from care_navigation.demo import demo_care_seed, demo_directory_seed, demo_safety_plans_seed
from dashboards.rollups import rollup_refresh
from dispatch.demo import (
    demo_board_seed,
    demo_positions_seed,
    demo_roster_seed,
    demo_units_seed,
)
from dispatch.demo_history import demo_history_seed
from dispatch.services import unit_duty_sync
from interop.demo import demo_partners_seed
from location.demo import demo_location_seed
from workforce.demo import demo_responders_seed


class Command(BaseCommand):
    help = (
        "Idempotently load the demo department: users, units, a service directory, a year of "
        "calls and cases, and the calls waiting now (refused without DEBUG)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--force",
            action="store_true",
            help="Seed even though DEBUG is off (never in production).",
        )

    def handle(self, *args: Any, force: bool = False, **options: Any) -> None:
        if not settings.DEBUG and not force:
            raise CommandError(
                "seed_demo creates accounts with a published password: refused while DEBUG is off "
                "(pass --force on a training copy)"
            )
        started = time.monotonic()
        # All or nothing: a load that fails half-way leaves no half year to skip next time.
        with transaction.atomic():
            users = demo_users_seed()
            places = demo_location_seed()
            units = demo_units_seed(users)
            demo_responders_seed(users)
            services = demo_directory_seed()
            year = demo_history_seed(units, users)
            care = demo_care_seed(users) if year.calls else None
            # The crews on the roster, then the units follow the roster and the schedules
            # before anyone is sent to the calls of the moment.
            shifts = demo_roster_seed(users)
            unit_duty_sync()
            # Recent positions first, for "nearest"; then the units sent to calls move.
            demo_positions_seed()
            waiting = demo_board_seed(users)
            demo_positions_seed()
            # After the calls of the moment: one of them is about a person with a plan.
            plans = demo_safety_plans_seed(users)
            # The ECC's transferred calls, after the calls of the moment took their units.
            transfers = demo_partners_seed(users)
            # The dashboards read the new year from the rollups at once, not at beat's refresh.
            rollup_refresh()
        history = (
            f"{year.calls} calls of the past year ({year.replayed} replayed step by step), "
            f"{care.cases} care-navigation cases worked"
            if care is not None
            else "the past year already loaded"
        )
        self.stdout.write(
            f"demo data: {len(users)} users, {places.points} address points in "
            f"{places.zones} beats, {len(units)} units, {services} directory "
            f"services, {history}, {plans.plans} safety plans, {shifts} roster shifts, "
            f"{waiting} calls of the moment, {transfers} calls transferred by the ECC "
            "added in "
            f"{time.monotonic() - started:.1f} s (password for every demo user: {DEMO_PASSWORD})"
        )
