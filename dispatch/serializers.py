"""API shapes for calls, units and the board. Plain serializers: the writes go to services."""

from __future__ import annotations

from typing import Any

from rest_framework import serializers

from dispatch.models import DISPOSITIONS, Assignment, Call, Unit
from dispatch.services.calls import NARRATIVE_MAX_CHARS, NARRATIVE_TOO_LONG
from dispatch.services.clearing import NEEDS
from triage.vocabulary import ANSWER_CHOICES, ROUTES
from web.http import MAX_ID
from web.serializers import StrictSerializer


class AnswersField(serializers.DictField):
    child = serializers.CharField(allow_blank=True)

    def to_internal_value(self, data: Any) -> dict[str, str]:
        value = super().to_internal_value(data)
        errors = {}
        for name, answer in value.items():
            if name not in ANSWER_CHOICES:
                errors[name] = f"{name!r} is not a screening question"
            elif answer and answer not in ANSWER_CHOICES[name]:
                errors[name] = f"{answer!r} is not one of {', '.join(ANSWER_CHOICES[name])}"
        if errors:
            raise serializers.ValidationError(errors)
        return {k: v for k, v in value.items() if v}


class CallCreateSerializer(StrictSerializer):
    call_type = serializers.CharField(max_length=120)
    address = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")
    lat = serializers.FloatField(required=False, allow_null=True, min_value=-90, max_value=90)
    lon = serializers.FloatField(required=False, allow_null=True, min_value=-180, max_value=180)
    zone = serializers.CharField(max_length=40, required=False, allow_blank=True, default="")
    location_source = serializers.ChoiceField(
        choices=["", "address_point", "street", "typed"], required=False, default=""
    )
    landmark = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")
    caller_name = serializers.CharField(
        max_length=200, required=False, allow_blank=True, default=""
    )
    callback_number = serializers.CharField(
        max_length=40, required=False, allow_blank=True, default=""
    )
    narrative = serializers.CharField(
        max_length=NARRATIVE_MAX_CHARS,
        required=False,
        allow_blank=True,
        default="",
        error_messages={"max_length": NARRATIVE_TOO_LONG},
        help_text=f"Free text, at most {NARRATIVE_MAX_CHARS:,} characters: a longer one is "
        "refused (400 on narrative), never cut.",
    )
    answers = AnswersField(required=False, default=dict)
    received_at = serializers.DateTimeField(required=False, allow_null=True)
    person = serializers.IntegerField(required=False, allow_null=True, min_value=1)
    override_route = serializers.ChoiceField(
        choices=ROUTES, required=False, allow_blank=True, default=""
    )
    override_reason = serializers.CharField(
        max_length=500, required=False, allow_blank=True, default=""
    )
    duplicate_of = serializers.IntegerField(required=False, allow_null=True, min_value=1)

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        if (attrs.get("lat") is None) != (attrs.get("lon") is None):
            raise serializers.ValidationError({"lon": "give both lat and lon, or neither"})
        return attrs


class TriageOutputSerializer(serializers.Serializer):
    eligible_route = serializers.CharField()
    route = serializers.CharField()
    priority = serializers.CharField()
    rule = serializers.CharField()
    ruleset_version = serializers.IntegerField(allow_null=True)
    unserved_reason = serializers.CharField(allow_null=True)
    explanation = serializers.CharField()


class AssignmentSerializer(serializers.ModelSerializer):
    unit = serializers.CharField(source="unit.name")
    unit_id = serializers.IntegerField()

    class Meta:
        model = Assignment
        fields = [
            "id",
            "unit_id",
            "unit",
            "dispatched_at",
            "en_route_at",
            "on_scene_at",
            "transporting_at",
            "cleared_at",
            "disposition",
        ]


class CallSerializer(serializers.ModelSerializer):
    call_type = serializers.CharField(source="call_type_id")
    unserved_reason = serializers.SerializerMethodField()
    assignments = AssignmentSerializer(many=True, read_only=True)

    class Meta:
        model = Call
        fields = [
            "id",
            "status",
            "call_type",
            "received_at",
            "created_at",
            "triaged_at",
            "closed_at",
            "address",
            "lat",
            "lon",
            "zone",
            "location_source",
            "landmark",
            "caller_name",
            "callback_number",
            "narrative",
            "answers",
            "eligible_route",
            "route",
            "priority",
            "rule",
            "ruleset_version",
            "unserved_reason",
            "override_reason",
            "explanation",
            "disposition",
            "ccd_disposition",
            "duplicate_of",
            "first_dispatched_at",
            "first_on_scene_at",
            "assignments",
        ]

    def get_unserved_reason(self, call: Call) -> str | None:
        return call.unserved_reason or None


class CallSummarySerializer(serializers.ModelSerializer):
    call_type = serializers.CharField(source="call_type_id")

    class Meta:
        model = Call
        fields = [
            "id",
            "status",
            "call_type",
            "received_at",
            "address",
            "lat",
            "lon",
            "route",
            "eligible_route",
            "priority",
            "explanation",
            "held_until",
        ]


class UnitSerializer(serializers.ModelSerializer):
    call = serializers.SerializerMethodField()

    class Meta:
        model = Unit
        fields = [
            "id",
            "name",
            "kind",
            "status",
            "lat",
            "lon",
            "position_at",
            "status_changed_at",
            "call",
        ]

    def get_call(self, unit: Unit) -> int | None:
        open_assignments = getattr(unit, "open_assignments", None)
        if open_assignments is None:
            return None
        return open_assignments[0].call_id if open_assignments else None


class AssignSerializer(StrictSerializer):
    unit = serializers.IntegerField(min_value=1, max_value=MAX_ID)


class UnitStatusSerializer(StrictSerializer):
    status = serializers.ChoiceField(choices=Unit.Status.choices)


class FeltSafeSerializer(StrictSerializer):
    responder = serializers.IntegerField(min_value=1)
    safe = serializers.BooleanField()


class ReferralSerializer(StrictSerializer):
    consent = serializers.BooleanField()
    needs = serializers.ListField(
        child=serializers.ChoiceField(choices=NEEDS), required=False, default=list
    )
    person_name = serializers.CharField(
        max_length=200, required=False, allow_blank=True, default=""
    )
    date_of_birth = serializers.DateField(required=False, allow_null=True)
    phone = serializers.CharField(max_length=40, required=False, allow_blank=True, default="")


class ClearSerializer(StrictSerializer):
    disposition = serializers.ChoiceField(choices=DISPOSITIONS)
    felt_safe = FeltSafeSerializer(many=True, required=False, default=list)
    referral = ReferralSerializer(required=False, allow_null=True)
    unit = serializers.IntegerField(
        required=False,
        min_value=1,
        max_value=MAX_ID,
        help_text="Which unit clears. Optional when the call has exactly one open assignment "
        "(that unit clears) and, for a responder, their own unit; required when several units "
        "are on the call.",
    )


class BoardSerializer(serializers.Serializer):
    etag = serializers.CharField()
    waiting = CallSummarySerializer(many=True)
    active = CallSummarySerializer(many=True)
    phone = CallSummarySerializer(many=True)
    units = UnitSerializer(many=True)
