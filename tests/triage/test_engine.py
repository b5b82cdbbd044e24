"""The engine's contracts: validation, decisions, results, explanations, input errors."""

from __future__ import annotations

import dataclasses
import pickle
import subprocess
import sys
from datetime import UTC, datetime, timedelta, timezone
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from triage.default_policy import DEFAULT_RULES, default_call_types, default_coverage
from triage.engine import (
    BadAnswer,
    CallTypeInfo,
    RuleSetError,
    TriageInputError,
    TriageResult,
    UnknownCallType,
    compile_ruleset,
    evaluate,
    normalize_answers,
    parse_received_at,
    validate_rules,
)
from triage.vocabulary import ANSWER_CHOICES, ANSWER_FIELDS, NOT_ASKED

NEW_YORK = ZoneInfo("America/New_York")
CALL_TYPES = default_call_types()
RULES = compile_ruleset(DEFAULT_RULES, version=1, call_types=CALL_TYPES)
COVERAGE = default_coverage()
SAFE = {"weapon": "no", "violence": "no"}


def local(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=NEW_YORK)


def rule(rule_id: str = "R-test", **changes: Any) -> dict[str, Any]:
    return {"id": rule_id, "when": {}, "route": "POLICE", "priority": {"default": "P2"}, **changes}


def result_for(call_type: str, answers: dict[str, str], at: str) -> TriageResult:
    return evaluate(RULES, COVERAGE, call_type=call_type, answers=answers, received_at=local(at))


# --------------------------------------------------------------------------- constants


def test_it_lists_the_nine_answers_in_section_4_order() -> None:
    assert ANSWER_FIELDS == (
        "weapon",
        "violence",
        "threats",
        "medical",
        "fire_hazard",
        "crime_in_progress",
        "self_harm",
        "caller_is_subject",
        "wants_in_person",
    )
    assert ANSWER_CHOICES["self_harm"] == ("none", "thoughts", "plan", "attempt", "unknown")
    assert ANSWER_CHOICES["weapon"] == ("yes", "no", "unknown")
    assert NOT_ASKED["self_harm"] == "none" and NOT_ASKED["weapon"] == "no"


def test_it_imports_the_engine_without_django() -> None:
    code = (
        "import sys\n"
        "import triage.vocabulary, triage.engine, triage.coverage, triage.default_policy\n"
        "import triage.replay\n"
        "assert not any(m == 'django' or m.startswith('django.') for m in sys.modules), "
        "sorted(m for m in sys.modules if m.startswith('django'))\n"
    )
    env_free = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=False
    )
    assert env_free.returncode == 0, env_free.stderr


# --------------------------------------------------------------------------- validation


@pytest.mark.parametrize(
    ("bad_rule", "message"),
    [
        (
            rule("R5-elevated-risk", when={"answer": "wepon", "in": ["yes"]}),
            "rule R5-elevated-risk: answer 'wepon' is not a screening question",
        ),
        (
            rule("R9", when={"answer": "weapon", "in": ["maybe"]}),
            "rule R9: answer 'weapon': 'maybe' is not one of yes, no, unknown",
        ),
        (rule("R9", route="SWAT"), "rule R9: route 'SWAT' is not one of POLICE"),
        (rule("R9", priority={"default": "P0"}), "rule R9: priority default 'P0' is not one of"),
        (
            rule("R9", when={"family": ["medical"]}),
            "rule R9: family 'medical' is not one of behavioral, police, fire, ems",
        ),
        (rule("R9", colour="red"), "rule R9: unknown key(s) 'colour'"),
        (rule("R9", when={"every": []}), "rule R9: unknown condition ['every']"),
        (rule("R9", when={"any": []}), "rule R9: any needs at least one condition"),
        (rule(""), "rule #1: id is missing or empty"),
        (
            rule("R9", priority={"default": "P2", "cases": [{"when": {}, "priority": "P7"}]}),
            "rule R9: priority 'P7' is not one of",
        ),
        (
            rule("R9", when={"answer": "weapon", "in": ["yes"], "not": {}}),
            "rule R9: a condition has exactly one of",
        ),
    ],
)
def test_it_names_the_rule_and_the_field_in_validation_errors(
    bad_rule: dict[str, Any], message: str
) -> None:
    with pytest.raises(RuleSetError) as raised:
        validate_rules([bad_rule])
    assert str(raised.value).startswith(message)


