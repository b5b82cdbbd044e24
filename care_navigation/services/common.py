"""Helpers the care-navigation services share: the acting user, needs, the open case
locked for a change, the time of something recorded after the fact."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from django.core.exceptions import ValidationError
from django.utils import timezone

from care_navigation.models import Case, CaseNeed

# A contact logged a little ahead of the server clock (a phone's clock) is fine; a day is not.
CLOCK_SKEW = timedelta(minutes=5)


def _actor(by: Any) -> Any:
    return by if by is not None and getattr(by, "is_authenticated", False) else None


def _add_needs(case: Case, needs: list[str], *, by: Any, now: datetime) -> list[str]:
    existing = set(case.needs.values_list("need", flat=True))
    added = [n for n in needs if n not in existing]
    CaseNeed.objects.bulk_create(
        [CaseNeed(case=case, need=n, created_at=now, created_by=_actor(by)) for n in added],
        ignore_conflicts=True,
    )
    return added


def _require_open(case: Case) -> None:
    if case.status != Case.Status.OPEN:
        raise ValidationError({"case": [f"case {case.pk} is closed ({case.outcome})"]})


def _locked(case: Case) -> Case:
    return Case.objects.select_for_update().get(pk=case.pk)


def _instant(at: datetime | None, *, case: Case, now: datetime, field: str = "at") -> datetime:
    if at is None:
        return now
    if timezone.is_naive(at):
        at = timezone.make_aware(at)
    if at > now + CLOCK_SKEW:
        raise ValidationError({field: ["cannot be in the future"]})
    if at < case.opened_at:
        raise ValidationError({field: ["cannot be before the case was opened"]})
    return at
