"""The responder's field actions under /api/v1/: status changes, backup requests, clearing, and
the dispatcher's reassignment that can make them conflict (docs/responder-app.md).

A phone that was offline sends its queued actions late: each carries the time it was made
(`at`, stored as the field's time) and an `Idempotency-Key` (a resend stores nothing twice);
an action about a call the unit was taken off meanwhile answers 409 with what happened.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.core.exceptions import ValidationError
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import status as http
from rest_framework.decorators import api_view, permission_classes
from rest_framework.exceptions import PermissionDenied
from rest_framework.generics import get_object_or_404
from rest_framework.request import Request
from rest_framework.response import Response

from access.api_permissions import perms_any
from dispatch import selectors
from dispatch.api_responses import idempotency_key, refused
from dispatch.models import Call, FieldEvent, Unit
from dispatch.roster_selectors import unit_makeups
from dispatch.serializers import (
    BackupSerializer,
    BackupSerializerOut,
    CallSerializer,
    ClearSerializer,
    ReassignSerializer,
    UnitSerializer,
    UnitStatusSerializer,
)
from dispatch.services import (
    FeltSafe,
    Outcome,
    Referral,
    UnitUnavailable,
    backup_request,
    call_clear,
    call_reassign,
    unit_status_set,
)
from web.errors import error_response
from web.idempotency import IdempotencyKeyReused, idempotent_run

CAN_DISPATCH = perms_any("dispatch.dispatch_call")
CAN_MOVE_UNITS = perms_any("dispatch.dispatch_call", "dispatch.respond_call")

FIELD_IDEMPOTENCY = OpenApiParameter(
    "Idempotency-Key",
    str,
    OpenApiParameter.HEADER,
    required=False,
    description="A unique key per action (a UUID), sent again with every retry of it: the "
    "action is stored once however often it arrives (a replay answers 200 with the current "
    "state). The same key with another body is refused (409).",
)
CONFLICT = OpenApiResponse(
    description='The call was closed meanwhile (`detail`: "call no longer open") or the unit '
    'taken off it (`detail`: "unit no longer on the call"); `call` says what happened. '
    "Nothing was recorded."
)


def _once(request: Request, scope: str, key: str | None, run: Callable[[], int]) -> int:
    """Run the action, once per Idempotency-Key when there is one."""
    if key is None:
        return run()
    body = {"path": request.path, "data": request.data}
    object_id, _ = idempotent_run(user=request.user, scope=scope, key=key, body=body, run=run)
    return object_id


def _own_unit_id(request: Request, unit_id: int | None) -> int:
    """The unit a responder acts for: their own (the default), never another."""
    if request.user.has_perm("dispatch.dispatch_call"):
        if unit_id is None:
            raise ValidationError({"unit": ["name the unit"]})
        return unit_id
    if unit_id is None:
        mine = selectors.unit_of(request.user)
        if mine is None:
            raise ValidationError({"unit": ["you are not a member of any unit"]})
        return mine.pk
    named = Unit.objects.filter(pk=unit_id).first()
    if named is None or not selectors.rides_with(request.user, named):
        raise PermissionDenied("responders act for their own unit only")
    return unit_id


@extend_schema(
    request=UnitStatusSerializer,
    parameters=[FIELD_IDEMPOTENCY],
    responses={
        200: UnitSerializer,
        400: OpenApiResponse(description="Field errors"),
        409: CONFLICT,
    },
    summary="Change a unit's status (en route, on scene, ...), at the time it was made",
)
@api_view(["POST"])
@permission_classes([CAN_MOVE_UNITS])
def unit_status(request: Request, unit_id: int) -> Response:
    unit = get_object_or_404(Unit, pk=unit_id)
    if not request.user.has_perm("dispatch.dispatch_call") and not selectors.rides_with(
        request.user, unit
    ):
        raise PermissionDenied("responders change their own unit's status only")
    key = idempotency_key(request)
    serializer = UnitStatusSerializer(data=request.data)
    serializer.is_valid(raise_exception=True)
    d = serializer.validated_data

    def run() -> int:
        return unit_status_set(
            unit_id=unit_id,
            status=d["status"],
            at=d.get("at"),
            call_id=d.get("call"),
            by=request.user,
            request=request._request,
        ).pk

    try:
        _once(request, "field.unit_status", key, run)
    except (ValidationError, IdempotencyKeyReused) as exc:
        return refused(exc)
    moved = selectors.units_with_calls().get(pk=unit_id)
    return Response(UnitSerializer(moved, context={"makeups": unit_makeups([moved])}).data)


@extend_schema(
    request=BackupSerializer,
    parameters=[FIELD_IDEMPOTENCY],
    responses={
        201: BackupSerializerOut,
        200: BackupSerializerOut,
        400: OpenApiResponse(description="Field errors"),
        403: OpenApiResponse(description="a responder naming a unit that is not theirs"),
        409: CONFLICT,
    },
    summary="A HEART or co-response team on the call asks for police backup",
)
@api_view(["POST"])
@permission_classes([CAN_MOVE_UNITS])
def call_backup(request: Request, call_id: int) -> Response:
    key = idempotency_key(request)
    serializer = BackupSerializer(data=request.data)
    serializer.is_valid(raise_exception=True)
    d = serializer.validated_data
    try:
        unit_id = _own_unit_id(request, d.get("unit"))
    except ValidationError as exc:
        return error_response(exc)
    made: list[bool] = []

    def run() -> int:
        made.append(True)
        return backup_request(
            call_id=call_id,
            unit_id=unit_id,
            reason=d["reason"].strip(),
            at=d.get("at"),
            by=request.user,
            request=request._request,
        ).pk

    try:
        event_id = _once(request, "field.backup", key, run)
    except (ValidationError, IdempotencyKeyReused) as exc:
        return refused(exc)
    event = FieldEvent.objects.get(pk=event_id)
    return Response(
        BackupSerializerOut(event).data,
        status=http.HTTP_201_CREATED if made else http.HTTP_200_OK,
    )


def _referral(d: dict[str, Any]) -> Referral | None:
    if d.get("referral") is None:
        return None
    r = d["referral"]
    return Referral(
        consent=r["consent"],
        needs=list(r["needs"]),
        person_name=r["person_name"].strip(),
        date_of_birth=r.get("date_of_birth"),
        phone=r["phone"].strip(),
    )


@extend_schema(
    request=ClearSerializer,
    parameters=[FIELD_IDEMPOTENCY],
    responses={
        200: CallSerializer,
        400: OpenApiResponse(
            description='Field errors; "unit" when several units are on the call and none is '
            "named (the message lists them), or when no unit is on it"
        ),
        403: OpenApiResponse(description="a responder naming a unit that is not theirs"),
        409: CONFLICT,
    },
    summary="Clear a unit from a call: disposition, felt-safe answers, referral, outcomes",
    description="`unit` is optional. A dispatcher may leave it out when the call has exactly "
    "one open assignment (that unit clears); with several units on the call it is required. "
    "A responder clears their own unit only, which is the default when `unit` is left out. "
    "The call closes when its last unit clears. `at` is when the clearing was made. `outcome` "
    "(optional, each of its fields too) records arrest, use of force, IVC, transport, ED "
    "diversion and self-reported demographics; its errors are keyed `outcome.<field>`.",
)
@api_view(["POST"])
@permission_classes([CAN_MOVE_UNITS])
def call_clear_api(request: Request, call_id: int) -> Response:
    key = idempotency_key(request)
    serializer = ClearSerializer(data=request.data)
    serializer.is_valid(raise_exception=True)
    d = serializer.validated_data
    unit_id = d.get("unit")
    if not request.user.has_perm("dispatch.dispatch_call") or unit_id is not None:
        try:
            unit_id = _own_unit_id(request, unit_id)
        except ValidationError as exc:
            return error_response(exc)

    def run() -> int:
        return call_clear(
            call_id=call_id,
            unit_id=unit_id,
            disposition=d["disposition"],
            felt_safe=[
                FeltSafe(responder_id=f["responder"], safe=f["safe"]) for f in d["felt_safe"]
            ],
            referral=_referral(d),
            outcome=None if d.get("outcome") is None else Outcome(**d["outcome"]),
            at=d.get("at"),
            by=request.user,
            request=request._request,
        ).pk

    try:
        _once(request, "field.clear", key, run)
    except (ValidationError, IdempotencyKeyReused) as exc:
        return refused(exc)
    call = Call.objects.select_related("call_type").prefetch_related("assignments__unit")
    return Response(CallSerializer(call.get(pk=call_id)).data)


@extend_schema(
    request=ReassignSerializer,
    responses={
        200: CallSerializer,
        400: OpenApiResponse(description="Field errors"),
        409: OpenApiResponse(description="the new unit is busy, or the call no longer open"),
    },
    summary="Move a call from one unit to another",
)
@api_view(["POST"])
@permission_classes([CAN_DISPATCH])
def call_reassign_api(request: Request, call_id: int) -> Response:
    serializer = ReassignSerializer(data=request.data)
    serializer.is_valid(raise_exception=True)
    d = serializer.validated_data
    try:
        call_reassign(
            call_id=call_id,
            from_unit_id=d["from_unit"],
            to_unit_id=d["unit"],
            by=request.user,
            request=request._request,
        )
    except UnitUnavailable as exc:
        return Response({"unit": [str(exc)]}, status=http.HTTP_409_CONFLICT)
    except ValidationError as exc:
        return refused(exc)
    call = Call.objects.select_related("call_type").prefetch_related("assignments__unit")
    return Response(CallSerializer(call.get(pk=call_id)).data)
