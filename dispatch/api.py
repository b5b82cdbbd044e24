"""The dispatch API under /api/v1/: calls, units, the board. Views validate and call services."""

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
from dispatch.models import Call, Unit
from dispatch.serializers import (
    AssignSerializer,
    BoardSerializer,
    CallCreateSerializer,
    CallSerializer,
    ClearSerializer,
    TriageOutputSerializer,
    UnitSerializer,
    UnitStatusSerializer,
)
from dispatch.services import (
    CallInput,
    CallNotOpen,
    FeltSafe,
    IdempotencyConflict,
    Referral,
    UnitUnavailable,
    call_clear,
    call_create,
    unit_assign,
    unit_status_set,
)
from people.models import Person
from triage.selectors import call_type_resolve
from web.errors import error_fields, error_response
from web.pagination import PAGE_PARAMETERS, Pagination, paginated

READ_CALLS = ("dispatch.view_call", "dispatch.dispatch_call", "dispatch.log_call")
CAN_READ = perms_any(*READ_CALLS)
CAN_DISPATCH = perms_any("dispatch.dispatch_call")
CAN_MOVE_UNITS = perms_any("dispatch.dispatch_call", "dispatch.respond_call")


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
        *PAGE_PARAMETERS,
    ],
)
@api_view(["GET", "POST"])
@permission_classes([perms_by_method(GET=READ_CALLS, POST=("dispatch.log_call",))])
@throttle_classes([CreateThrottle])
def calls(request: Request) -> Response:
    if request.method == "GET":
        return _call_list(request)
    key = (request.headers.get("Idempotency-Key") or "").strip()
    if not key or len(key) > 200:
        return Response(
            {"Idempotency-Key": ["this header is required (1 to 200 characters)"]},
            status=http.HTTP_400_BAD_REQUEST,
        )
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
    )
    try:
        call, created = call_create(
            by=request.user, data=data, idempotency_key=key, request=request._request, source="api"
        )
    except ValidationError as exc:
        return error_response(exc)
    except IdempotencyConflict as exc:
        return Response({"Idempotency-Key": [str(exc)]}, status=http.HTTP_409_CONFLICT)
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
    paginator = Pagination()
    page = paginator.paginate_queryset(qs.order_by("-received_at", "-id"), request)
    return paginator.get_paginated_response(CallSerializer(page, many=True).data)


@extend_schema(responses=CallSerializer)
@api_view(["GET"])
@permission_classes([CAN_READ])
def call_detail(request: Request, call_id: int) -> Response:
    call = get_object_or_404(
        Call.objects.select_related("call_type").prefetch_related("assignments__unit"), pk=call_id
    )
    return Response(CallSerializer(call).data)


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
    except CallNotOpen as exc:
        return Response(
            {**error_fields(exc), "detail": "call no longer open"}, status=http.HTTP_409_CONFLICT
        )
    except ValidationError as exc:
        return error_response(exc)
    call = Call.objects.prefetch_related("assignments__unit").get(pk=call_id)
    return Response(CallSerializer(call).data)


@extend_schema(
    request=ClearSerializer,
    responses={
        200: CallSerializer,
        400: OpenApiResponse(
            description='Field errors; "unit" when several units are on the call and none is '
            "named (the message lists them), or when no unit is on it"
        ),
        403: OpenApiResponse(description="a responder naming a unit that is not theirs"),
        409: OpenApiResponse(description="call no longer open (already closed)"),
    },
    summary="Clear a unit from a call: disposition, felt-safe answers, referral",
    description="`unit` is optional. A dispatcher may leave it out when the call has exactly "
    "one open assignment (that unit clears); with several units on the call it is required. "
    "A responder clears their own unit only, which is the default when `unit` is left out. "
    "The call closes when its last unit clears.",
)
@api_view(["POST"])
@permission_classes([CAN_MOVE_UNITS])
def call_clear_api(request: Request, call_id: int) -> Response:
    serializer = ClearSerializer(data=request.data)
    serializer.is_valid(raise_exception=True)
    d = serializer.validated_data
    unit_id = d.get("unit")
    if not request.user.has_perm("dispatch.dispatch_call"):
        # Responders clear their own unit only; a dispatcher may clear any (the service picks
        # the call's only unit when none is named).
        if unit_id is None:
            mine = selectors.unit_of(request.user)
            if mine is None:
                return Response(
                    {"unit": ["you are not a member of any unit"]},
                    status=http.HTTP_400_BAD_REQUEST,
                )
            unit_id = mine.pk
        elif not Unit.objects.filter(pk=unit_id, members__pk=request.user.pk or 0).exists():
            raise PermissionDenied("responders clear their own unit only")
    referral = None
    if d.get("referral") is not None:
        r = d["referral"]
        referral = Referral(
            consent=r["consent"],
            needs=list(r["needs"]),
            person_name=r["person_name"].strip(),
            date_of_birth=r.get("date_of_birth"),
            phone=r["phone"].strip(),
        )
    try:
        call = call_clear(
            call_id=call_id,
            unit_id=unit_id,
            disposition=d["disposition"],
            felt_safe=[
                FeltSafe(responder_id=f["responder"], safe=f["safe"]) for f in d["felt_safe"]
            ],
            referral=referral,
            by=request.user,
            request=request._request,
        )
    except CallNotOpen as exc:
        return Response(
            {**error_fields(exc), "detail": "call no longer open"}, status=http.HTTP_409_CONFLICT
        )
    except ValidationError as exc:
        return error_response(exc)
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
    return Response(UnitSerializer(qs, many=True).data)


@extend_schema(request=UnitStatusSerializer, responses={200: UnitSerializer})
@api_view(["POST"])
@permission_classes([CAN_MOVE_UNITS])
def unit_status(request: Request, unit_id: int) -> Response:
    unit = get_object_or_404(Unit, pk=unit_id)
    if (
        not request.user.has_perm("dispatch.dispatch_call")
        and not unit.members.filter(pk=request.user.pk or 0).exists()
    ):
        raise PermissionDenied("responders change their own unit's status only")
    serializer = UnitStatusSerializer(data=request.data)
    serializer.is_valid(raise_exception=True)
    try:
        unit = unit_status_set(
            unit_id=unit_id,
            status=serializer.validated_data["status"],
            by=request.user,
            request=request._request,
        )
    except ValidationError as exc:
        return error_response(exc)
    return Response(UnitSerializer(unit).data)


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
    body = {
        "etag": etag,
        "waiting": selectors.waiting_calls(),
        "active": selectors.active_calls(),
        "phone": selectors.phone_queue(),
        "units": selectors.units_with_calls(),
    }
    response = Response(BoardSerializer(body).data)
    response["ETag"] = quoted
    return response