def test_it_points_at_where_in_the_condition_the_problem_is() -> None:
    bad = rule("R5", when={"all": [{"family": ["behavioral"]}, {"answer": "wepon", "in": ["yes"]}]})
    with pytest.raises(RuleSetError) as raised:
        validate_rules([bad])
    assert raised.value.rule_id == "R5"
    assert raised.value.path == "when.all[1]"
    assert str(raised.value).endswith("(at when.all[1])")


def test_it_refuses_duplicate_rule_ids() -> None:
    with pytest.raises(RuleSetError, match="rule R1: id is used by an earlier rule"):
        validate_rules([rule("R1"), rule("R1")])


def test_it_checks_call_type_codes_only_when_told_the_known_ones() -> None:
    draft = [rule("R1", when={"call_type": ["UFO_SIGHTING"]}), rule("R2")]
    validate_rules(draft)
    with pytest.raises(RuleSetError, match="rule R1: call type 'UFO_SIGHTING' is not a known"):
        validate_rules(draft, call_types=CALL_TYPES)
    with pytest.raises(RuleSetError, match="UFO_SIGHTING"):
        compile_ruleset(draft, version=2, call_types=CALL_TYPES)


def test_it_refuses_a_rule_set_that_leaves_a_call_type_undecided() -> None:
    only_weapons = [rule("R1", when={"answer": "weapon", "in": ["yes"]})]
    with pytest.raises(RuleSetError, match="call type 'MENTAL_HEALTH' .* not decided"):
        compile_ruleset(only_weapons, version=2, call_types=CALL_TYPES)


def test_it_accepts_always_conditions_not_and_call_type_priorities() -> None:
    rules = [
        rule(
            "quiet",
            when={"all": [{"not": {"answer": "weapon", "in": ["yes", "unknown"]}}]},
            route="HEART",
            priority={
                "default": "call_type",
                "cases": [{"when": {"call_type": ["THEFT"]}, "priority": "P1"}],
            },
        ),
        rule("rest", when={"all": []}, route="CO_RESPONSE"),
    ]
    compiled = compile_ruleset(rules, version=7, call_types=CALL_TYPES)
    assert compiled.decide("NOISE", {}).priority == "P3"  # the call type's own default
    assert compiled.decide("THEFT", {}).priority == "P1"
    assert compiled.decide("THEFT", {"weapon": "unknown"}).eligible_route == "CO_RESPONSE"
    assert compiled.decide("THEFT", {}).ruleset_version == 7


def test_it_does_not_share_the_rules_it_was_compiled_from() -> None:
    rules = [rule("R1")]
    compiled = compile_ruleset(rules, version=1, call_types=CALL_TYPES)
    rules[0]["route"] = "FIRE"
    assert compiled.decide("THEFT", {}).eligible_route == "POLICE"
    assert compiled.rules[0]["route"] == "POLICE"


def test_it_validates_the_call_type_table() -> None:
    broken = {"X": CallTypeInfo("X", "X", "aliens", "P1")}
    with pytest.raises(RuleSetError, match="family 'aliens'"):
        compile_ruleset([rule()], version=1, call_types=broken)


# --------------------------------------------------------------------------- inputs


def test_it_rejects_an_unknown_call_type_naming_the_field() -> None:
    with pytest.raises(UnknownCallType) as raised:
        RULES.decide("UFO_SIGHTING", SAFE)
    assert raised.value.field == "call_type"
    assert str(raised.value) == "call_type: 'UFO_SIGHTING' is not a known call type"
    assert isinstance(raised.value, TriageInputError) and isinstance(raised.value, ValueError)


def test_it_rejects_a_bad_answer_naming_the_field() -> None:
    with pytest.raises(BadAnswer) as raised:
        RULES.decide("WELFARE_CHECK", {"weapon": "maybe", "violence": "no"})
    assert raised.value.field == "answers.weapon"
    assert str(raised.value) == "answers.weapon: 'maybe' is not one of yes, no, unknown"
    with pytest.raises(BadAnswer, match="answers.self_harm: 'yes' is not one of none, thoughts"):
        RULES.decide("WELFARE_CHECK", {"self_harm": "yes"})
    with pytest.raises(BadAnswer, match="answers.violence: 1 is not one of"):
        RULES.decide("WELFARE_CHECK", {"violence": 1})  # type: ignore[dict-item]
    with pytest.raises(BadAnswer, match=r"answers.weapon: \['yes'\] is not one of"):
        RULES.decide("WELFARE_CHECK", {"weapon": ["yes"]})  # type: ignore[dict-item]


