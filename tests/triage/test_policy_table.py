"""The default policy of docs/domain.md section 5, rule by rule, and the default tables."""

from __future__ import annotations

import json

import pytest

from triage.default_policy import (
    DEFAULT_CALL_TYPES,
    DEFAULT_FALLBACK,
    DEFAULT_RULES,
    DEFAULT_SCHEDULES,
    default_call_types,
    default_ruleset,
)
from triage.engine import validate_rules
from triage.vocabulary import FAMILIES, PRIORITIES

RULES = default_ruleset()
CALL_TYPES = default_call_types()
BEHAVIORAL = [c.code for c in DEFAULT_CALL_TYPES if c.family == "behavioral"]
POLICE = [c.code for c in DEFAULT_CALL_TYPES if c.family == "police"]
FIRE = [c.code for c in DEFAULT_CALL_TYPES if c.family == "fire"]
EMS = [c.code for c in DEFAULT_CALL_TYPES if c.family == "ems"]
SAFE = {"weapon": "no", "violence": "no"}


def decided(call_type: str, **answers: str) -> tuple[str, str, str]:
    decision = RULES.decide(call_type, answers)
    return decision.eligible_route, decision.priority, decision.rule


# --------------------------------------------------------------------------- the tables


def test_it_seeds_every_call_type_of_section_3_in_its_family() -> None:
    expected = {
        "behavioral": "MENTAL_HEALTH SUICIDE_THREAT WELFARE_CHECK TRESPASS INTOXICATED "
        "PANHANDLING INDECENCY VERBAL_DISTURBANCE ASSIST_PERSON FOLLOW_UP",
        "police": "ASSAULT SHOTS_FIRED ROBBERY BURGLARY THEFT DOMESTIC FIGHT WEAPON SUSPICIOUS "
        "TRAFFIC_ACCIDENT TRAFFIC ALARM NOISE OTHER_POLICE",
        "fire": "FIRE FIRE_ALARM HAZMAT",
        "ems": "MEDICAL OVERDOSE UNCONSCIOUS INJURY",
    }
    for family in FAMILIES:
        seeded = [c.code for c in DEFAULT_CALL_TYPES if c.family == family]
        assert seeded == expected[family].split()
    assert len(CALL_TYPES) == len(DEFAULT_CALL_TYPES) == 31


def test_it_gives_every_call_type_a_readable_label_and_a_priority() -> None:
    for info in DEFAULT_CALL_TYPES:
        assert info.default_priority in PRIORITIES
        assert info.label and info.label != info.code and info.label[0].isupper()
    assert CALL_TYPES["WELFARE_CHECK"].label == "Welfare check"
    for code in ("SHOTS_FIRED", "ASSAULT", "ROBBERY", "DOMESTIC", "FIGHT", "WEAPON", "FIRE"):
        assert CALL_TYPES[code].default_priority == "P1"
    for code in ("BURGLARY", "SUSPICIOUS", "TRAFFIC_ACCIDENT"):
        assert CALL_TYPES[code].default_priority == "P2"
    for code in ("THEFT", "TRAFFIC", "ALARM", "NOISE", "OTHER_POLICE"):
        assert CALL_TYPES[code].default_priority == "P3"


def test_it_keeps_the_default_rules_as_plain_json() -> None:
    assert json.loads(json.dumps(DEFAULT_RULES)) == DEFAULT_RULES
    assert [rule["id"] for rule in DEFAULT_RULES] == [
        "R1-fire",
        "R2-medical",
        "R3-danger",
        "R4-police-type",
        "R5-elevated-risk",
        "R6-suicide-plan",
        "R7-phone",
        "R8-community",
    ]
    validate_rules(DEFAULT_RULES, call_types=CALL_TYPES)
    assert RULES.version == 1


def test_it_schedules_the_department_as_section_5_says() -> None:
    hours = {(e["service"], e["start"], e["end"]) for e in DEFAULT_SCHEDULES}
    assert hours == {
        ("CCD", "00:00", "24:00"),
        ("HEART", "07:00", "19:00"),
        ("CO_RESPONSE", "09:00", "21:00"),
    }
    for service in ("CCD", "HEART", "CO_RESPONSE"):
        days = sorted(e["weekday"] for e in DEFAULT_SCHEDULES if e["service"] == service)
        assert days == list(range(7))
    assert DEFAULT_FALLBACK == {
        "HEART": ["CO_RESPONSE", "POLICE"],
        "CO_RESPONSE": ["POLICE"],
        "CCD": ["POLICE"],
    }


# --------------------------------------------------------------------------- R1 to R8


def test_it_sends_a_fire_hazard_to_fire_whatever_the_call_type() -> None:
    assert decided("WELFARE_CHECK", fire_hazard="yes", **SAFE) == ("FIRE", "P1", "R1-fire")
    assert decided("THEFT", fire_hazard="yes") == ("FIRE", "P1", "R1-fire")
    assert decided("MEDICAL", fire_hazard="yes", medical="yes") == ("FIRE", "P1", "R1-fire")


@pytest.mark.parametrize("code", FIRE)
def test_it_sends_fire_call_types_to_fire(code: str) -> None:
    assert decided(code) == ("FIRE", "P1", "R1-fire")
    assert decided(code, violence="yes", weapon="yes") == ("FIRE", "P1", "R1-fire")


