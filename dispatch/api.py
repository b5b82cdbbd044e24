"""The dispatch API under /api/v1/: calls, units, the board. Views validate and call services.

The field actions (status, backup, clearing, reassignment) are in field_api.py."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import serializers
from rest_framework import status as http
from rest_framework.decorators import api_view, permission_classes, throttle_classes
from rest_framework.exceptions import PermissionDenied
from rest_framework.generics import get_object_or_404
from rest_framework.request import Request
from rest_framework.response import Response

from access.api_permissions import perms_any, perms_by_method
from access.api_throttles import THROTTLED, CreateThrottle
from dispatch import selectors
from dispatch.api_responses import idempotency_key, refused
from dispatch.models import Call, Unit
from dispatch.roster_selectors import unit_makeups
from dispatch.serializers import (
    AssignSerializer,
    BoardSerializer,
    CallCreateSerializer,
    CallDetailSerializer,
    CallSerializer,
    TriageOutputSerializer,
    UnitPositionResultSerializer,
    UnitPositionSerializer,
    UnitSerializer,
)
from dispatch.services import (
    CallInput,
    IdempotencyConflict,
    UnitUnavailable,
    call_create,
    unit_assign,
    unit_position_report,
)
from people.models import Person
from triage.selectors import call_type_resolve
from web.errors import error_response
from web.pagination import PAGE_PARAMETERS, Pagination, paginated

READ_CALLS = ("dispatch.view_call", "dispatch.dispatch_call", "dispatch.log_call")
CAN_READ = perms_any(*READ_CALLS)
CAN_DISPATCH = perms_any("dispatch.dispatch_call")
CAN_MOVE_UNITS = perms_any("dispatch.dispatch_call", "dispatch.respond_call")
# Any unit's position: dispatchers and supervisors, and a vehicle AVL feed's account.
ANY_UNIT_POSITION = ("dispatch.dispatch_call", "dispatch.report_unit_position")
CAN_REPORT_POSITION = perms_any(*ANY_UNIT_POSITION, "dispatch.respond_call")


class CallCreatedSerializer(TriageOutputSerializer):
    id = serializers.IntegerField()
    status = serializers.CharField()


def _created_body(call: Call) -> dict[str, Any]:
    return {
        "id": call.pk,
        "status": call.status,
        "eligible_route": call.eligible_route,
        "route": call.route,
        "priority": call.priority,
        "rule": call.rule,
        "ruleset_version": call.ruleset_version,
        "unserved_reason": call.unserved_reason or None,
        "explanation": call.explanation,
    }


IDEMPOTENCY = OpenApiParameter(
    "Idempotency-Key",
    str,
    OpenApiParameter.HEADER,
    required=True,
    description="A unique key per call (a UUID). Retrying with the same key and body returns "
    "the same call (200); the same key with another body is refused (409).",
)


@extend_schema(
    methods=["POST"],
    request=CallCreateSerializer,
    parameters=[IDEMPOTENCY],
    responses={
        201: CallCreatedSerializer,
        200: CallCreatedSerializer,
        400: OpenApiResponse(description="Field errors"),
        409: OpenApiResponse(description="Idempotency-Key reused for another call"),
        429: THROTTLED,
    },
    summary="Log a call: it is triaged and queued",
)
@extend_schema(
    methods=["GET"],
    operation_id="calls_list",
    responses=paginated("PaginatedCallList", CallSerializer(many=True)),
    parameters=[
        OpenApiParameter("status", str),
        OpenApiParameter("route", str),
        OpenApiParameter(
            "mine",
            bool,
            description="true: only the calls the requesting user took (a call-taker's My calls)",
        ),
        *PAGE_PARAMETERS,
    ],
)
@api_view(["GET", "POST"])
@permission_classes([perms_by_method(GET=READ_CALLS, POST=("dispatch.log_call",))])
@throttle_classes([CreateThrottle])
def calls(request: Request) -> Response:
    if request.method == "GET":
        return _call_list(request)
    key = idempotency_key(request, required=True)
    serializer = CallCreateSerializer(data=request.data)
    serializer.is_valid(raise_exception=True)
    d = serializer.validated_data
    code = call_type_resolve(d["call_type"])
    if code is None:
        return Response(
            {"call_type": [f"{d['call_type']!r} is not a known call type or mapped label"]},
            status=http.HTTP_400_BAD_REQUEST,
        )
    if d.get("person") and not Person.objects.filter(pk=d["person"]).exists():
        return Response(
            {"person": [f"person {d['person']} does not exist"]}, status=http.HTTP_400_BAD_REQUEST
        )
    data = CallInput(
        call_type=code,
        received_at=d.get("received_at"),
        address=d["address"].strip(),
        lat=d.get("lat"),
        lon=d.get("lon"),
        zone=d["zone"].strip(),
        location_source=d["location_source"],
        landmark=d["landmark"].strip(),
        caller_name=d["caller_name"].strip(),
        callback_number=d["callback_number"].strip(),
        narrative=d["narrative"].strip(),
        answers=d["answers"],
        person_id=d.get("person"),
        override_route=d["override_route"],
        override_reason=d["override_reason"].strip(),
        duplicate_of=d.get("duplicate_of"),
        caller_language=d["caller_language"],
        interpreter_used=d["interpreter_used"],
    )
    try:
        call, created = call_create(
            by=request.user, data=data, idempotency_key=key, request=request._request, source="api"
        )
    except (ValidationError, IdempotencyConflict) as exc:
        return refused(exc)
    except DjangoPermissionDenied as exc:
        raise PermissionDenied(str(exc)) from None
    return Response(
        _created_body(call), status=http.HTTP_201_CREATED if created else http.HTTP_200_OK
    )


def _call_list(request: Request) -> Response:
    qs = Call.objects.select_related("call_type").prefetch_related("assignments__unit")
    status_filter = request.query_params.get("status")
    if status_filter:
        if status_filter not in Call.Status.values:
            return Response(
                {"status": [f"must be one of {', '.join(Call.Status.values)}"]},
                status=http.HTTP_400_BAD_REQUEST,
            )
        qs = qs.filter(status=status_filter)
    route = request.query_params.get("route")
    if route:
        qs = qs.filter(route=route)
    mine = request.query_params.get("mine")
    if mine:
        if mine not in ("true", "false"):
            return Response({"mine": ["must be true or false"]}, status=http.HTTP_400_BAD_REQUEST)
        if mine == "true":
            qs = qs.filter(created_by_id=request.user.pk)
    paginator = Pagination()
    page = paginator.paginate_queryset(qs.order_by("-received_at", "-id"), request)
    return paginator.get_paginated_response(CallSerializer(page, many=True).data)


@extend_schema(
    responses=CallDetailSerializer,
    summary="A call with its timeline: everything that happened to it, oldest first",
)
@api_view(["GET"])
@permission_classes([CAN_READ])
def call_detail(request: Request, call_id: int) -> Response:
    call = get_object_or_404(
        Call.objects.select_related("call_type", "created_by").prefetch_related(
            "assignments__unit"
        ),
        pk=call_id,
    )
    waiting = call.status in (Call.Status.QUEUED, Call.Status.HELD, Call.Status.ACTIVE)
    recommended = selectors.recommended_units(call) if waiting else []
    return Response(CallDetailSerializer(call, context={"recommended": recommended}).data)


@extend_schema(
    request=AssignSerializer,
    responses={
        200: CallSerializer,
        400: OpenApiResponse(description="Field errors"),
        409: OpenApiResponse(description="unit already assigned"),
    },
)
@api_view(["POST"])
@permission_classes([CAN_DISPATCH])
def call_assign(request: Request, call_id: int) -> Response:
    serializer = AssignSerializer(data=request.data)
    serializer.is_valid(raise_exception=True)
    try:
        unit_assign(
            call_id=call_id,
            unit_id=serializer.validated_data["unit"],
            by=request.user,
            request=request._request,
        )
    except UnitUnavailable as exc:
        return Response(
            {"unit": [str(exc)], "detail": "unit already assigned"}, status=http.HTTP_409_CONFLICT
        )
    except ValidationError as exc:
        return refused(exc)
    call = Call.objects.prefetch_related("assignments__unit").get(pk=call_id)
    return Response(CallSerializer(call).data)


@extend_schema(
    responses=UnitSerializer(many=True),
    parameters=[OpenApiParameter("kind", str), OpenApiParameter("status", str)],
)
@api_view(["GET"])
@permission_classes(
    [perms_any("dispatch.view_unit", "dispatch.dispatch_call", "dispatch.respond_call")]
)
def units(request: Request) -> Response:
    qs = selectors.units_with_calls()
    for param, values in (
        ("kind", [k for k, _ in Unit._meta.get_field("kind").choices or []]),
        ("status", Unit.Status.values),
    ):
        value = request.query_params.get(param)
        if value:
            if value not in values:
                return Response(
                    {param: [f"must be one of {', '.join(values)}"]},
                    status=http.HTTP_400_BAD_REQUEST,
                )
            qs = qs.filter(**{param: value})
    listed = list(qs)
    return Response(
        UnitSerializer(listed, many=True, context={"makeups": unit_makeups(listed)}).data
    )


@extend_schema(
    request=UnitPositionSerializer,
    responses={
        200: UnitPositionResultSerializer,
        400: OpenApiResponse(description="Field errors: lat, lon, accuracy_m, at"),
        403: OpenApiResponse(description="a responder reporting for a unit that is not theirs"),
        404: OpenApiResponse(description="no such unit"),
    },
    summary="Report a unit's position (a member's phone, or a vehicle AVL feed)",
    description="Keeps the newest position only. A report older than (or as old as) the "
    "stored one is answered 200 with `stored: false` and changes nothing, so a feed replaying "
    "or reordering its reports needs no error handling. A responder reports for their own "
    "unit; dispatchers, supervisors and an account holding `dispatch.report_unit_position` "
    "(a vehicle AVL feed) for any unit.",
)
@api_view(["POST"])
@permission_classes([CAN_REPORT_POSITION])
def unit_position(request: Request, unit_id: int) -> Response:
    unit = get_object_or_404(Unit, pk=unit_id)
    member = selectors.rides_with(request.user, unit)
    if not member and not any(request.user.has_perm(p) for p in ANY_UNIT_POSITION):
        raise PermissionDenied("responders report their own unit's position only")
    serializer = UnitPositionSerializer(data=request.data)
    serializer.is_valid(raise_exception=True)
    d = serializer.validated_data
    if member:
        source = "responder"
    elif request.user.has_perm("dispatch.report_unit_position"):
        source = "avl"
    else:
        source = "dispatcher"
    try:
        report = unit_position_report(
            unit_id=unit.pk,
            lat=d["lat"],
            lon=d["lon"],
            accuracy_m=d.get("accuracy_m"),
            at=d.get("at"),
            source=source,
        )
    except ValidationError as exc:
        return error_response(exc)
    kept = report.unit.position_at
    detail = (
        "stored"
        if report.stored
        else f"older than the stored position ({kept.isoformat() if kept else '?'}): "
        "the newer one is kept"
    )
    return Response(
        {"stored": report.stored, "detail": detail, "unit": UnitSerializer(report.unit).data}
    )


@extend_schema(responses={200: BoardSerializer, 304: OpenApiResponse(description="Unchanged")})
@api_view(["GET"])
@permission_classes([CAN_DISPATCH])
def board(request: Request) -> Response:
    etag = selectors.board_etag()
    quoted = f'"{etag}"'
    if request.headers.get("If-None-Match") == quoted:
        response = Response(status=http.HTTP_304_NOT_MODIFIED)
        response["ETag"] = quoted
        return response
    units = list(selectors.units_with_calls())
    body = {
        "etag": etag,
        "waiting": selectors.waiting_calls(),
        "active": selectors.active_calls(),
        "phone": selectors.phone_queue(),
        "units": units,
    }
    context = {"makeups": unit_makeups(units)}
    response = Response(BoardSerializer(body, context=context).data)
    response["ETag"] = quoted
    return response
