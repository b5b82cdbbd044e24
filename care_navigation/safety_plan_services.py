"""Writes of safety plans (docs/ccd.md): each new version in one transaction with its audit
entry. Who may write is the caller's check (care_navigation.safety_plan_selectors
.safety_plan_access_for), as for the case services.

The plan's text never goes into the audit log: the entry says who wrote which version of
whose plan, on which call.
"""

from __future__ import annotations

from dataclasses import dataclass, fields
from datetime import date, datetime, timedelta
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone

from access.audit import audit_record
from care_navigation.models import (
    SAFETY_PLAN_SECTION_CODES,
    SAFETY_PLAN_SECTION_MAX_CHARS,
    SafetyPlan,
)
from dispatch.models import Call
from dispatch.services import calls_person_set
from people.models import Person

# A plan written on a phone whose clock runs a little ahead of the server's is fine.
CLOCK_SKEW = timedelta(minutes=5)


@dataclass(frozen=True)
class PlanSections:
    """The five sections of a safety plan (models.SAFETY_PLAN_SECTIONS), as text."""

    warning_signs: str = ""
    coping_steps: str = ""
    people_and_places: str = ""
    professionals: str = ""
    means_safety: str = ""

    def cleaned(self) -> dict[str, str]:
        return {f.name: getattr(self, f.name).strip() for f in fields(self)}


@dataclass(frozen=True)
class NewPerson:
    """Who a plan written on a call about no known person is for."""

    name: str
    date_of_birth: date | None = None
    phone: str = ""


def _check_sections(sections: PlanSections) -> dict[str, str]:
    text = sections.cleaned()
    too_long = {
        code: [f"at most {SAFETY_PLAN_SECTION_MAX_CHARS:,} characters"]
        for code in SAFETY_PLAN_SECTION_CODES
        if len(text[code]) > SAFETY_PLAN_SECTION_MAX_CHARS
    }
    if too_long:
        raise ValidationError(too_long)
    if not any(text.values()):
        raise ValidationError(
            {"warning_signs": ["write at least one section of the plan (warning signs first)"]}
        )
    return text


def _plan_person(
    *,
    person: Person | None,
    call: Call | None,
    new_person: NewPerson | None,
    by: Any,
    request: HttpRequest | None,
) -> Person:
    """The person the plan is for: `person`, else the call's, else a new Person made from
    `new_person`, who becomes the call's person."""
    if call is not None and call.person_id is not None:
        if person is not None and person.pk != call.person_id:
            raise ValidationError({"person": [f"call {call.pk} is about someone else"]})
        return Person.objects.get(pk=call.person_id)
    if person is None:
        if new_person is None or not new_person.name.strip():
            raise ValidationError({"person_name": ["name the person the plan is for"]})
        person = Person.objects.create(
            name=new_person.name.strip()[:200],
            date_of_birth=new_person.date_of_birth,
            phone=new_person.phone.strip()[:40],
        )
        audit_record(
            action="person.create",
            user=by,
            obj=person,
            request=request,
            detail={"for": "safety_plan", "call": call.pk if call is not None else None},
        )
    if call is not None:
        calls_person_set(call_ids=[call.pk], person_id=person.pk, by=by, request=request)
        call.person_id = person.pk
    return person


def safety_plan_create(
    *,
    by: Any,
    sections: PlanSections,
    person: Person | None = None,
    call: Call | None = None,
    new_person: NewPerson | None = None,
    based_on: int | None = None,
    at: datetime | None = None,
    request: HttpRequest | None = None,
) -> SafetyPlan:
    """Write a new version of a person's safety plan; it supersedes the current one, which is
    kept. The person is `person`, else `call`'s, else a new Person from `new_person` (linked
    to the call). `call` is the call the plan was made on, if any.

    `based_on` is the version the writer started from (None: a first plan): when someone
    else saved a newer one meanwhile, nothing is saved and the error names it, so that no
    one's plan is silently replaced. At least one section must be written. `at` is when it
    was written, for work recorded after the fact (default now). Raises ValidationError by
    field."""
    text = _check_sections(sections)
    now = timezone.now()
    when = now if at is None else at
    if when > now + CLOCK_SKEW:
        raise ValidationError({"at": ["cannot be in the future"]})
    with transaction.atomic():
        target = _plan_person(
            person=person, call=call, new_person=new_person, by=by, request=request
        )
        # The person's row is the lock: two writers of one person's plan take turns.
        Person.objects.select_for_update().filter(pk=target.pk).first()
        latest = SafetyPlan.objects.filter(person=target).order_by("-version").first()
        current = latest.version if latest is not None else None
        if current != based_on:
            if current is None:
                problem = "this person has no safety plan yet: write the first version"
            else:
                problem = (
                    f"version {current} was saved meanwhile: read it, then write yours on it "
                    "(your text is kept below)"
                )
            raise ValidationError({"based_on": [problem]})
        if latest is not None and when < latest.created_at:
            raise ValidationError({"at": [f"cannot be before version {current} was written"]})
        plan = SafetyPlan.objects.create(
            person=target,
            version=(current or 0) + 1,
            call=call,
            created_at=when,
            created_by=by,
            **text,
        )
        audit_record(
            action="safety_plan.create",
            user=by,
            obj=plan,
            request=request,
            detail={
                "person": target.pk,
                "version": plan.version,
                "call": call.pk if call is not None else None,
                "sections": [code for code in SAFETY_PLAN_SECTION_CODES if text[code]],
            },
        )
    return plan