def test_it_sends_a_medical_emergency_or_a_self_harm_attempt_to_ems() -> None:
    assert decided("THEFT", medical="yes") == ("EMS", "P1", "R2-medical")
    assert decided("MENTAL_HEALTH", self_harm="attempt", **SAFE) == ("EMS", "P1", "R2-medical")


def test_it_sends_a_behavioral_call_with_a_medical_emergency_to_ems_first() -> None:
    assert decided("MENTAL_HEALTH", medical="yes", weapon="yes", violence="yes") == (
        "EMS",
        "P1",
        "R2-medical",
    )


@pytest.mark.parametrize("code", EMS)
def test_it_keeps_ems_call_types_with_ems_even_with_violence(code: str) -> None:
    assert decided(code) == ("EMS", "P1", "R2-medical")
    assert decided(code, violence="yes") == ("EMS", "P1", "R2-medical")


def test_it_sends_violence_or_a_crime_in_progress_to_police_at_p1() -> None:
    assert decided("MENTAL_HEALTH", violence="yes", weapon="no") == ("POLICE", "P1", "R3-danger")
    assert decided("TRESPASS", crime_in_progress="yes", **SAFE) == ("POLICE", "P1", "R3-danger")
    assert decided("THEFT", violence="yes") == ("POLICE", "P1", "R3-danger")


@pytest.mark.parametrize("code", POLICE)
def test_it_sends_police_call_types_to_police_at_their_own_priority(code: str) -> None:
    expected = ("POLICE", CALL_TYPES[code].default_priority, "R4-police-type")
    assert decided(code) == expected
    assert decided(code, weapon="yes", threats="yes", violence="unknown") == expected


def test_it_sends_elevated_risk_to_co_response() -> None:
    rule = "R5-elevated-risk"
    assert decided("MENTAL_HEALTH", weapon="yes", violence="no") == ("CO_RESPONSE", "P1", rule)
    assert decided("MENTAL_HEALTH", weapon="no", violence="no", threats="yes") == (
        "CO_RESPONSE",
        "P1",
        rule,
    )
    assert decided("WELFARE_CHECK", weapon="unknown", violence="no") == ("CO_RESPONSE", "P2", rule)
    assert decided("WELFARE_CHECK", weapon="no", violence="unknown") == ("CO_RESPONSE", "P2", rule)
    assert decided("TRESPASS", weapon="unknown", violence="no", threats="yes") == (
        "CO_RESPONSE",
        "P1",
        rule,
    )


def test_it_does_not_count_unknown_threats_alone_as_elevated_risk() -> None:
    assert decided("MENTAL_HEALTH", threats="unknown", **SAFE) == ("HEART", "P2", "R8-community")


def test_it_sends_a_suicide_plan_to_heart_at_p1() -> None:
    assert decided("MENTAL_HEALTH", self_harm="plan", **SAFE) == ("HEART", "P1", "R6-suicide-plan")
    # Risk to others comes first: a plan with a weapon goes to co-response (R5).
    assert decided("MENTAL_HEALTH", self_harm="plan", weapon="yes", violence="no") == (
        "CO_RESPONSE",
        "P1",
        "R5-elevated-risk",
    )
    # And the caller asking for no one does not keep a plan on the phone (R6 before R7).
    assert decided(
        "SUICIDE_THREAT", self_harm="plan", caller_is_subject="yes", wants_in_person="no", **SAFE
    ) == ("HEART", "P1", "R6-suicide-plan")


def test_it_keeps_the_caller_in_crisis_who_wants_no_visit_on_the_phone() -> None:
    assert decided("MENTAL_HEALTH", caller_is_subject="yes", wants_in_person="no", **SAFE) == (
        "CCD",
        "P2",
        "R7-phone",
    )
    # Not asked reads as "no" (section 4).
    assert decided("MENTAL_HEALTH", caller_is_subject="yes", **SAFE) == ("CCD", "P2", "R7-phone")


@pytest.mark.parametrize(
    "answers",
    [
        {"caller_is_subject": "yes", "wants_in_person": "yes"},
        {"caller_is_subject": "yes", "wants_in_person": "unknown"},
        {"caller_is_subject": "unknown", "wants_in_person": "no"},
        {"caller_is_subject": "no", "wants_in_person": "no"},
    ],
)
def test_it_sends_a_visit_when_r7_does_not_hold(answers: dict[str, str]) -> None:
    assert decided("MENTAL_HEALTH", **answers, **SAFE) == ("HEART", "P2", "R8-community")


@pytest.mark.parametrize("code", BEHAVIORAL)
def test_it_sends_other_behavioral_calls_to_heart_at_r8_priorities(code: str) -> None:
    expected = {"SUICIDE_THREAT": "P1", "PANHANDLING": "P3", "TRESPASS": "P3", "INDECENCY": "P3"}
    assert decided(code, **SAFE) == ("HEART", expected.get(code, "P2"), "R8-community")
    # Historical records without answers are taken at face value.
    assert decided(code) == ("HEART", expected.get(code, "P2"), "R8-community")


def test_it_does_not_meet_a_yes_rule_with_unknown() -> None:
    for answer in ("medical", "fire_hazard", "crime_in_progress"):
        assert decided("WELFARE_CHECK", **{answer: "unknown"}, **SAFE) == (
            "HEART",
            "P2",
            "R8-community",
        )
    assert decided("WELFARE_CHECK", self_harm="unknown", **SAFE)[2] == "R8-community"
