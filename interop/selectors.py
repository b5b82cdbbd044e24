"""Reads of interop: a call's EIDO, the partner a user submits for, the delivery log."""

from __future__ import annotations

from typing import Any

from django.db.models import Count, QuerySet

from dispatch.models import Call
from interop.eido_out import eido_build
from interop.models import Agency, PartnerDelivery
from triage.eido_labels import EIDO_SOURCE
from triage.selectors import source_label_for_call_type


def call_eido(call: Call) -> dict[str, Any]:
    """The EIDO of ``call`` as it stands (a fixed number of queries)."""
    assignments = list(call.assignments.select_related("unit").order_by("dispatched_at", "id"))
    label = source_label_for_call_type(EIDO_SOURCE, call.call_type_id) or call.call_type_id
    return eido_build(call, assignments=assignments, type_label=label)


def call_for_eido(call_id: int) -> Call | None:
    return (
        Call.objects.select_related("created_by", "eido_transfer__agency")
        .filter(pk=call_id)
        .first()
    )


def agency_of(user: Any) -> Agency | None:
    """The active partner agency the user submits for (the first, by name)."""
    if user is None or not user.is_authenticated:
        return None
    return Agency.objects.filter(users=user, active=True).order_by("name").first()


def deliveries_list(*, status: str = "") -> QuerySet[PartnerDelivery]:
    rows = PartnerDelivery.objects.select_related("endpoint__agency").order_by("-created_at", "-id")
    if status:
        rows = rows.filter(status=status)
    return rows


def deliveries_counts() -> dict[str, int]:
    counts = dict.fromkeys(PartnerDelivery.Status.values, 0)
    for row in PartnerDelivery.objects.values("status").annotate(n=Count("id")):
        counts[row["status"]] = row["n"]
    return counts
