"""Reads of the audit log."""

from __future__ import annotations

from datetime import datetime

from django.conf import settings
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime

from access.models import AuditEntry


def _parse_instant(value: str) -> datetime | None:
    try:
        parsed = parse_datetime(value)
        day = parse_date(value) if parsed is None else None
    except ValueError:  # well formed but not a date: 2026-02-30, 2026-03-10T25:00
        return None
    if parsed is None:
        if day is None:
            return None
        parsed = datetime(day.year, day.month, day.day)  # noqa: DTZ001 - made aware below
    if timezone.is_naive(parsed):
        parsed = timezone.make_aware(parsed)
    return parsed


def audit_search(
    *,
    user: str = "",
    action: str = "",
    object_type: str = "",
    object_id: str = "",
    outcome: str = "",
    since: str = "",
    until: str = "",
) -> tuple[QuerySet[AuditEntry], dict[str, str]]:
    """Filter the audit log; bad filter values come back as errors by field, never as a 500."""
    errors: dict[str, str] = {}
    entries = AuditEntry.objects.all().order_by("-at", "-id")
    texts = {"user": user, "action": action, "object_type": object_type, "object_id": object_id}
    for field, value in texts.items():
        if "\x00" in value:  # PostgreSQL refuses NUL in a query parameter
            errors[field] = "contains a NUL character"
    user, action, object_type, object_id = (
        "" if name in errors else value for name, value in texts.items()
    )
    if user:
        entries = entries.filter(username__icontains=user)
    if action:
        entries = entries.filter(action__icontains=action)
    if object_type:
        entries = entries.filter(object_type__icontains=object_type)
    if object_id:
        entries = entries.filter(object_id=object_id)
    if outcome:
        if outcome not in AuditEntry.Outcome.values:
            errors["outcome"] = f"must be one of {', '.join(AuditEntry.Outcome.values)}"
        else:
            entries = entries.filter(outcome=outcome)
    for field, value, lookup in (("since", since, "at__gte"), ("until", until, "at__lt")):
        if value:
            instant = _parse_instant(value)
            if instant is None:
                errors[field] = f"{value!r} is not a date (YYYY-MM-DD) or date-time"
            else:
                entries = entries.filter(**{lookup: instant})
    return entries, errors


def lockout_alert_current() -> AuditEntry | None:
    """The latest alert that many accounts locked at once (access/login_throttle.py), while
    the lockout window it speaks of lasts."""
    since = timezone.now() - settings.AXES_COOLOFF_TIME
    return (
        AuditEntry.objects.filter(action="login.lockout_alert", at__gte=since)
        .order_by("-at", "-id")
        .first()
    )
