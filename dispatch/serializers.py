"""API shapes for calls, units and the board. Plain serializers: the writes go to services."""

from __future__ import annotations

import math
from datetime import datetime
from typing import Any

from django.utils import timezone
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from dispatch.models import (
    CANCEL_REASONS,
    DISPOSITIONS,
    LOCATION_SOURCES_AT_INTAKE,
    AlertAcknowledgement,
    Assignment,
    Call,
    Unit,
)
from dispatch.outcome_vocabulary import (
    DEMOGRAPHICS,
    TRANSPORT_BY,
    TRANSPORT_TO,
    TRANSPORT_VOLUNTARY,
)
from dispatch.selectors import position_age_s, position_trusted
from dispatch.services.after_intake import NOTE_MAX_CHARS
from dispatch.services.calls import NARRATIVE_MAX_CHARS, NARRATIVE_TOO_LONG
from dispatch.services.clearing import NEEDS
from dispatch.services.positions import MAX_ACCURACY_M
from dispatch.timeline import call_timeline
from triage.vocabulary import ANSWER_CHOICES, ROUTES
from web.http import MAX_ID
from web.serializers import StrictSerializer
from workforce.teams import Makeup
from workforce.vocabulary import LANGUAGE_CHOICES


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


class CallFieldsSerializer(StrictSerializer):
    """What a caller tells: the fields every way of logging a call takes (the API's create, a
    police handoff of a new call)."""

    call_type = serializers.CharField(max_length=120)
    address = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")
    lat = serializers.FloatField(required=False, allow_null=True, min_value=-90, max_value=90)
    lon = serializers.FloatField(required=False, allow_null=True, min_value=-180, max_value=180)
    zone = serializers.CharField(max_length=40, required=False, allow_blank=True, default="")
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


class CallCreateSerializer(CallFieldsSerializer):
    location_source = serializers.ChoiceField(
        choices=LOCATION_SOURCES_AT_INTAKE, required=False, allow_blank=True, default=""
    )
    landmark = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")
    received_at = serializers.DateTimeField(required=False, allow_null=True)
    person = serializers.IntegerField(required=False, allow_null=True, min_value=1)
    override_route = serializers.ChoiceField(
        choices=ROUTES, required=False, allow_blank=True, default=""
    )
    override_reason = serializers.CharField(
        max_length=500, required=False, allow_blank=True, default=""
    )
    duplicate_of = serializers.IntegerField(required=False, allow_null=True, min_value=1)
    caller_language = serializers.ChoiceField(
        choices=LANGUAGE_CHOICES,
        required=False,
        allow_blank=True,
        default="",
        help_text="ISO 639 code of the caller's language (docs/roster.md); blank: not recorded.",
    )
    interpreter_used = serializers.BooleanField(required=False, default=False)

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        if (attrs.get("lat") is None) != (attrs.get("lon") is None):
            raise serializers.ValidationError({"lon": "give both lat and lon, or neither"})
        return attrs


class TriageOutputSerializer(serializers.Serializer[Any]):
    eligible_route = serializers.CharField()
    route = serializers.CharField()
    priority = serializers.CharField()
    rule = serializers.CharField()
    ruleset_version = serializers.IntegerField(allow_null=True)
    unserved_reason = serializers.CharField(allow_null=True)
    explanation = serializers.CharField()


class AssignmentSerializer(serializers.ModelSerializer[Any]):
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


class CallSerializer(serializers.ModelSerializer[Any]):
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
            "caller_language",
            "interpreter_used",
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
            "transfer_988",
            "source",
            "duplicate_of",
            "first_dispatched_at",
            "first_on_scene_at",
            "transferred_from",
            "assignments",
        ]

    def get_unserved_reason(self, call: Call) -> str | None:
        return call.unserved_reason or None


class RecommendationSerializer(serializers.Serializer[Any]):
    unit = serializers.IntegerField(source="unit.pk")
    unit_name = serializers.CharField(source="unit.name")
    distance_m = serializers.FloatField(allow_null=True)
    team_warning = serializers.CharField()
    speaks_caller_language = serializers.BooleanField(allow_null=True)


