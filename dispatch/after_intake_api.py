"""The call after intake under /api/v1/calls/{id}/ (docs/calls.md): field notes, supplements,
cancelling, merging a duplicate, acknowledging a board alert. Views validate and call one
service; the call's timeline comes back with GET /api/v1/calls/{id}/."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import status as http
from rest_framework.decorators import api_view, permission_classes
from rest_framework.exceptions import PermissionDenied
from rest_framework.request import Request
from rest_framework.response import Response

from access.api_permissions import perms_any
from dispatch.api_responses import call_required, idempotency_key, refused
from dispatch.models import Call
from dispatch.serializers import (
    AlertAckSerializer,
    CallDetailSerializer,
    CancelSerializer,
    MergeSerializer,
    NoteCreatedSerializer,
    NoteSerializer,
    SupplementSerializer,
)
from dispatch.services import (
    IdempotencyConflict,
    Supplement,
    alert_acknowledge,
    call_cancel,
    call_merge,
    call_note_add,
    call_supplement_add,
)
from web.errors import error_response

CAN_NOTE = perms_any("dispatch.dispatch_call", "dispatch.log_call", "dispatch.respond_call")
CAN_SUPPLEMENT = perms_any("dispatch.dispatch_call", "dispatch.log_call")
CAN_DISPATCH = perms_any("dispatch.dispatch_call")
ERRORS = OpenApiResponse(description="Field errors: {field: [messages]}")
NOT_OPEN = OpenApiResponse(description="The call is closed or linked meanwhile")
NOTE_KEY = OpenApiParameter(
    "Idempotency-Key",
    str,
    OpenApiParameter.HEADER,
    required=False,
    description="Optional (an offline client's queue sends one): the same key and body store "
    "the note once and answer 200 with it; the same key with another body is refused (409).",
)


def _detail(call_id: int) -> Response:
    call = (
        Call.objects.select_related("call_type", "created_by")
        .prefetch_related("assignments__unit")
        .get(pk=call_id)
    )
    return Response(CallDetailSerializer(call).data)


@extend_schema(
    request=NoteSerializer,
    parameters=[NOTE_KEY],
    responses={
        201: NoteCreatedSerializer,
        200: NoteCreatedSerializer,
        400: ERRORS,
        403: OpenApiResponse(description="a responder whose unit was never on the call"),
        404: OpenApiResponse(),
        409: OpenApiResponse(description="Idempotency-Key reused for another note"),
    },
    summary="Add a timestamped field note to a call",
)
@api_view(["POST"])
@permission_classes([CAN_NOTE])
def call_notes_api(request: Request, call_id: int) -> Response:
    key = idempotency_key(request)
    serializer = NoteSerializer(data=request.data)
    serializer.is_valid(raise_exception=True)
    d = serializer.validated_data
    call_required(call_id)
    try:
        note, created = call_note_add(
            call_id=call_id,
            text=d["text"],
            at=d.get("at"),
            by=request.user,
            idempotency_key=key,
            request=request._request,
        )
    except DjangoPermissionDenied as exc:
        raise PermissionDenied(str(exc)) from None
    except (ValidationError, IdempotencyConflict) as exc:
        return refused(exc)
    return Response(
        NoteCreatedSerializer(note).data,
        status=http.HTTP_201_CREATED if created else http.HTTP_200_OK,
    )


@extend_schema(
    request=SupplementSerializer,
    responses={201: NoteCreatedSerializer, 400: ERRORS, 404: OpenApiResponse(), 409: NOT_OPEN},
    summary="Add a supplement (new information from a callback) to an open call",
)
@api_view(["POST"])
@permission_classes([CAN_SUPPLEMENT])
def call_supplements_api(request: Request, call_id: int) -> Response:
    serializer = SupplementSerializer(data=request.data)
    serializer.is_valid(raise_exception=True)
    d = serializer.validated_data
    call_required(call_id)
    try:
        note = call_supplement_add(
            call_id=call_id,
            supplement=Supplement(
                text=d["text"],
                callback_number=d["callback_number"],
                address=d["address"],
                lat=d.get("lat"),
                lon=d.get("lon"),
            ),
            by=request.user,
            request=request._request,
        )
    except ValidationError as exc:
        return refused(exc)
    return Response(NoteCreatedSerializer(note).data, status=http.HTTP_201_CREATED)


@extend_schema(
    request=CancelSerializer,
    responses={200: CallDetailSerializer, 400: ERRORS, 404: OpenApiResponse(), 409: NOT_OPEN},
    summary="Cancel an open call with a reason (its units on the way are released)",
)
@api_view(["POST"])
@permission_classes([CAN_DISPATCH])
def call_cancel_api(request: Request, call_id: int) -> Response:
    serializer = CancelSerializer(data=request.data)
    serializer.is_valid(raise_exception=True)
    d = serializer.validated_data
    call_required(call_id)
    try:
        call_cancel(
            call_id=call_id,
            reason=d["reason"],
            text=d["text"],
            by=request.user,
            request=request._request,
        )
    except ValidationError as exc:
        return refused(exc)
    return _detail(call_id)


@extend_schema(
    request=MergeSerializer,
    responses={200: CallDetailSerializer, 400: ERRORS, 404: OpenApiResponse(), 409: NOT_OPEN},
    summary="Close an open call as a duplicate of another (kept) call",
)
@api_view(["POST"])
@permission_classes([CAN_DISPATCH])
def call_merge_api(request: Request, call_id: int) -> Response:
    serializer = MergeSerializer(data=request.data)
    serializer.is_valid(raise_exception=True)
    d = serializer.validated_data
    call_required(call_id)
    try:
        call_merge(
            call_id=call_id,
            into=d["into"],
            reason=d["reason"],
            by=request.user,
            request=request._request,
        )
    except ValidationError as exc:
        return refused(exc)
    return _detail(call_id)


@extend_schema(
    request=AlertAckSerializer,
    responses={200: CallDetailSerializer, 400: ERRORS, 404: OpenApiResponse()},
    summary="Acknowledge a call's board alert: overdue, or its backup requests",
)
@api_view(["POST"])
@permission_classes([CAN_DISPATCH])
def call_alert_ack_api(request: Request, call_id: int) -> Response:
    serializer = AlertAckSerializer(data=request.data)
    serializer.is_valid(raise_exception=True)
    call_required(call_id)
    try:
        alert_acknowledge(
            call_id=call_id,
            kind=serializer.validated_data["kind"],
            by=request.user,
            request=request._request,
        )
    except ValidationError as exc:
        return error_response(exc)
    return _detail(call_id)
