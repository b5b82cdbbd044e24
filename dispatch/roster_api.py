"""The shift roster's API under /api/v1/ (docs/roster.md): read it (dispatchers, supervisors),
add and remove shifts (supervisors)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404
from django.utils import timezone
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import serializers
from rest_framework import status as http
from rest_framework.decorators import api_view, permission_classes
from rest_framework.request import Request
from rest_framework.response import Response

from access.api_permissions import perms_by_method
from dispatch.models import RosterShift, Unit
from dispatch.roster_selectors import roster_shifts, unit_makeups
from dispatch.services import roster_shift_create, roster_shift_delete
from dispatch.services.assignments import DEPARTMENT_KINDS
from web.errors import error_response
from web.http import MAX_ID
from web.serializers import StrictSerializer
from workforce.selectors import responders_of

CAN_READ_OR_EDIT = perms_by_method(
    GET=("dispatch.view_rostershift",),
    POST=("dispatch.edit_roster",),
    DELETE=("dispatch.edit_roster",),
)
MAX_WINDOW = timedelta(days=31)
ERRORS = OpenApiResponse(description="Field errors: {field: [messages]}")


class ShiftSerializer(serializers.ModelSerializer[Any]):
    unit = serializers.IntegerField(source="unit_id")
    unit_name = serializers.CharField(source="unit.name")
    responder = serializers.IntegerField(source="responder_id")
    responder_username = serializers.CharField(source="responder.username")
    disciplines = serializers.SerializerMethodField()
    languages = serializers.SerializerMethodField()

    class Meta:
        model = RosterShift
        fields = [
            "id",
            "unit",
            "unit_name",
            "responder",
            "responder_username",
            "disciplines",
            "languages",
            "starts_at",
            "ends_at",
        ]

    def _person(self, shift: RosterShift) -> Any:
        return self.context.get("people", {}).get(shift.responder_id)

    def get_disciplines(self, shift: RosterShift) -> list[str]:
        person = self._person(shift)
        return list(person.disciplines) if person else []

    def get_languages(self, shift: RosterShift) -> list[str]:
        person = self._person(shift)
        return list(person.languages) if person else []


class UnitMakeupSerializer(serializers.Serializer[Any]):
    id = serializers.IntegerField()
    name = serializers.CharField()
    kind = serializers.CharField()
    status = serializers.CharField()
    crew = serializers.ListField(child=serializers.CharField())
    team_required = serializers.ListField(child=serializers.CharField())
    team_missing = serializers.ListField(child=serializers.CharField())
    team_warning = serializers.CharField()
    languages = serializers.ListField(child=serializers.CharField())


class RosterSerializer(serializers.Serializer[Any]):
    since = serializers.DateTimeField()
    until = serializers.DateTimeField()
    units = UnitMakeupSerializer(many=True)
    shifts = ShiftSerializer(many=True)


class ShiftCreateSerializer(StrictSerializer):
    unit = serializers.IntegerField(min_value=1, max_value=MAX_ID)
    responder = serializers.IntegerField(min_value=1, max_value=MAX_ID)
    starts_at = serializers.DateTimeField()
    ends_at = serializers.DateTimeField()


class WindowSerializer(serializers.Serializer[Any]):
    unit = serializers.IntegerField(required=False, min_value=1, max_value=MAX_ID)
    since = serializers.DateTimeField(required=False)
    until = serializers.DateTimeField(required=False)

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        since = attrs.get("since") or timezone.now()
        until = attrs.get("until") or since + timedelta(days=7)
        if until <= since:
            raise serializers.ValidationError({"until": ["must be after since"]})
        if until - since > MAX_WINDOW:
            raise serializers.ValidationError({"until": ["at most 31 days after since"]})
        return {**attrs, "since": since, "until": until}


def makeup_rows(units: list[Unit]) -> list[dict[str, Any]]:
    makeups = unit_makeups(units)
    return [
        {
            "id": u.pk,
            "name": u.name,
            "kind": u.kind,
            "status": u.status,
            "crew": list(makeups[u.pk].crew),
            "team_required": list(makeups[u.pk].required),
            "team_missing": list(makeups[u.pk].missing),
            "team_warning": makeups[u.pk].warning,
            "languages": sorted(makeups[u.pk].languages),
        }
        for u in units
    ]


@extend_schema(
    methods=["GET"],
    parameters=[
        OpenApiParameter("unit", int, description="one unit's shifts"),
        OpenApiParameter("since", str, description="ISO 8601; default now"),
        OpenApiParameter("until", str, description="ISO 8601; default since + 7 days (max 31)"),
    ],
    responses={200: RosterSerializer, 400: ERRORS},
    description="The shifts overlapping [since, until), and each department unit's crew now "
    "against its team template, with the languages it speaks.",
)
@extend_schema(
    methods=["POST"],
    request=ShiftCreateSerializer,
    responses={201: ShiftSerializer, 400: ERRORS},
    description="Put a responder on a department unit (supervisors). A shift lasts at most 24 "
    "hours; a responder is on one unit at a time (an overlap is a 400 on starts_at).",
)
@api_view(["GET", "POST"])
@permission_classes([CAN_READ_OR_EDIT])
def roster(request: Request) -> Response:
    if request.method == "POST":
        body = ShiftCreateSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        d = body.validated_data
        try:
            shift = roster_shift_create(
                unit_id=d["unit"],
                responder_id=d["responder"],
                starts_at=d["starts_at"],
                ends_at=d["ends_at"],
                by=request.user,
                request=request._request,
            )
        except ValidationError as exc:
            return error_response(exc)
        people = responders_of([shift.responder_id])
        data = ShiftSerializer(shift, context={"people": people}).data
        return Response(data, status=http.HTTP_201_CREATED)
    window = WindowSerializer(data=request.query_params)
    window.is_valid(raise_exception=True)
    w = window.validated_data
    shifts = list(roster_shifts(since=w["since"], until=w["until"], unit_id=w.get("unit")))
    units = list(Unit.objects.filter(kind__in=DEPARTMENT_KINDS).order_by("kind", "name"))
    if w.get("unit"):
        units = [u for u in units if u.pk == w["unit"]]
    people = responders_of(s.responder_id for s in shifts)
    return Response(
        {
            "since": w["since"],
            "until": w["until"],
            "units": makeup_rows(units),
            "shifts": ShiftSerializer(shifts, many=True, context={"people": people}).data,
        }
    )


@extend_schema(responses={204: None, 404: OpenApiResponse(description="No such shift")})
@api_view(["DELETE"])
@permission_classes([CAN_READ_OR_EDIT])
def roster_shift(request: Request, shift_id: int) -> Response:
    """Take a shift off the roster (supervisors)."""
    get_object_or_404(RosterShift, pk=shift_id)
    try:
        roster_shift_delete(shift_id=shift_id, by=request.user, request=request._request)
    except ValidationError as exc:
        return error_response(exc)
    return Response(status=http.HTTP_204_NO_CONTENT)