class CallSummarySerializer(serializers.ModelSerializer[Any]):
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
            "transferred_from",
        ]


class UnitSerializer(serializers.ModelSerializer[Any]):
    """A unit with its last position and how old it is (`now` in the context fixes the instant
    the ages are counted from; default: when the serializer is made); with `makeups` in the
    context (roster_selectors.unit_makeups), also its crew now against its team template and
    the languages the crew speaks (docs/roster.md)."""

    call = serializers.SerializerMethodField()
    position_age_s = serializers.SerializerMethodField(
        help_text="Seconds since the last position; null when the unit never reported one"
    )
    position_stale = serializers.SerializerMethodField(
        help_text="True when there is no position younger than UNIT_POSITION_STALE_MINUTES: "
        'drawn faded, not used for "nearest"'
    )
    crew = serializers.SerializerMethodField()
    team_missing = serializers.SerializerMethodField()
    team_warning = serializers.SerializerMethodField()
    languages = serializers.SerializerMethodField()

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
            "position_accuracy_m",
            "position_source",
            "position_age_s",
            "position_stale",
            "status_changed_at",
            "call",
            "crew",
            "team_missing",
            "team_warning",
            "languages",
        ]

    def _now(self) -> datetime:
        # One instant for every unit of a list, kept on the root serializer.
        now: datetime | None = self.context.get("now") or getattr(self.root, "_ages_from", None)
        if now is None:
            now = timezone.now()
            self.root._ages_from = now  # type: ignore[attr-defined]
        return now

    def get_position_age_s(self, unit: Unit) -> int | None:
        return position_age_s(unit, now=self._now())

    def get_position_stale(self, unit: Unit) -> bool:
        return not position_trusted(unit, now=self._now())

    def _makeup(self, unit: Unit) -> Makeup | None:
        makeups: dict[int, Makeup] = self.context.get("makeups", {})
        return makeups.get(unit.pk)

    def get_crew(self, unit: Unit) -> list[str]:
        makeup = self._makeup(unit)
        return list(makeup.crew) if makeup else []

    def get_team_missing(self, unit: Unit) -> list[str]:
        makeup = self._makeup(unit)
        return list(makeup.missing) if makeup else []

    def get_team_warning(self, unit: Unit) -> str:
        makeup = self._makeup(unit)
        return makeup.warning if makeup else ""

    def get_languages(self, unit: Unit) -> list[str]:
        makeup = self._makeup(unit)
        return sorted(makeup.languages) if makeup else []

    def get_call(self, unit: Unit) -> int | None:
        open_assignments = getattr(unit, "open_assignments", None)
        if open_assignments is None:
            return None
        return open_assignments[0].call_id if open_assignments else None


class AssignSerializer(StrictSerializer):
    unit = serializers.IntegerField(min_value=1, max_value=MAX_ID)


class UnitPositionSerializer(StrictSerializer):
    """A position report from a member's phone or a vehicle AVL feed."""

    lat = serializers.FloatField(min_value=-90, max_value=90)
    lon = serializers.FloatField(min_value=-180, max_value=180)
    accuracy_m = serializers.FloatField(
        required=False,
        allow_null=True,
        min_value=0,
        max_value=MAX_ACCURACY_M,
        help_text="Radius of the fix's uncertainty in metres, as the device reports it",
    )
    at = serializers.DateTimeField(
        required=False,
        allow_null=True,
        help_text="When the fix was taken (RFC 3339 with an offset); default now. A time more "
        "than 30 s ahead of the server is refused; one older than the stored position is "
        "answered 200 with stored=false and not kept.",
    )

    def validate_lat(self, value: float) -> float:
        return _finite(value)

    def validate_lon(self, value: float) -> float:
        return _finite(value)

    def validate_accuracy_m(self, value: float | None) -> float | None:
        return None if value is None else _finite(value)


def _finite(value: float) -> float:
    if not math.isfinite(value):
        raise serializers.ValidationError("must be a finite number")
    return value


