"""The location API under /api/v1/: the geocoder, the base map, a call placed on the map
(docs/location.md). Views validate and call one selector or service."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework import status as http
from rest_framework.decorators import api_view, permission_classes
from rest_framework.generics import get_object_or_404
from rest_framework.request import Request
from rest_framework.response import Response

from access.api_permissions import perms_any
from dispatch.models import Call
from dispatch.serializers import CallSerializer
from dispatch.services import call_locate
from location.selectors import basemap as basemap_read
from location.selectors import geocode as geocode_read
from web.errors import error_response
from web.serializers import StrictSerializer

# Whoever takes, dispatches or answers calls looks places up.
CAN_LOOK_UP = perms_any(
    "dispatch.log_call", "dispatch.dispatch_call", "dispatch.respond_call", "dispatch.view_call"
)
CAN_DISPATCH = perms_any("dispatch.dispatch_call")
MAX_LIMIT = 20


class GeocodeQuerySerializer(StrictSerializer):
    q = serializers.CharField(max_length=200, allow_blank=True, trim_whitespace=True)
    limit = serializers.IntegerField(min_value=1, max_value=MAX_LIMIT, default=5)


class GeocodeResultSerializer(serializers.Serializer[Any]):
    address = serializers.CharField()
    lat = serializers.FloatField()
    lon = serializers.FloatField()
    zone = serializers.CharField()
    match = serializers.ChoiceField(choices=["address_point", "street"])
    score = serializers.FloatField()


class GeocodeResponseSerializer(serializers.Serializer[Any]):
    results = GeocodeResultSerializer(many=True)


class CallLocationSerializer(StrictSerializer):
    lat = serializers.FloatField()
    lon = serializers.FloatField()


@extend_schema(
    parameters=[
        OpenApiParameter("q", str, required=True, description="The location as typed"),
        OpenApiParameter("limit", int, description=f"1 to {MAX_LIMIT}, default 5"),
    ],
    responses=GeocodeResponseSerializer,
)
@api_view(["GET"])
@permission_classes([CAN_LOOK_UP])
def geocode(request: Request) -> Response:
    """Address points and streets for a typed location, best first; [] when none match."""
    query = GeocodeQuerySerializer(data=request.query_params.dict())
    if not query.is_valid():
        return Response(query.errors, status=http.HTTP_400_BAD_REQUEST)
    found = geocode_read(q=query.validated_data["q"], limit=query.validated_data["limit"])
    return Response({"results": [r.as_dict() for r in found]})


@extend_schema(responses={200: dict})
@api_view(["GET"])
@permission_classes([CAN_LOOK_UP])
def basemap(request: Request) -> Response:
    """The department's base layer (zones and streets) as a GeoJSON FeatureCollection."""
    return Response(basemap_read())


@extend_schema(request=CallLocationSerializer, responses={200: CallSerializer})
@api_view(["POST"])
@permission_classes([CAN_DISPATCH])
def call_location(request: Request, call_id: int) -> Response:
    """A dispatcher places the call on the map (a click sets the point and the zone)."""
    get_object_or_404(Call, pk=call_id)
    body = CallLocationSerializer(data=request.data)
    if not body.is_valid():
        return Response(body.errors, status=http.HTTP_400_BAD_REQUEST)
    try:
        call = call_locate(
            call_id=call_id,
            lat=body.validated_data["lat"],
            lon=body.validated_data["lon"],
            by=request.user,
            request=request._request,
        )
    except ValidationError as exc:
        return error_response(exc)
    return Response(CallSerializer(call).data)
