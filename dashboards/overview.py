"""Reads for the overview page."""

from __future__ import annotations

from django.db.models import Count

from dispatch.models import Call, Unit


def overview_counts() -> dict[str, dict[str, int]]:
    calls = dict(
        Call.objects.exclude(status__in=[Call.Status.CLOSED, Call.Status.LINKED])
        .values_list("status")
        .annotate(n=Count("id"))
        .values_list("status", "n")
    )
    units = dict(
        Unit.objects.values_list("status").annotate(n=Count("id")).values_list("status", "n")
    )
    return {"calls": calls, "units": units}