def test_it_rejects_a_misspelt_question_rather_than_ignoring_it() -> None:
    with pytest.raises(BadAnswer) as raised:
        RULES.decide("WELFARE_CHECK", {"wepon": "yes", "violence": "no"})
    assert raised.value.field == "answers.wepon"
    assert "not a screening question" in str(raised.value)


def test_it_reads_blank_and_absent_answers_as_not_asked() -> None:
    assert RULES.decide("WELFARE_CHECK", {"weapon": "", "violence": None}) is RULES.decide(
        "WELFARE_CHECK", {}
    )
    assert RULES.decide("WELFARE_CHECK", {"weapon": "  "}).decisive == ()


def test_it_reads_answers_trimmed_and_in_any_case() -> None:
    plain = RULES.decide("MENTAL_HEALTH", {"weapon": "unknown", "violence": "no"})
    shouted = RULES.decide("MENTAL_HEALTH", {"weapon": " UNKNOWN ", "violence": "No"})
    assert shouted is plain
    assert normalize_answers({"weapon": " Yes", "violence": "", "threats": None}) == {
        "weapon": "yes"
    }


def test_it_memoises_decisions() -> None:
    first = RULES.decide("TRESPASS", {"weapon": "no", "violence": "no", "threats": "no"})
    again = RULES.decide("TRESPASS", {"threats": "no", "violence": "no", "weapon": "no"})
    assert first is again


def test_it_decides_from_a_row_of_values_like_from_a_mapping() -> None:
    values = ("no", "no", "", "", "", "", "plan", "", "")
    assert RULES.decide_values("WELFARE_CHECK", values) is RULES.decide(
        "WELFARE_CHECK", {"weapon": "no", "violence": "no", "self_harm": "plan"}
    )
    with pytest.raises(ValueError, match="expected 9 answers"):
        RULES.decide_values("WELFARE_CHECK", ("no", "no"))


def test_it_keeps_input_errors_intact_through_pickling() -> None:
    errors: list[TriageInputError] = [
        BadAnswer("weapon", "maybe"),
        UnknownCallType("UFO"),
        TriageInputError("is blank", field="received_at"),
    ]
    for error in errors:
        copy = pickle.loads(pickle.dumps(error))  # noqa: S301 - our own bytes
        assert type(copy) is type(error)
        assert str(copy) == str(error) and copy.field == error.field
    rule_error = pickle.loads(pickle.dumps(RuleSetError("bad", rule_id="R1", path="when")))  # noqa: S301
    assert str(rule_error) == "rule R1: bad (at when)"


# --------------------------------------------------------------------------- results


def test_it_returns_a_frozen_result_with_exactly_the_contract_fields() -> None:
    result = result_for("WELFARE_CHECK", SAFE, "2026-05-04T10:00")
    assert [f.name for f in dataclasses.fields(TriageResult)] == [
        "eligible_route",
        "route",
        "priority",
        "rule",
        "ruleset_version",
        "unserved_reason",
        "explanation",
    ]
    assert result.as_dict() == {
        "eligible_route": "HEART",
        "route": "HEART",
        "priority": "P2",
        "rule": "R8-community",
        "ruleset_version": 1,
        "unserved_reason": None,
        "explanation": "Welfare check, no weapon, no violence: HEART (R8-community)",
    }
    with pytest.raises(dataclasses.FrozenInstanceError):
        result.route = "POLICE"  # type: ignore[misc]


def test_it_explains_a_fallback_with_the_local_time_of_the_call() -> None:
    result = result_for("WELFARE_CHECK", SAFE, "2026-05-04T20:00")
    assert (result.eligible_route, result.route, result.unserved_reason) == (
        "HEART",
        "CO_RESPONSE",
        "outside_hours",
    )
    assert result.explanation == (
        "Welfare check, no weapon, no violence: HEART (R8-community); "
        "HEART off duty at 20:00: CO_RESPONSE"
    )


def test_it_names_every_service_passed_over_in_the_explanation() -> None:
    result = result_for("WELFARE_CHECK", SAFE, "2026-05-04T22:05")
    assert result.route == "POLICE"
    assert result.explanation.endswith("; HEART, CO_RESPONSE off duty at 22:05: POLICE")
    utc_call = evaluate(
        RULES,
        COVERAGE,
        call_type="WELFARE_CHECK",
        answers=SAFE,
        received_at=datetime(2026, 5, 5, 2, 5, tzinfo=UTC),
    )
    assert utc_call == result  # same instant, explained in the department's local time