class UnitPositionResultSerializer(serializers.Serializer[Any]):
    stored = serializers.BooleanField(
        help_text="False when the unit already had a newer position (this one is not kept)"
    )
    detail = serializers.CharField()
    unit = UnitSerializer()


AT_HELP = (
    "When the change was made, for one sent later (a phone that was offline): stored as the "
    "field's time. Default now; refused in the future (beyond 5 minutes of clock skew) or "
    "before the call (the unit's dispatch)."
)


class UnitStatusSerializer(StrictSerializer):
    status = serializers.ChoiceField(choices=Unit.Status.choices)
    at = serializers.DateTimeField(required=False, help_text=AT_HELP)
    call = serializers.IntegerField(
        required=False,
        min_value=1,
        max_value=MAX_ID,
        help_text="The call the responder saw the unit on: if the unit was taken off it "
        "meanwhile (reassigned, cleared, closed) the change is refused with 409.",
    )


class BackupSerializer(StrictSerializer):
    reason = serializers.CharField(max_length=500)
    unit = serializers.IntegerField(
        required=False,
        min_value=1,
        max_value=MAX_ID,
        help_text="The unit asking; a responder's own unit when left out.",
    )
    at = serializers.DateTimeField(required=False, help_text=AT_HELP)


class BackupSerializerOut(serializers.Serializer[Any]):
    id = serializers.IntegerField()
    call = serializers.IntegerField(source="call_id")
    unit = serializers.IntegerField(source="unit_id")
    at = serializers.DateTimeField()
    reason = serializers.CharField()


class ReassignSerializer(StrictSerializer):
    from_unit = serializers.IntegerField(min_value=1, max_value=MAX_ID)
    unit = serializers.IntegerField(min_value=1, max_value=MAX_ID)


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


def _optional_choice(choices: list[tuple[str, str]], help_text: str) -> serializers.ChoiceField:
    return serializers.ChoiceField(
        choices=choices, required=False, allow_blank=True, help_text=help_text
    )


def _optional_flag(help_text: str) -> serializers.BooleanField:
    return serializers.BooleanField(required=False, allow_null=True, help_text=help_text)


class OutcomeSerializer(StrictSerializer):
    """Every field optional: left out (or null / "") is "not recorded" for an outcome and
    "not collected" for a demographic (docs/data-dictionary.md)."""

    arrest = _optional_flag("Was the person arrested?")
    use_of_force = _optional_flag("Did police use force?")
    ivc_petitioned = _optional_flag("Was an involuntary commitment (NC IVC) petitioned?")
    ed_diverted = _optional_flag(
        "Was the person diverted from an emergency department they would otherwise have gone to?"
    )
    transport_by = _optional_choice(TRANSPORT_BY, "Who transported the person (none: nobody)")
    transport_to = _optional_choice(TRANSPORT_TO, "Where to; required with a transport")
    transport_voluntary = _optional_choice(
        TRANSPORT_VOLUNTARY, "Voluntary or involuntary; required with a transport"
    )
    age_band = _optional_choice(DEMOGRAPHICS["age_band"][1], "Self-reported")
    race_ethnicity = _optional_choice(DEMOGRAPHICS["race_ethnicity"][1], "Self-reported")
    gender = _optional_choice(DEMOGRAPHICS["gender"][1], "Self-reported")
    housing_status = _optional_choice(DEMOGRAPHICS["housing_status"][1], "Self-reported")
    veteran = _optional_choice(DEMOGRAPHICS["veteran"][1], "Self-reported")


class ClearSerializer(StrictSerializer):
    disposition = serializers.ChoiceField(choices=DISPOSITIONS)
    felt_safe = FeltSafeSerializer(many=True, required=False, default=list)
    referral = ReferralSerializer(required=False, allow_null=True)
    outcome = OutcomeSerializer(
        required=False,
        allow_null=True,
        help_text="Optional outcomes and self-reported demographics (docs/data-dictionary.md).",
    )
    unit = serializers.IntegerField(
        required=False,
        min_value=1,
        max_value=MAX_ID,
        help_text="Which unit clears. Optional when the call has exactly one open assignment "
        "(that unit clears) and, for a responder, their own unit; required when several units "
        "are on the call.",
    )
    at = serializers.DateTimeField(required=False, help_text=AT_HELP)


