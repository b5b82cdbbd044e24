"""Which person a call is about: the writes other apps ask for (care navigation links the calls
of the person it opens a case for, and moves them when it merges two records of one person)."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpRequest

from access.audit import audit_record
from dispatch.models import Call
from people.models import Person


def _require_person(person_id: int, field: str) -> None:
    if not Person.objects.filter(pk=person_id).exists():
        raise ValidationError({field: [f"person {person_id} does not exist"]})


def calls_person_set(
    *, call_ids: list[int], person_id: int, by: Any, request: HttpRequest | None = None
) -> list[int]:
    """Link those of `call_ids` that are about no one yet to person `person_id`; a call already
    linked to someone keeps its person. One audit entry per call linked; returns their ids."""
    _require_person(person_id, "person")
    with transaction.atomic():
        linked = list(
            Call.objects.select_for_update()
            .filter(pk__in=call_ids, person__isnull=True)
            .order_by("pk")
            .values_list("pk", flat=True)
        )
        Call.objects.filter(pk__in=linked).update(person_id=person_id)
        for call_id in linked:
            audit_record(
                action="call.person_set",
                user=by,
                object_type=Call._meta.label_lower,
                object_id=call_id,
                request=request,
                detail={"person": person_id},
            )
    return linked


def calls_person_move(
    *, from_person_id: int, to_person_id: int, by: Any, request: HttpRequest | None = None
) -> list[int]:
    """Move every call about person `from_person_id` to person `to_person_id` (two records of
    one person, merged). One audit entry per call moved; returns their ids."""
    _require_person(to_person_id, "to_person")
    with transaction.atomic():
        moved = list(
            Call.objects.select_for_update()
            .filter(person_id=from_person_id)
            .order_by("pk")
            .values_list("pk", flat=True)
        )
        Call.objects.filter(pk__in=moved).update(person_id=to_person_id)
        for call_id in moved:
            audit_record(
                action="call.person_move",
                user=by,
                object_type=Call._meta.label_lower,
                object_id=call_id,
                request=request,
                detail={"from_person": from_person_id, "to_person": to_person_id},
            )
    return moved
