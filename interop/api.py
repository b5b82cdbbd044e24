"""The EIDO API (docs/interop.md): a call as an EIDO, and a partner's EIDO as a call.

The intake's body is the EIDO itself, validated against NENA's schema (interop/eido_schema.py)
rather than a serializer: the schema is the contract, and it names the JSON path of each
problem in the 400.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework import status as http
from rest_framework.decorators import api_view, permission_classes, throttle_classes
from rest_framework.exceptions import NotFound, PermissionDenied
from rest_framework.request import Request
from rest_framework.response import Response

from access.api_permissions import perms_any
from access.api_throttles import THROTTLED, CreateThrottle
from dispatch.models import Call
from interop.eido_in import EidoInvalid
from interop.selectors import call_eido, call_for_eido
from interop.services import eido_intake

READ_CALLS = perms_any("dispatch.view_call", "dispatch.dispatch_call", "dispatch.log_call")
SUBMIT_EIDO = perms_any("interop.submit_eido")

IntakeResult = inline_serializer(
    "EidoIntakeResult",
    {
        "id": serializers.IntegerField(),
        "route": serializers.CharField(),
        "eligible_route": serializers.CharField(),
        "priority": serializers.CharField(),
        "status": serializers.CharField(),
        "call_type": serializers.CharField(),
        "transferred_from": serializers.CharField(),
        "eido_id": serializers.CharField(),
        # created, updated (a newer version applied) or same (a replay)
        "outcome": serializers.CharField(),
    },
)


def _body(call: Call, outcome: str) -> dict[str, Any]:
    return {
        "id": call.pk,
        "route": call.route,
        "eligible_route": call.eligible_route,
        "priority": call.priority,
        "status": call.status,
        "call_type": call.call_type_id,
        "transferred_from": call.transferred_from,
        "eido_id": call.source_ref,
        "outcome": outcome,
    }


@extend_schema(
    responses={200: OpenApiTypes.OBJECT},
    summary="The call as a NENA EIDO (NENA-STA-021 JSON)",
)
@api_view(["GET"])
@permission_classes([READ_CALLS])
def call_eido_detail(request: Request, call_id: int) -> Response:
    call = call_for_eido(call_id)
    if call is None:
        raise NotFound(f"call {call_id} does not exist")
    return Response(call_eido(call))


@extend_schema(
    request=OpenApiTypes.OBJECT,
    responses={
        201: IntakeResult,
        200: IntakeResult,
        400: OpenApiResponse(description="Problems by JSON path; nothing was stored"),
        403: OpenApiResponse(description="Not a partner agency's account"),
        429: THROTTLED,
    },
    summary="A partner agency transfers a call as a NENA EIDO",
)
@api_view(["POST"])
@permission_classes([SUBMIT_EIDO])
@throttle_classes([CreateThrottle])
def eido_transfer(request: Request) -> Response:
    try:
        result = eido_intake(by=request.user, document=request.data, request=request._request)
    except EidoInvalid as exc:
        return Response(exc.problems, status=http.HTTP_400_BAD_REQUEST)
    except DjangoPermissionDenied as exc:
        raise PermissionDenied(str(exc)) from None
    return Response(
        _body(result.call, result.outcome),
        status=http.HTTP_201_CREATED if result.outcome == "created" else http.HTTP_200_OK,
    )
