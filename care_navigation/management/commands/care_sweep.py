"""python manage.py care_sweep [--now ISO8601]: run the care-navigation sweep once, now."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from care_navigation.services import care_sweep


def parse_instant(value: str) -> datetime:
    try:
        instant = datetime.fromisoformat(value)
    except ValueError:
        raise CommandError(f"--now {value!r} is not an ISO 8601 date-time") from None
    if timezone.is_naive(instant):
        # Without an offset the instant is read in the department's time zone.
        instant = timezone.make_aware(instant)
    return instant


class Command(BaseCommand):
    help = (
        "Run the care-navigation sweep once, synchronously: flag unreachable people, notify "
        "overdue first contacts, warn of closing cases and close those at the end of their window."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--now",
            type=parse_instant,
            default=None,
            help="sweep as of this instant (ISO 8601; default: the current time)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        now = options["now"] or timezone.now()
        result = care_sweep(now=now)
        self.stdout.write(
            f"care sweep as of {now.isoformat()}: "
            + ", ".join(
                f"{key.replace('_', ' ')} {value}" for key, value in result.as_dict().items()
            )
        )
