"""Units' positions (docs/location.md, "Unit positions (AVL)"): the newest report is kept.

A position is telemetry, not a decision: a phone sends one every 15 seconds, so it is not an
audit entry (the audit log would grow by a hundred thousand rows a day for twenty units).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils import timezone

from dispatch.models import POSITION_SOURCES, Unit

# A phone's or a vehicle's clock may run a little ahead of the server's. Kept small: a
# position stamped ahead would hold back every later, truthful one until its time came.
POSITION_CLOCK_SKEW = timedelta(seconds=30)
MAX_ACCURACY_M = 100_000.0
SOURCES = {code for code, _ in POSITION_SOURCES}


@dataclass(frozen=True)
class PositionReport:
    """The outcome of a report: `stored` is False when the unit already had a newer one."""

    unit: Unit
    stored: bool


def _check(lat: float, lon: float, accuracy_m: float | None) -> None:
    errors: dict[str, list[str]] = {}
    for name, value, limit in (("lat", lat, 90.0), ("lon", lon, 180.0)):
        if not math.isfinite(value):
            errors[name] = ["must be a finite number"]
        elif not -limit <= value <= limit:
            errors[name] = [f"must be between -{limit:g} and {limit:g}"]
    if accuracy_m is not None and not (
        math.isfinite(accuracy_m) and 0 <= accuracy_m <= MAX_ACCURACY_M
    ):
        errors["accuracy_m"] = [f"must be between 0 and {MAX_ACCURACY_M:,.0f} metres"]
    if errors:
        raise ValidationError(errors)


def unit_position_report(
    *,
    unit_id: int,
    lat: float,
    lon: float,
    accuracy_m: float | None = None,
    at: datetime | None = None,
    source: str,
) -> PositionReport:
    """Record where a unit was at `at` (default now), unless it already has a newer position.

    Out-of-range, NaN or infinite coordinates, a negative accuracy and a time in the future
    (beyond a 30-second clock skew) raise a ValidationError by field and store nothing. Reports
    arriving out of order keep the newest: the conditional UPDATE writes only when the stored
    position is older, so two racing reports cannot leave the older one in place.
    """
    _check(lat, lon, accuracy_m)
    if source not in SOURCES:
        raise ValidationError({"source": [f"{source!r} is not one of {', '.join(SOURCES)}"]})
    now = timezone.now()
    when = at or now
    if timezone.is_naive(when):
        raise ValidationError({"at": ["needs a time zone"]})
    if when > now + POSITION_CLOCK_SKEW:
        raise ValidationError({"at": ["is in the future"]})
    if not Unit.objects.filter(pk=unit_id).exists():
        raise ValidationError({"unit": [f"unit {unit_id} does not exist"]})
    written = (
        Unit.objects.filter(pk=unit_id)
        .filter(Q(position_at__isnull=True) | Q(position_at__lt=when))
        .update(
            lat=lat,
            lon=lon,
            position_at=when,
            position_accuracy_m=accuracy_m,
            position_source=source,
            # The board's ETag follows the units' updated_at: the map redraws with the move.
            updated_at=now,
        )
    )
    return PositionReport(unit=Unit.objects.get(pk=unit_id), stored=written == 1)
