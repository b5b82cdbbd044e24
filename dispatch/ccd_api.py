"""The phone line's API under /api/v1/ (docs/ccd.md): the CCD queue, resolving a call by phone
with one of the phone line's dispositions, converting it to a field response. For whoever
works the CCD queue (dispatch.work_ccd_queue: CCD clinicians and supervisors)."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import serializers
from rest_framework import status as http
from rest_framework.decorators import api_view, permission_classes
from rest_framework.request import Request
from rest_framework.response import Response

from access.api_permissions import perms_any
from dispatch import selectors
from dispatch.api_responses import call_required
from dispatch.models import CCD_RESOLUTIONS, TRANSFERS_988, Call
from dispatch.serializers import AnswersField, CallSerializer, ReferralSerializer
from dispatch.services import CallNotOnPhone, Referral, ccd_convert, ccd_resolve
from web.errors import error_response
from web.serializers import StrictSerializer

CAN_WORK_QUEUE = perms_any("dispatch.work_ccd_queue")
NOT_ON_PHONE = OpenApiResponse(
    description="The call is not in the CCD queue (resolved or converted meanwhile)"
)
ERRORS = OpenApiResponse(description="Field errors: {field: [messages]}")


class CcdCallSerializer(serializers.ModelSerializer[Any]):
    call_type = serializers.CharField(source="call_type_id")
    call_type_label = serializers.CharField(source="call_type.label")
    person = serializers.IntegerField(source="person_id", allow_null=True)

    class Meta:
        model = Call
        fields = [
            "id",
            "status",
            "call_type",
            "call_type_label",
            "priority",
            "received_at",
            "caller_name",
            "callback_number",
            "address",
            "zone",
            "narrative",
            "answers",
            "rule",
            "ruleset_version",
            "explanation",
            "person",
        ]


class CcdResolveSerializer(StrictSerializer):
    disposition = serializers.ChoiceField(
        choices=CCD_RESOLUTIONS,
        help_text="How the call ended on the phone. converted_to_field_response is not one: "
        "convert the call instead (.../ccd/convert/).",
    )
    referral = ReferralSerializer(
        required=False,
        allow_null=True,
        help_text="Required for referred_to_care_navigation: the person's answer (consent "
        "opens a case; a decline is counted).",
    )
    transfer_988 = serializers.ChoiceField(
        choices=TRANSFERS_988,
        required=False,
        allow_blank=True,
        default="",
        help_text="Required for transferred_to_988: warm (handed over on the line) or cold.",
    )


class CcdConvertSerializer(StrictSerializer):
    reason = serializers.CharField(max_length=500, required=False, allow_blank=True, default="")
    answers = AnswersField(
        required=False,
        default=dict,
        help_text="Screening answers the clinician updated; wants_in_person becomes yes.",
    )


def _not_on_phone(exc: CallNotOnPhone) -> Response:
    return Response(
        {**exc.message_dict, "detail": "call not in the CCD queue"}, status=http.HTTP_409_CONFLICT
    )


def _call_body(call_id: int) -> dict[str, Any]:
    call = Call.objects.select_related("call_type").prefetch_related("assignments__unit")
    return dict(CallSerializer(call.get(pk=call_id)).data)


@extend_schema(
    responses=CcdCallSerializer(many=True),
    summary="The CCD phone queue: calls waiting for a clinician, most urgent first",
)
@api_view(["GET"])
@permission_classes([CAN_WORK_QUEUE])
def ccd_queue(request: Request) -> Response:
    return Response(CcdCallSerializer(selectors.phone_queue(), many=True).data)


@extend_schema(
    request=CcdResolveSerializer,
    responses={200: CallSerializer, 400: ERRORS, 404: OpenApiResponse(), 409: NOT_ON_PHONE},
    summary="Resolve a call by phone with one of the phone line's dispositions",
)
@api_view(["POST"])
@permission_classes([CAN_WORK_QUEUE])
def call_ccd_resolve(request: Request, call_id: int) -> Response:
    serializer = CcdResolveSerializer(data=request.data)
    serializer.is_valid(raise_exception=True)
    d = serializer.validated_data
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
    call_required(call_id)
    try:
        ccd_resolve(
            call_id=call_id,
            disposition=d["disposition"],
            referral=referral,
            transfer_988=d["transfer_988"],
            by=request.user,
            request=request._request,
        )
    except CallNotOnPhone as exc:
        return _not_on_phone(exc)
    except ValidationError as exc:
        return error_response(exc)
    return Response(_call_body(call_id))


@extend_schema(
    request=CcdConvertSerializer,
    responses={200: CallSerializer, 400: ERRORS, 404: OpenApiResponse(), 409: NOT_ON_PHONE},
    summary="Convert a phone call to a field response (re-triaged with wants_in_person yes)",
)
@api_view(["POST"])
@permission_classes([CAN_WORK_QUEUE])
def call_ccd_convert(request: Request, call_id: int) -> Response:
    serializer = CcdConvertSerializer(data=request.data)
    serializer.is_valid(raise_exception=True)
    d = serializer.validated_data
    call_required(call_id)
    try:
        ccd_convert(
            call_id=call_id,
            by=request.user,
            answers=d["answers"],
            reason=d["reason"].strip(),
            request=request._request,
        )
    except CallNotOnPhone as exc:
        return _not_on_phone(exc)
    except ValidationError as exc:
        return error_response(exc)
    return Response(_call_body(call_id))