def test_it_mentions_the_answers_that_decided_and_only_those_given() -> None:
    explanations = {
        "weapon unknown": ("MENTAL_HEALTH", {"weapon": "unknown", "violence": "no"}),
        "caller is the subject": (
            "MENTAL_HEALTH",
            {"caller_is_subject": "yes", "wants_in_person": "no", **SAFE},
        ),
        "medical emergency": ("THEFT", {"medical": "yes"}),
        "self-harm plan": ("SUICIDE_THREAT", {"self_harm": "plan", **SAFE}),
    }
    for phrase, (call_type, answers) in explanations.items():
        explanation = result_for(call_type, answers, "2026-05-04T10:00").explanation
        assert phrase in explanation, explanation
        assert "\n" not in explanation
    assert result_for("THEFT", {}, "2026-05-04T10:00").explanation == (
        "Theft: POLICE (R4-police-type)"
    )
    assert result_for("WELFARE_CHECK", {}, "2026-05-04T10:00").explanation == (
        "Welfare check: HEART (R8-community)"
    )


def test_it_refuses_a_naive_received_at() -> None:
    with pytest.raises(TriageInputError) as raised:
        evaluate(
            RULES,
            COVERAGE,
            call_type="THEFT",
            answers={},
            received_at=datetime(2026, 5, 4, 10, 0),  # noqa: DTZ001 - the point of the test
        )
    assert raised.value.field == "received_at"


# --------------------------------------------------------------------------- received_at


def test_it_parses_received_at_with_an_offset_or_in_utc() -> None:
    parsed = parse_received_at("2026-07-01T14:30:00-04:00", "America/New_York")
    assert parsed == datetime(2026, 7, 1, 18, 30, tzinfo=UTC)
    assert parsed.utcoffset() == timedelta(hours=-4)
    assert parse_received_at("2026-07-01T18:30:00Z", NEW_YORK) == parsed
    assert parse_received_at(" 2026-07-01 14:30 ", NEW_YORK) == parsed


def test_it_reads_a_naive_received_at_as_wall_clock_time_in_the_zone() -> None:
    parsed = parse_received_at("2026-01-15T08:00:00", "America/New_York")
    assert parsed.tzinfo == NEW_YORK
    assert parsed.astimezone(UTC) == datetime(2026, 1, 15, 13, 0, tzinfo=UTC)


def test_it_reads_naive_times_in_a_dst_gap_or_overlap_with_fold_0() -> None:
    # 02:30 does not exist on 2026-03-08: read with the offset before the change (EST).
    gap = parse_received_at("2026-03-08T02:30:00", "America/New_York")
    assert gap.astimezone(UTC) == datetime(2026, 3, 8, 7, 30, tzinfo=UTC)
    assert gap.astimezone(NEW_YORK).hour == 3
    # 01:30 happens twice on 2026-11-01: the first one (EDT).
    overlap = parse_received_at("2026-11-01T01:30:00", "America/New_York")
    assert overlap.astimezone(UTC) == datetime(2026, 11, 1, 5, 30, tzinfo=UTC)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "received_at: is blank"),
        ("yesterday", "received_at: 'yesterday' has no time of day"),
        ("2026-03-08", "received_at: '2026-03-08' has no time of day"),
        ("2026-13-08T10:00", "received_at: '2026-13-08T10:00' is not an ISO 8601 date-time"),
        ("08/03/2026 10:00", "received_at: '08/03/2026 10:00' is not an ISO 8601 date-time"),
    ],
)
def test_it_rejects_a_bad_received_at_clearly(text: str, message: str) -> None:
    with pytest.raises(TriageInputError) as raised:
        parse_received_at(text, "America/New_York")
    assert raised.value.field == "received_at"
    assert str(raised.value).startswith(message)


def test_it_accepts_a_tzinfo_and_refuses_an_unknown_zone() -> None:
    fixed = timezone(timedelta(hours=-7))
    assert parse_received_at("2026-01-01T00:00", fixed).utcoffset() == timedelta(hours=-7)
    with pytest.raises(ValueError, match="'Mars/Olympus' is not a known time zone"):
        parse_received_at("2026-01-01T00:00", "Mars/Olympus")
