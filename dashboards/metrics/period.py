"""The period a dashboard covers: local days, parsed from a request's "from", "to" and
"source"."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any
from urllib.parse import urlencode

from django.db.models import Max, Min
from django.urls import reverse
from django.utils import timezone

from dashboards.models import CallRollup
from dashboards.rollups import dirty_days, local_midnight, rollup_state
from dispatch.models import Call

MAX_PERIOD_DAYS = 3700  # ten years and a little: a typo in a year is an error, not a scan


@dataclass(frozen=True)
class Period:
    """Local days `start` to `end`, both included, and optionally one call source."""

    start: date
    end: date
    source: str = ""

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    @property
    def since(self) -> datetime:
        return local_midnight(self.start)

    @property
    def until(self) -> datetime:
        return local_midnight(self.end + timedelta(days=1))

    def params(self) -> dict[str, str]:
        params = {"from": self.start.isoformat(), "to": self.end.isoformat()}
        if self.source:
            params["source"] = self.source
        return params

    def url(self, name: str, **extra: object) -> str:
        params: dict[str, object] = {**self.params(), **extra}
        return f"{reverse(name)}?{urlencode(params)}"

    def label(self) -> str:
        text = f"{self.start:%d %b %Y} to {self.end:%d %b %Y} ({self.days} days)"
        return f"{text}, source {self.source}" if self.source else text


def today() -> date:
    return timezone.localdate()


def period_default(*, days: int = 30) -> Period:
    end = today()
    return Period(start=end - timedelta(days=days - 1), end=end)


def calls_span() -> tuple[date, date] | None:
    """The local days of the first and the last stored call, or None without calls. Read from
    the rollups' day rows and the days changed since their refresh (both indexed); the calls
    table itself only while nothing was rolled up yet."""
    state = rollup_state()
    dirty = dirty_days(state)
    if dirty is None:
        span = Call.objects.aggregate(first=Min("received_at"), last=Max("received_at"))
        if span["first"] is None:
            return None
        return timezone.localdate(span["first"]), timezone.localdate(span["last"])
    rolled = CallRollup.objects.filter(grain="d").aggregate(first=Min("day"), last=Max("day"))
    days = [as_date(d) for d in (rolled["first"], rolled["last"]) if d is not None]
    days += dirty
    return (min(days), max(days)) if days else None


def period_of_calls(*, days: int) -> Period:
    """At most `days` days, ending on the day of the last stored call (never after today)
    and starting no earlier than the day of the first: a console with a month of history is
    modelled over that month, an imported year over that year, not over a period mostly
    empty. Without calls, the last `days` days."""
    span = calls_span()
    if span is None:
        return period_default(days=days)
    first, last = span
    end = min(last, today())
    return Period(start=min(end, max(first, end - timedelta(days=days - 1))), end=end)


def _date(raw: str, name: str, errors: dict[str, str]) -> date | None:
    try:
        return date.fromisoformat(raw)
    except ValueError:
        errors[name] = f"{name}: {raw!r} is not a date (YYYY-MM-DD)"
        return None


def period_parse(
    params: Mapping[str, str], *, default_days: int = 30, default: Period | None = None
) -> tuple[Period, dict[str, str]]:
    """The period asked for in `params` ("from", "to", "source"), and the errors by field.

    Missing dates default to `default`, else to the last `default_days` days ending today; a
    "to" without a "from" starts `default_days` days before it. With errors, the default
    period comes back beside them, for the form to show."""
    errors: dict[str, str] = {}
    fallback = default or period_default(days=default_days)
    raw_from = (params.get("from") or "").strip()
    raw_to = (params.get("to") or "").strip()
    source = (params.get("source") or "").strip()
    end = _date(raw_to, "to", errors) if raw_to else fallback.end
    if raw_from:
        start = _date(raw_from, "from", errors)
    elif not raw_to:
        start = fallback.start
    else:
        start = end - timedelta(days=default_days - 1) if end else None
    if len(source) > 40:
        errors["source"] = "source: at most 40 characters"
    if start and end and not errors:
        if start > end:
            errors["to"] = f"to: {end} is before from ({start})"
        elif (end - start).days + 1 > MAX_PERIOD_DAYS:
            errors["from"] = f"from: the period is at most {MAX_PERIOD_DAYS} days"
    if errors or start is None or end is None:
        return fallback, errors
    return Period(start=start, end=end, source=source), {}


def as_date(value: Any) -> date:
    return value if isinstance(value, date) else date.fromisoformat(str(value))
