"""The safety-plan API under /api/v1/ (docs/ccd.md, docs/api.md): a person's plan and its
versions, a call's plan, and new versions. The same rules as the pages: 403 without a role
that meets plans, 404 for a plan that is not the user's to read or write, every read of a
plan's text audited."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError
from django.http import Http404
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import serializers
from rest_framework import status as http
from rest_framework.decorators import api_view
from rest_framework.exceptions import NotFound, PermissionDenied
from rest_framework.request import Request
from rest_framework.response import Response

from care_navigation.models import (
    SAFETY_PLAN_SECTION_CODES,
    SAFETY_PLAN_SECTION_MAX_CHARS,
    SafetyPlan,
)
from care_navigation.safety_plan_selectors import (
    PlanPage,
    safety_plan_access_for,
    safety_plan_read,
)
from care_navigation.safety_plan_services import NewPerson, PlanSections, safety_plan_create
from care_navigation.selectors import navigator_name
from care_navigation.serializers import PersonRefSerializer, UserRefSerializer
from dispatch.models import Call
from people.models import Person
from web.http import MAX_ID
from web.serializers import StrictSerializer

ERRORS = OpenApiResponse(description="Field errors: {field: [messages]}")
DENIED = OpenApiResponse(description="No role that meets safety plans")
HIDDEN = OpenApiResponse(
    description="No such person or call, or a plan that is not yours to read (the same answer)"
)
VERSION = OpenApiParameter(
    "version", int, description="A version of the plan (default: the one in force)"
)


def _section_field() -> serializers.CharField:
    return serializers.CharField(
        max_length=SAFETY_PLAN_SECTION_MAX_CHARS, required=False, allow_blank=True, default=""
    )


class PlanVersionSerializer(serializers.Serializer):
    version = serializers.IntegerField()
    created_at = serializers.DateTimeField()
    created_by = UserRefSerializer()
    call = serializers.IntegerField(allow_null=True)


class PlanSerializer(PlanVersionSerializer):
    current = serializers.BooleanField()
    warning_signs = serializers.CharField()
    coping_steps = serializers.CharField()
    people_and_places = serializers.CharField()
    professionals = serializers.CharField()
    means_safety = serializers.CharField()


class PlanPageSerializer(serializers.Serializer):
    person = PersonRefSerializer(allow_null=True)
    current_version = serializers.IntegerField(allow_null=True)
    plan = PlanSerializer(allow_null=True)
    versions = PlanVersionSerializer(many=True)


class PlanWriteSerializer(StrictSerializer):
    warning_signs = _section_field()
    coping_steps = _section_field()
    people_and_places = _section_field()
    professionals = _section_field()
    means_safety = _section_field()
    based_on_version = serializers.IntegerField(
        required=False,
        allow_null=True,
        min_value=1,
        max_value=MAX_ID,
        help_text="The version this one was written on (leave out for a first plan). When "
        "someone saved a newer one meanwhile, nothing is saved (400 on based_on).",
    )


class PersonPlanWriteSerializer(PlanWriteSerializer):
    call = serializers.IntegerField(
        required=False,
        allow_null=True,
        min_value=1,
        max_value=MAX_ID,
        help_text="The call the plan was made on, if any.",
    )


class NewPersonSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=200)
    date_of_birth = serializers.DateField(required=False, allow_null=True)
    phone = serializers.CharField(max_length=40, required=False, allow_blank=True, default="")


class CallPlanWriteSerializer(PlanWriteSerializer):
    person = NewPersonSerializer(
        required=False,
        allow_null=True,
        help_text="Who the plan is for, when the call is about no known person (a new person, "
        "linked to the call). Ignored when the call has a person.",
    )


def _ref(user: Any) -> dict[str, Any]:
    return {"id": user.pk, "username": user.get_username(), "name": navigator_name(user)}


def _version(plan: SafetyPlan) -> dict[str, Any]:
    return {
        "version": plan.version,
        "created_at": plan.created_at,
        "created_by": _ref(plan.created_by),
        "call": plan.call_id,
    }


def _plan(plan: SafetyPlan, current: int | None) -> dict[str, Any]:
    body = {**_version(plan), "current": plan.version == current}
    body.update({code: getattr(plan, code) for code in SAFETY_PLAN_SECTION_CODES})
    return body


def _page(page: PlanPage) -> dict[str, Any]:
    return {
        "person": {"id": page.person.pk, "name": page.person.name},
        "current_version": page.current_version,
        "plan": _plan(page.plan, page.current_version) if page.plan is not None else None,
        "versions": [_version(v) for v in page.versions],
    }


def _guarded(action: Any) -> Response:
    """Run `action`, turning the selectors' refusals into DRF's answers."""
    try:
        result: Response = action()
    except DjangoPermissionDenied as exc:
        raise PermissionDenied(str(exc)) from None
    except Http404 as exc:
        raise NotFound(str(exc)) from None
    return result


def _bad(exc: ValidationError) -> Response:
    detail = exc.message_dict if hasattr(exc, "error_dict") else {"detail": exc.messages}
    return Response(detail, status=http.HTTP_400_BAD_REQUEST)


def _version_param(request: Request) -> int | None:
    raw = request.query_params.get("version")
    if raw in (None, ""):
        return None
    try:
        value = int(raw)
    except ValueError:
        value = 0
    if not 1 <= value <= MAX_ID:
        raise serializers.ValidationError({"version": ["a whole number from 1"]})
    return value


def _sections(data: dict[str, Any]) -> PlanSections:
    return PlanSections(**{code: data[code] for code in SAFETY_PLAN_SECTION_CODES})


def _read(request: Request, person_id: int) -> Response:
    page = safety_plan_read(
        user=request.user,
        person_id=person_id,
        version=_version_param(request),
        request=request._request,
    )
    return Response(_page(page))


def _write(
    request: Request,
    *,
    data: dict[str, Any],
    person: Person | None,
    call: Call | None,
    new_person: NewPerson | None,
) -> Response:
    try:
        plan = safety_plan_create(
            by=request.user,
            person=person,
            call=call,
            new_person=new_person,
            sections=_sections(data),
            based_on=data.get("based_on_version"),
            request=request._request,
        )
    except ValidationError as exc:
        return _bad(exc)
    page = safety_plan_read(user=request.user, person_id=plan.person_id, request=request._request)
    return Response(_page(page), status=http.HTTP_201_CREATED)


@extend_schema(
    methods=["GET"],
    parameters=[VERSION],
    responses={200: PlanPageSerializer, 403: DENIED, 404: HIDDEN},
    summary="A person's safety plan (the version in force, or ?version=N) and its versions",
)
@extend_schema(
    methods=["POST"],
    request=PersonPlanWriteSerializer,
    responses={201: PlanPageSerializer, 400: ERRORS, 403: DENIED, 404: HIDDEN},
    summary="Write a new version of a person's safety plan (it supersedes the current one)",
)
@api_view(["GET", "POST"])
def person_safety_plan(request: Request, person_id: int) -> Response:
    if request.method == "GET":
        return _guarded(lambda: _read(request, person_id))

    def write() -> Response:
        safety_plan_access_for(
            user=request.user, person_id=person_id, request=request._request, purpose="write"
        )
        serializer = PersonPlanWriteSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        call = None
        if data.get("call"):
            call = Call.objects.filter(pk=data["call"]).first()
            if call is None:
                return Response(
                    {"call": [f"call {data['call']} does not exist"]},
                    status=http.HTTP_400_BAD_REQUEST,
                )
        person = Person.objects.get(pk=person_id)
        return _write(request, data=data, person=person, call=call, new_person=None)

    return _guarded(write)


def _may_write_for_anyone(user: Any) -> bool:
    return bool(
        user.has_perm("dispatch.work_ccd_queue") or user.has_perm("care_navigation.view_all_cases")
    )


@extend_schema(
    methods=["GET"],
    parameters=[VERSION],
    responses={200: PlanPageSerializer, 403: DENIED, 404: HIDDEN},
    summary="The safety plan of a call's person (person and plan are null for a call about "
    "no known person, for CCD and supervisors)",
)
@extend_schema(
    methods=["POST"],
    request=CallPlanWriteSerializer,
    responses={201: PlanPageSerializer, 400: ERRORS, 403: DENIED, 404: HIDDEN},
    summary="Write a new version of the safety plan of a call's person (for a call about no "
    "known person, `person` names who it is for)",
)
@api_view(["GET", "POST"])
def call_safety_plan(request: Request, call_id: int) -> Response:
    def act() -> Response:
        call = Call.objects.filter(pk=call_id).first()
        if call is not None and call.person_id is not None:
            if request.method == "GET":
                return _read(request, call.person_id)
            safety_plan_access_for(
                user=request.user,
                person_id=call.person_id,
                request=request._request,
                purpose="write",
            )
        elif not _may_write_for_anyone(request.user) or call is None:
            # Nobody to read a plan of: 403 without a role that meets plans, else 404.
            safety_plan_access_for(user=request.user, person_id=0, request=request._request)
            raise NotFound("no safety plan you may read for this call")
        elif request.method == "GET":
            return Response({"person": None, "current_version": None, "plan": None, "versions": []})
        serializer = CallPlanWriteSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        given = data.get("person")
        if call.person_id is None and not given:
            return Response(
                {"person": ["name the person the plan is for (the call is about no one known)"]},
                status=http.HTTP_400_BAD_REQUEST,
            )
        new_person = (
            NewPerson(
                name=given["name"],
                date_of_birth=given.get("date_of_birth"),
                phone=given.get("phone", ""),
            )
            if given
            else None
        )
        return _write(request, data=data, person=None, call=call, new_person=new_person)

    return _guarded(act)
