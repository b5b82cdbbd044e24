"""Triage over the API: evaluate a call without logging it, and list the rule-set versions."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.utils import timezone
from drf_spectacular.utils import OpenApiExample, OpenApiResponse, extend_schema
from rest_framework import serializers
from rest_framework.decorators import api_view, permission_classes
from rest_framework.request import Request
from rest_framework.response import Response

from access.api_permissions import perms_any
from triage.engine import (
    BadAnswer,
    TriageInputError,
    evaluate,
    normalize_answers,
    parse_received_at,
)
from triage.models import RuleSet
from triage.ruleset_selectors import ruleset_list
from triage.selectors import NoPublishedRuleSet, call_type_resolve, engine_get
from triage.vocabulary import ANSWER_CHOICES, PRIORITIES, ROUTES
from web.serializers import StrictSerializer

EVALUATE_PERMISSIONS = ("dispatch.log_call", "dispatch.dispatch_call", "triage.edit_ruleset")
RULESET_LIST_PERMISSIONS = ("triage.view_ruleset", "triage.edit_ruleset")


class TriageEvaluateRequestSerializer(StrictSerializer):
    call_type = serializers.CharField(
        help_text="A call-type code (MENTAL_HEALTH) or an external CAD label mapped onto one "
        "(CRISIS); an unmapped label is an error, never a guess."
    )
    received_at = serializers.CharField(
        required=False,
        help_text="ISO 8601 date-time; without an offset it is wall-clock time in the "
        "department's zone. Default: now.",
    )
    answers = serializers.DictField(
        child=serializers.CharField(allow_blank=True, allow_null=True),
        required=False,
        default=dict,
        help_text="Screening answers by question: "
        + "; ".join(f"{name}: {'/'.join(values)}" for name, values in ANSWER_CHOICES.items())
        + ". A question left out or blank was not asked and reads as no (none for self_harm).",
    )

    def validate_call_type(self, value: str) -> str:
        code = call_type_resolve(value)
        if code is None:
            raise serializers.ValidationError(
                f"{value!r} is neither a call type code nor a mapped CAD label"
            )
        return code

    def validate_received_at(self, value: str) -> Any:
        try:
            return parse_received_at(value, settings.TIME_ZONE)
        except TriageInputError as error:
            raise serializers.ValidationError(error.message) from None

    def validate_answers(self, value: dict[str, Any]) -> dict[str, str]:
        # Each answer is checked on its own so that every bad one is named at once.
        problems: dict[str, list[str]] = {}
        for name, answer in value.items():
            try:
                normalize_answers({name: answer})
            except BadAnswer as error:
                problems[str(name)] = [error.message]
        if problems:
            raise serializers.ValidationError(problems)
        return normalize_answers(value)


class TriageResultSerializer(serializers.Serializer[Any]):
    eligible_route = serializers.ChoiceField(
        choices=ROUTES, help_text="The route the rules chose, before coverage"
    )
    route = serializers.ChoiceField(
        choices=ROUTES, help_text="The route after coverage: the eligible one or its fallback"
    )
    priority = serializers.ChoiceField(choices=PRIORITIES)
    rule = serializers.CharField(help_text="Id of the rule that decided")
    ruleset_version = serializers.IntegerField()
    unserved_reason = serializers.ChoiceField(
        choices=["outside_hours"],
        allow_null=True,
        help_text="outside_hours when the eligible service was off duty, else null",
    )
    explanation = serializers.CharField(help_text="One line for the call-taker: why this route")


class RuleSetSummarySerializer(serializers.ModelSerializer[Any]):
    class Meta:
        model = RuleSet
        fields = ["version", "status", "description", "created_at", "published_at"]


@extend_schema(
    operation_id="triage_evaluate",
    request=TriageEvaluateRequestSerializer,
    responses={
        200: TriageResultSerializer,
        400: OpenApiResponse(
            description="Field errors: call_type, received_at, or answers by question "
            '(e.g. {"answers": {"weapon": ["\'maybe\' is not one of yes, no, unknown"]}})'
        ),
        403: OpenApiResponse(
            description="Needs dispatch.log_call, dispatch.dispatch_call or triage.edit_ruleset"
        ),
    },
    examples=[
        OpenApiExample(
            "Behavioral call, no risk",
            request_only=True,
            value={
                "call_type": "MENTAL_HEALTH",
                "received_at": "2026-03-10T14:30:00-04:00",
                "answers": {"weapon": "no", "violence": "no"},
            },
        )
    ],
)
@api_view(["POST"])
@permission_classes([perms_any(*EVALUATE_PERMISSIONS)])
def triage_evaluate(request: Request) -> Response:
    """Route a call with the published rule set, without logging it: the route, the priority,
    the rule and the version that decided, and why. Nothing is stored.
    """
    try:
        engine = engine_get()
    except NoPublishedRuleSet as error:
        return Response({"detail": str(error)}, status=503)
    serializer = TriageEvaluateRequestSerializer(data=request.data)
    serializer.is_valid(raise_exception=True)
    data = serializer.validated_data
    try:
        result = evaluate(
            engine.ruleset,
            engine.coverage,
            call_type=data["call_type"],
            answers=data["answers"],
            received_at=data.get("received_at") or timezone.now(),
        )
    except BadAnswer as error:
        return Response({"answers": {error.answer: [error.message]}}, status=400)
    except TriageInputError as error:
        # A call type added in the last few seconds may not be in the cached engine yet.
        return Response({error.field: [error.message]}, status=400)
    return Response(TriageResultSerializer(result.as_dict()).data)


@extend_schema(operation_id="triage_rulesets_list", responses=RuleSetSummarySerializer(many=True))
@api_view(["GET"])
@permission_classes([perms_any(*RULESET_LIST_PERMISSIONS)])
def triage_rulesets(request: Request) -> Response:
    """Every rule-set version, newest first: draft, published (exactly one) or retired."""
    return Response(RuleSetSummarySerializer(ruleset_list(), many=True).data)
