"""Load the demo department: users for every role, units around Durham, 30 days of calls."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from access.demo import DEMO_PASSWORD, demo_users_seed
from care_navigation.demo import demo_cases_seed
from dispatch.demo import demo_calls_seed, demo_units_seed


class Command(BaseCommand):
    help = "Idempotently load demo users, units and 30 days of past calls (refused without DEBUG)."

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
        users = demo_users_seed()
        units = demo_units_seed(users)
        calls = demo_calls_seed(units)
        cases = demo_cases_seed(users)
        self.stdout.write(
            f"demo data: {len(users)} users, {len(units)} units, {calls} calls and {cases} "
            "care-navigation cases added "
            f"(password for every demo user: {DEMO_PASSWORD})"
        )
