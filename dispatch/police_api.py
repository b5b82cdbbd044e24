"""Police and the department under /api/v1/ (docs/police_and_988.md, docs/api.md): police
asking the department to take a call, police arriving uninvited on a department call, and a
dispatcher's transfer of a call to the 988 center."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import serializers
from rest_framework import status as http
from rest_framework.decorators import api_view, permission_classes
from rest_framework.exceptions import PermissionDenied
from rest_framework.request import Request
from rest_framework.response import Response

from access.api_permissions import perms_any
from dispatch import selectors
from dispatch.api_responses import call_required, idempotency_key, refused
from dispatch.models import TRANSFERS_988, Call, FieldEvent
from dispatch.serializers import AnswersField, CallFieldsSerializer, CallSerializer
from dispatch.services import (
    HANDOFF_TARGETS,
    CallInput,
    IdempotencyConflict,
    call_transfer_988,
    police_arrival_record,
    police_handoff_request,
)
from web.serializers import StrictSerializer

CAN_REQUEST_HANDOFF = perms_any("dispatch.request_handoff")
CAN_DISPATCH = perms_any("dispatch.dispatch_call")
CAN_RECORD_ARRIVAL = perms_any("dispatch.dispatch_call", "dispatch.respond_call")
ERRORS = OpenApiResponse(description="Field errors: {field: [messages]}")
NOT_OPEN = OpenApiResponse(description="The call is closed or linked (no longer open)")


class PoliceCallSerializer(CallFieldsSerializer):
    """A call police hold that is not in the console yet."""

    call_type = serializers.CharField(max_length=120, help_text="A code or a mapped label")
    answers = AnswersField(
        required=False, default=dict, help_text="Screening answers, as police found them"
    )


class HandoffRequestSerializer(StrictSerializer):
    target = serializers.ChoiceField(
        choices=HANDOFF_TARGETS, required=False, default="HEART", help_text="Default HEART"
    )
    reason = serializers.CharField(max_length=500, help_text="Why the department should take it")
    call = serializers.IntegerField(
        required=False, allow_null=True, min_value=1, help_text="A call police hold, by its id"
    )
    new_call = PoliceCallSerializer(
        required=False, allow_null=True, help_text="Or the details of a call not logged yet"
    )

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        if (attrs.get("call") is None) == (attrs.get("new_call") is None):
            raise serializers.ValidationError(
                {"call": "give either call (an id) or new_call (the details), not both"}
            )
        return attrs


class HandoffResultSerializer(serializers.Serializer[Any]):
    call = serializers.IntegerField()
    created = serializers.BooleanField()
    handed_off = serializers.BooleanField()
    route = serializers.CharField()
    note = serializers.CharField(help_text="Why the call went where it went, for the officer")


class PoliceArrivalSerializer(StrictSerializer):
    note = serializers.CharField(max_length=500, required=False, allow_blank=True, default="")
    unit = serializers.IntegerField(
        required=False, allow_null=True, min_value=1, help_text="The police unit, if known"
    )
    at = serializers.DateTimeField(
        required=False, allow_null=True, help_text="When, if recorded later (default now)"
    )


class FieldEventSerializer(serializers.ModelSerializer[Any]):
    class Meta:
        model = FieldEvent
        fields = ["id", "call", "unit", "kind", "at", "reason"]


class Transfer988Serializer(StrictSerializer):
    transfer_988 = serializers.ChoiceField(choices=TRANSFERS_988)
    reason = serializers.CharField(max_length=500, required=False, allow_blank=True, default="")


@extend_schema(
    request=HandoffRequestSerializer,
    parameters=[
        OpenApiParameter(
            "Idempotency-Key",
            str,
            OpenApiParameter.HEADER,
            required=False,
            description="For new_call: the same key and body again returns the same call.",
        )
    ],
    responses={
        201: HandoffResultSerializer,
        200: HandoffResultSerializer,
        400: ERRORS,
        404: OpenApiResponse(),
        409: NOT_OPEN,
    },
    summary="Police ask the department to take a call (a call they hold, or a new one)",
    description="HEART off duty goes to co-response when it is on duty; with neither, the call "
    "stays with police: handed_off is false and note says why. 201 when a new call was logged.",
)
@api_view(["POST"])
@permission_classes([CAN_REQUEST_HANDOFF])
def handoffs(request: Request) -> Response:
    serializer = HandoffRequestSerializer(data=request.data)
    serializer.is_valid(raise_exception=True)
    d = serializer.validated_data
    key = idempotency_key(request)
    data = None
    if d.get("new_call") is not None:
        n = d["new_call"]
        data = CallInput(
            call_type=n["call_type"],
            address=n["address"].strip(),
            lat=n.get("lat"),
            lon=n.get("lon"),
            zone=n["zone"].strip(),
            caller_name=n["caller_name"].strip(),
            callback_number=n["callback_number"].strip(),
            narrative=n["narrative"].strip(),
            answers=n["answers"],
        )
    else:
        call_required(d["call"])
    try:
        result = police_handoff_request(
            by=request.user,
            reason=d["reason"].strip(),
            target=d["target"],
            call_id=d.get("call"),
            data=data,
            idempotency_key=key,
            request=request._request,
        )
    except (ValidationError, IdempotencyConflict) as exc:
        return refused(exc)
    body = {
        "call": result.call.pk,
        "created": result.created,
        "handed_off": result.handed_off,
        "route": result.route,
        "note": result.note,
    }
    return Response(body, status=http.HTTP_201_CREATED if result.created else http.HTTP_200_OK)


@extend_schema(
    request=PoliceArrivalSerializer,
    responses={201: FieldEventSerializer, 400: ERRORS, 404: OpenApiResponse(), 409: NOT_OPEN},
    summary="Record police arriving uninvited on a department call",
)
@api_view(["POST"])
@permission_classes([CAN_RECORD_ARRIVAL])
def call_police_arrival(request: Request, call_id: int) -> Response:
    serializer = PoliceArrivalSerializer(data=request.data)
    serializer.is_valid(raise_exception=True)
    d = serializer.validated_data
    call_required(call_id)
    if not request.user.has_perm("dispatch.dispatch_call"):
        # A responder records it on their own unit's call only.
        unit = selectors.unit_of(request.user)
        assignment = selectors.open_assignment(unit) if unit else None
        if assignment is None or assignment.call_id != call_id:
            raise PermissionDenied("responders record it on their own unit's call only")
    try:
        event = police_arrival_record(
            call_id=call_id,
            note=d["note"],
            unit_id=d.get("unit"),
            at=d.get("at"),
            by=request.user,
            request=request._request,
        )
    except ValidationError as exc:
        return refused(exc)
    return Response(FieldEventSerializer(event).data, status=http.HTTP_201_CREATED)


@extend_schema(
    request=Transfer988Serializer,
    responses={200: CallSerializer, 400: ERRORS, 404: OpenApiResponse(), 409: NOT_OPEN},
    summary="Transfer a waiting call to the 988 center, warm or cold (closes it)",
)
@api_view(["POST"])
@permission_classes([CAN_DISPATCH])
def call_transfer_988_api(request: Request, call_id: int) -> Response:
    serializer = Transfer988Serializer(data=request.data)
    serializer.is_valid(raise_exception=True)
    d = serializer.validated_data
    call_required(call_id)
    try:
        call_transfer_988(
            call_id=call_id,
            transfer_988=d["transfer_988"],
            reason=d["reason"],
            by=request.user,
            request=request._request,
        )
    except ValidationError as exc:
        return refused(exc)
    call = Call.objects.select_related("call_type").prefetch_related("assignments__unit")
    return Response(CallSerializer(call.get(pk=call_id)).data)
