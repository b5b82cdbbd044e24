"""The person of a case: made from a referral's details, confirmed as new, or merged with a
suggested match."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone

from access.audit import audit_record
from care_navigation.models import (
    Case,
    CaseNeed,
    CaseNote,
    ClearingReferral,
    ContactAttempt,
    Referral,
)
from care_navigation.services.common import _add_needs, _locked, _require_open
from care_navigation.services.contacts import _contact_columns, _notify_unreachable
from dispatch.models import Call
from dispatch.services import calls_person_move, calls_person_set
from people.models import Person


def _person_for_referral(
    *,
    call: Call,
    person_name: str,
    date_of_birth: date | None,
    phone: str,
    by: Any,
    request: HttpRequest | None,
) -> tuple[Person, bool]:
    """The call's person, else a new Person; True when the new one may duplicate someone."""
    from care_navigation.selectors import person_match_candidates

    if call.person_id is not None:
        return Person.objects.get(pk=call.person_id), False
    person = Person.objects.create(
        name=person_name.strip() or f"Unnamed person (call {call.pk})",
        date_of_birth=date_of_birth,
        phone=phone.strip(),
    )
    # Link the call to the person it was about, so both show on the person's timeline.
    calls_person_set(call_ids=[call.pk], person_id=person.pk, by=by, request=request)
    call.person_id = person.pk
    return person, bool(person_match_candidates(person=person))


def case_person_keep(*, case: Case, by: Any, request: HttpRequest | None = None) -> Case:
    """The navigator confirms the case's person is someone new: the suggestions go away."""
    with transaction.atomic():
        updated = Case.objects.filter(pk=case.pk, person_needs_review=True).update(
            person_needs_review=False
        )
        if updated:
            audit_record(
                action="person.confirmed_new",
                user=by,
                obj=case.person,
                request=request,
                detail={"case": case.pk},
            )
    case.refresh_from_db()
    return case


def case_person_merge(
    *, case: Case, by: Any, person: Person, request: HttpRequest | None = None
) -> Case:
    """The navigator confirms that the case's provisional person is `person`, a suggested match.

    This is the one place people are merged, always by a navigator's choice among the
    suggestions. The provisional person's calls and cases move to `person`, which gains the
    provisional name as an alias and any missing date of birth or phone; the provisional
    record is deleted. If `person` already has an open case, this case is folded into it
    (needs, contacts, referrals and notes move) and that case is returned.
    """
    from care_navigation.selectors import person_match_candidates

    with transaction.atomic():
        case = _locked(case)
        _require_open(case)
        if not case.person_needs_review:
            raise ValidationError({"person": ["this case's person is already confirmed"]})
        provisional = Person.objects.select_for_update().get(pk=case.person_id)
        candidates = {m.person.pk for m in person_match_candidates(person=provisional)}
        if person.pk not in candidates:
            raise ValidationError({"person": [f"{person} is not a suggested match"]})
        target = (
            Case.objects.select_for_update()
            .filter(person=person, status=Case.Status.OPEN)
            .exclude(pk=case.pk)
            .first()
        )
        if provisional.name != person.name:
            person.aliases = sorted({*person.aliases, provisional.name})
        person.date_of_birth = person.date_of_birth or provisional.date_of_birth
        person.phone = person.phone or provisional.phone
        person.save(update_fields=["aliases", "date_of_birth", "phone"])
        calls_person_move(
            from_person_id=provisional.pk, to_person_id=person.pk, by=by, request=request
        )
        detail: dict[str, Any] = {"merged_person": provisional.pk, "into_person": person.pk}
        if target is None:
            result = case
            Case.objects.filter(pk=case.pk).update(person_needs_review=False)
        else:
            _case_fold(case, into=target, by=by)
            detail["folded_case"] = case.pk
            result = target
        # Only closed cases can remain on the provisional person now: move them too.
        Case.objects.filter(person=provisional).update(person=person)
        provisional.delete()
        audit_record(action="person.merge", user=by, obj=person, request=request, detail=detail)
        audit_record(
            action="case.person_confirmed", user=by, obj=result, request=request, detail=detail
        )
    result.refresh_from_db()
    return result


def _case_fold(case: Case, *, into: Case, by: Any) -> None:
    """Move everything recorded on `case` onto `into`, then delete `case`."""
    now = timezone.now()
    details = dict(case.needs.values_list("need", "detail"))
    _add_needs(into, list(details), by=by, now=now)
    for need, text in details.items():
        if text:
            CaseNeed.objects.filter(case=into, need=need, detail="").update(detail=text)
    ContactAttempt.objects.filter(case=case).update(case=into)
    Referral.objects.filter(case=case).update(case=into)
    CaseNote.objects.filter(case=case).update(case=into)
    ClearingReferral.objects.filter(case=case).update(case=into)
    fields = _contact_columns(into)
    if case.declined_at and not into.declined_at:
        into.declined_at = case.declined_at
        fields.append("declined_at")
    if into.connected_at is None:
        into.connected_at = (
            into.referrals.filter(
                connected_at__isnull=False,
                connected_at__gte=into.opened_at,
                connected_at__lte=into.closes_at,
            )
            .order_by("connected_at")
            .values_list("connected_at", flat=True)
            .first()
        )
        fields.append("connected_at")
    fields += _notify_unreachable(into, now)
    into.save(update_fields=fields)
    case.delete()
