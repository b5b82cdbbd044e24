"""Reads of safety plans, and who may read and write them (docs/ccd.md).

A person's safety plan is read by the CCD clinicians (any person: whoever calls the phone line
may need it), the team of a unit on an open call about the person, the navigator of the
person's open case, and supervisors. CCD clinicians, the person's navigator and supervisors
write new versions. Someone with none of those roles is refused (403); someone with one of
them who may not read this person's plan gets 404, as if there were none, so the refusal
tells nothing. Every read of a plan's text is written to the audit log, and so is every
refusal about a person who exists.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import Max
from django.http import Http404, HttpRequest

from access.audit import audit_record
from access.models import AuditEntry
from care_navigation.models import SAFETY_PLAN_SECTION_CODES, Case, SafetyPlan
from dispatch.models import Assignment
from people.models import Person

# The roles that may meet a safety plan at all; anyone else is refused outright.
PLAN_PERMISSIONS = (
    "care_navigation.view_all_cases",  # supervisors
    "dispatch.work_ccd_queue",  # CCD clinicians
    "care_navigation.work_caseload",  # navigators
    "dispatch.respond_call",  # responders
)


@dataclass(frozen=True)
class PlanAccess:
    read: bool = False
    write: bool = False
    # Why, for the audit log: supervisor, ccd, navigator or responder.
    reader: str = ""


NO_ACCESS = PlanAccess()


def _may_meet_plans(user: Any) -> bool:
    return bool(user.is_authenticated and any(user.has_perm(p) for p in PLAN_PERMISSIONS))


def _navigates(user: Any, person_id: int) -> bool:
    return Case.objects.filter(
        person_id=person_id, navigator=user, status=Case.Status.OPEN
    ).exists()


def _responds_to(user: Any, person_id: int) -> bool:
    """The user rides with a unit that is on an open call about the person now."""
    return Assignment.objects.filter(
        unit__members=user, cleared_at__isnull=True, call__person_id=person_id
    ).exists()


def safety_plan_access(*, user: Any, person_id: int) -> PlanAccess:
    """What `user` may do with the safety plan of person `person_id`."""
    if not user.is_authenticated:
        return NO_ACCESS
    if user.has_perm("care_navigation.view_all_cases"):
        return PlanAccess(read=True, write=True, reader="supervisor")
    if user.has_perm("dispatch.work_ccd_queue"):
        return PlanAccess(read=True, write=True, reader="ccd")
    if user.has_perm("care_navigation.work_caseload") and _navigates(user, person_id):
        return PlanAccess(read=True, write=True, reader="navigator")
    if user.has_perm("dispatch.respond_call") and _responds_to(user, person_id):
        return PlanAccess(read=True, reader="responder")
    return NO_ACCESS


def _refuse(user: Any, person_id: int, *, purpose: str, request: HttpRequest | None) -> None:
    if Person.objects.filter(pk=person_id).exists():
        audit_record(
            action=f"safety_plan.{purpose}",
            user=user,
            object_type=Person._meta.label_lower,
            object_id=person_id,
            outcome=AuditEntry.Outcome.DENIED,
            request=request,
        )


def safety_plan_access_for(
    *, user: Any, person_id: int, request: HttpRequest | None = None, purpose: str = "read"
) -> PlanAccess:
    """The user's access to the person's plan for `purpose` (read or write), or the refusal:
    PermissionDenied without any role that meets plans, or to write a plan one may only read
    (the team on the call); Http404 for a person whose plan is not theirs to read (or who
    does not exist). Refusals are audited."""
    if not _may_meet_plans(user):
        _refuse(user, person_id, purpose=purpose, request=request)
        raise PermissionDenied("safety plans are for CCD, the team on the call, navigators")
    access = safety_plan_access(user=user, person_id=person_id)
    if not access.read or not Person.objects.filter(pk=person_id).exists():
        _refuse(user, person_id, purpose=purpose, request=request)
        raise Http404("no safety plan you may read for this person")
    if purpose == "write" and not access.write:
        _refuse(user, person_id, purpose=purpose, request=request)
        raise PermissionDenied("the team on a call reads the safety plan; CCD and navigators write")
    return access


@dataclass(frozen=True)
class PlanSummary:
    """That a plan exists and how recent it is: what pages show before anyone opens it."""

    person_id: int
    version: int
    created_at: datetime


def safety_plan_summaries(*, user: Any, person_ids: list[int]) -> dict[int, PlanSummary]:
    """{person id: the current version's summary} for those of the people who have a plan
    that `user` may read. Two queries, and one more per person for non-supervisor,
    non-CCD readers (a responder or navigator sees one or two people on a page)."""
    if not person_ids or not _may_meet_plans(user):
        return {}
    latest = (
        SafetyPlan.objects.filter(person_id__in=person_ids)
        .values("person_id")
        .annotate(version=Max("version"))
    )
    found = {row["person_id"]: row["version"] for row in latest}
    if not found:
        return {}
    readable = [pk for pk in found if safety_plan_access(user=user, person_id=pk).read]
    rows = SafetyPlan.objects.filter(
        person_id__in=readable, version__in={found[pk] for pk in readable}
    ).values_list("person_id", "version", "created_at")
    return {
        person_id: PlanSummary(person_id, version, created_at)
        for person_id, version, created_at in rows
        if found[person_id] == version
    }


@dataclass
class PlanPage:
    person: Person
    plan: SafetyPlan | None  # the version shown: the current one unless asked otherwise
    current_version: int | None
    versions: list[SafetyPlan]  # every version, newest first, without their text
    access: PlanAccess


def safety_plan_read(
    *,
    user: Any,
    person_id: int,
    version: int | None = None,
    request: HttpRequest | None = None,
) -> PlanPage:
    """The person's plan (version `version`, default the current one) and its history, for a
    user allowed by safety_plan_access_for; the read of a plan's text is audited with the
    version and why the user may read it. Http404 for a version that does not exist."""
    access = safety_plan_access_for(user=user, person_id=person_id, request=request)
    person = Person.objects.get(pk=person_id)
    versions = list(
        SafetyPlan.objects.filter(person_id=person_id)
        .select_related("created_by")
        .defer(*SAFETY_PLAN_SECTION_CODES)
        .order_by("-version")
    )
    current = versions[0].version if versions else None
    wanted = version if version is not None else current
    plan = None
    if wanted is not None:
        plan = (
            SafetyPlan.objects.select_related("created_by", "call")
            .filter(person_id=person_id, version=wanted)
            .first()
        )
        if plan is None:
            raise Http404(f"this person's safety plan has no version {wanted}")
        audit_record(
            action="safety_plan.read",
            user=user,
            obj=plan,
            request=request,
            detail={
                "person": person_id,
                "version": plan.version,
                "current": plan.version == current,
                "as": access.reader,
            },
        )
    return PlanPage(
        person=person, plan=plan, current_version=current, versions=versions, access=access
    )