class BoardSerializer(serializers.Serializer[Any]):
    etag = serializers.CharField()
    waiting = CallSummarySerializer(many=True)
    active = CallSummarySerializer(many=True)
    phone = CallSummarySerializer(many=True)
    units = UnitSerializer(many=True)


class TimelineEntrySerializer(serializers.Serializer[Any]):
    at = serializers.DateTimeField()
    kind = serializers.CharField(
        help_text="received, triage, dispatched, en_route, on_scene, transporting, cleared, "
        "a field event's kind (backup_requested, handoff, ccd_converted, ccd_resolved, "
        "hold_fallback, duplicate_linked, merged, cancelled), note, supplement, alert_ack, closed"
    )
    title = serializers.CharField(help_text="what happened, for people")
    detail = serializers.CharField()
    by = serializers.CharField(help_text="who did it; blank for the system")
    unit = serializers.CharField()
    from_call = serializers.IntegerField(
        allow_null=True, help_text="the duplicate call a note comes from, on the kept call"
    )
    changes = serializers.DictField(help_text="a supplement's changes: {field: {from, to}}")


class CallDetailSerializer(CallSerializer):
    """One call with its timeline, and the available units of its route a dispatcher would
    send (nearest first), each with its team warning and whether its crew speaks the caller's
    language (`recommended` in the context)."""

    cancel_reason = serializers.CharField()
    timeline = serializers.SerializerMethodField()
    recommended_units = serializers.SerializerMethodField()

    class Meta(CallSerializer.Meta):
        fields = [*CallSerializer.Meta.fields, "cancel_reason", "timeline", "recommended_units"]

    @extend_schema_field(TimelineEntrySerializer(many=True))
    def get_timeline(self, call: Call) -> list[dict[str, Any]]:
        return list(TimelineEntrySerializer(call_timeline(call), many=True).data)

    @extend_schema_field(RecommendationSerializer(many=True))
    def get_recommended_units(self, call: Call) -> list[dict[str, Any]]:
        return list(RecommendationSerializer(self.context.get("recommended", []), many=True).data)


class NoteSerializer(StrictSerializer):
    text = serializers.CharField(max_length=NOTE_MAX_CHARS)
    at = serializers.DateTimeField(
        required=False,
        allow_null=True,
        help_text="When it happened (a note written offline); default now. Refused in the "
        "future or before the call was received.",
    )


class NoteCreatedSerializer(serializers.Serializer[Any]):
    id = serializers.IntegerField()
    call = serializers.IntegerField(source="call_id")
    kind = serializers.CharField()
    text = serializers.CharField()
    at = serializers.DateTimeField()
    unit = serializers.CharField(source="unit.name", allow_null=True, default=None)
    changes = serializers.DictField()


class SupplementSerializer(StrictSerializer):
    text = serializers.CharField(max_length=NOTE_MAX_CHARS)
    callback_number = serializers.CharField(
        max_length=40, required=False, allow_blank=True, default=""
    )
    address = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")
    lat = serializers.FloatField(required=False, allow_null=True, min_value=-90, max_value=90)
    lon = serializers.FloatField(required=False, allow_null=True, min_value=-180, max_value=180)

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        if (attrs.get("lat") is None) != (attrs.get("lon") is None):
            raise serializers.ValidationError({"lon": "give both lat and lon, or neither"})
        return attrs


class CancelSerializer(StrictSerializer):
    reason = serializers.ChoiceField(choices=CANCEL_REASONS)
    text = serializers.CharField(
        max_length=500,
        required=False,
        allow_blank=True,
        default="",
        help_text="Free text; required when reason is other.",
    )


class MergeSerializer(StrictSerializer):
    into = serializers.IntegerField(
        min_value=1, max_value=MAX_ID, help_text="The call that is kept."
    )
    reason = serializers.CharField(max_length=400, required=False, allow_blank=True, default="")


class AlertAckSerializer(StrictSerializer):
    kind = serializers.ChoiceField(choices=AlertAcknowledgement.Kind.choices)
