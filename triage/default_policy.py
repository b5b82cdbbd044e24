"""The default configuration a new department starts from (docs/domain.md sections 3 to 5).

Everything here is seed data: admins edit call types, schedules and mappings, supervisors
publish new rule sets. The engine never reads this module by itself.
"""

from __future__ import annotations

from typing import Any, Final

from triage.coverage import Coverage
from triage.engine import CallTypeInfo, CompiledRuleSet, compile_ruleset

__all__ = [
    "DEFAULT_CALL_TYPES",
    "DEFAULT_FALLBACK",
    "DEFAULT_RULES",
    "DEFAULT_RULES_V2",
    "DEFAULT_RULES_VERSION",
    "DEFAULT_SCHEDULES",
    "DEFAULT_TIME_ZONE",
    "default_call_types",
    "default_coverage",
    "default_ruleset",
    "default_ruleset_v2",
    "THIRD_PARTY_PHONE_RULE",
]

DEFAULT_TIME_ZONE: Final = "America/New_York"
DEFAULT_RULES_VERSION: Final = 1


def _types(family: str, rows: list[tuple[str, str, str]]) -> list[CallTypeInfo]:
    return [CallTypeInfo(code, label, family, priority) for code, label, priority in rows]


# Behavioral priorities follow R8, so a rule set that uses the call type's default agrees
# with the published one.
DEFAULT_CALL_TYPES: Final[tuple[CallTypeInfo, ...]] = (
    *_types(
        "behavioral",
        [
            ("MENTAL_HEALTH", "Mental health crisis", "P2"),
            ("SUICIDE_THREAT", "Suicide threat", "P1"),
            ("WELFARE_CHECK", "Welfare check", "P2"),
            ("TRESPASS", "Trespass", "P3"),
            ("INTOXICATED", "Intoxicated person", "P2"),
            ("PANHANDLING", "Panhandling", "P3"),
            ("INDECENCY", "Public indecency", "P3"),
            ("VERBAL_DISTURBANCE", "Verbal disturbance", "P2"),
            ("ASSIST_PERSON", "Assist a person", "P2"),
            ("FOLLOW_UP", "Follow-up visit", "P2"),
        ],
    ),
    *_types(
        "police",
        [
            ("ASSAULT", "Assault", "P1"),
            ("SHOTS_FIRED", "Shots fired", "P1"),
            ("ROBBERY", "Robbery", "P1"),
            ("BURGLARY", "Burglary", "P2"),
            ("THEFT", "Theft", "P3"),
            ("DOMESTIC", "Domestic disturbance", "P1"),
            ("FIGHT", "Fight", "P1"),
            ("WEAPON", "Weapon complaint", "P1"),
            ("SUSPICIOUS", "Suspicious person or vehicle", "P2"),
            ("TRAFFIC_ACCIDENT", "Traffic accident", "P2"),
            ("TRAFFIC", "Traffic complaint", "P3"),
            ("ALARM", "Intrusion alarm", "P3"),
            ("NOISE", "Noise complaint", "P3"),
            ("OTHER_POLICE", "Other police matter", "P3"),
        ],
    ),
    *_types(
        "fire",
        [
            ("FIRE", "Fire", "P1"),
            ("FIRE_ALARM", "Fire alarm", "P2"),
            ("HAZMAT", "Hazardous materials", "P1"),
        ],
    ),
    *_types(
        "ems",
        [
            ("MEDICAL", "Medical emergency", "P1"),
            ("OVERDOSE", "Overdose", "P1"),
            ("UNCONSCIOUS", "Unconscious person", "P1"),
            ("INJURY", "Injury", "P2"),
        ],
    ),
)

# Rule set version 1, docs/domain.md section 5, in order: the first rule that matches decides.
DEFAULT_RULES: Final[list[dict[str, Any]]] = [
    {
        "id": "R1-fire",
        "when": {"any": [{"answer": "fire_hazard", "in": ["yes"]}, {"family": ["fire"]}]},
        "route": "FIRE",
        "priority": {"default": "P1"},
        "note": "Fire, smoke or gas, or a fire call type",
    },
    {
        "id": "R2-medical",
        "when": {
            "any": [
                {"answer": "medical", "in": ["yes"]},
                {"answer": "self_harm", "in": ["attempt"]},
                {"family": ["ems"]},
            ]
        },
        "route": "EMS",
        "priority": {"default": "P1"},
        "note": "Medical emergency, a self-harm attempt, or an EMS call type",
    },
    {
        "id": "R3-danger",
        "when": {
            "any": [
                {"answer": "violence", "in": ["yes"]},
                {"answer": "crime_in_progress", "in": ["yes"]},
            ]
        },
        "route": "POLICE",
        "priority": {"default": "P1"},
        "note": "Violence or a crime happening now",
    },
    {
        "id": "R4-police-type",
        "when": {"family": ["police"]},
        "route": "POLICE",
        "priority": {"default": "call_type"},
        "note": "Police call types keep their own priority",
    },
    {
        "id": "R5-elevated-risk",
        "when": {
            "all": [
                {"family": ["behavioral"]},
                {
                    "any": [
                        {"answer": "weapon", "in": ["yes", "unknown"]},
                        {"answer": "threats", "in": ["yes"]},
                        {"answer": "violence", "in": ["unknown"]},
                    ]
                },
            ]
        },
        "route": "CO_RESPONSE",
        "priority": {
            "default": "P2",
            "cases": [
                {
                    "when": {
                        "any": [
                            {"answer": "weapon", "in": ["yes"]},
                            {"answer": "threats", "in": ["yes"]},
                        ]
                    },
                    "priority": "P1",
                }
            ],
        },
        "note": "Behavioral call with a weapon (or maybe one), threats, or unknown violence",
    },
    {
        "id": "R6-suicide-plan",
        "when": {"answer": "self_harm", "in": ["plan"]},
        "route": "HEART",
        "priority": {"default": "P1"},
        "note": "Someone has a plan to hurt themselves",
    },
    {
        "id": "R7-phone",
        "when": {
            "all": [
                {"family": ["behavioral"]},
                {"answer": "caller_is_subject", "in": ["yes"]},
                {"answer": "wants_in_person", "in": ["no"]},
            ]
        },
        "route": "CCD",
        "priority": {"default": "P2"},
        "note": "The caller is the person in crisis and does not want anyone to come",
    },
    {
        "id": "R8-community",
        "when": {"family": ["behavioral"]},
        "route": "HEART",
        "priority": {
            "default": "P2",
            "cases": [
                {"when": {"call_type": ["SUICIDE_THREAT"]}, "priority": "P1"},
                {
                    "when": {"call_type": ["PANHANDLING", "TRESPASS", "INDECENCY"]},
                    "priority": "P3",
                },
            ],
        },
        "note": "Every other behavioral call goes to the community response team",
    },
]

# The default policy's second version (issue 15), published by triage migration 0003 as the
# version after the highest (2 on a new database): version 1 plus this rule in front of
# R8-community. A third party (the mother calling about her daughter) reaches CCD when the
# caller was asked and said the person in crisis is someone else, and that nobody need come,
# and no risk was heard. "asked": a question nobody put to the caller reads as "no" to every
# other rule, which here would send every unscreened behavioral call to the phone.
THIRD_PARTY_PHONE_RULE: Final[dict[str, Any]] = {
    "id": "R7b-third-party-phone",
    "when": {
        "all": [
            {"family": ["behavioral"]},
            {"answer": "caller_is_subject", "in": ["no"], "asked": True},
            {"answer": "wants_in_person", "in": ["no"], "asked": True},
            {"answer": "weapon", "in": ["no"]},
            {"answer": "violence", "in": ["no"]},
            {"answer": "threats", "in": ["no"]},
            {"answer": "self_harm", "in": ["none"]},
        ]
    },
    "route": "CCD",
    "priority": {"default": "P2"},
    "note": "A third party calls about someone else, nobody need come and no risk was heard: "
    "a CCD clinician assesses by phone",
}
THIRD_PARTY_PHONE_BEFORE: Final = "R8-community"


def _with_third_party_phone(rules: list[dict[str, Any]]) -> list[dict[str, Any]]:
    at = next(i for i, rule in enumerate(rules) if rule["id"] == THIRD_PARTY_PHONE_BEFORE)
    return [*rules[:at], THIRD_PARTY_PHONE_RULE, *rules[at:]]


DEFAULT_RULES_V2: Final[list[dict[str, Any]]] = _with_third_party_phone(DEFAULT_RULES)

_EVERY_DAY = range(7)

DEFAULT_SCHEDULES: Final[list[dict[str, Any]]] = [
    *({"service": "CCD", "weekday": d, "start": "00:00", "end": "24:00"} for d in _EVERY_DAY),
    *({"service": "HEART", "weekday": d, "start": "07:00", "end": "19:00"} for d in _EVERY_DAY),
    *(
        {"service": "CO_RESPONSE", "weekday": d, "start": "09:00", "end": "21:00"}
        for d in _EVERY_DAY
    ),
]

DEFAULT_FALLBACK: Final[dict[str, list[str]]] = {
    "HEART": ["CO_RESPONSE", "POLICE"],
    "CO_RESPONSE": ["POLICE"],
    "CCD": ["POLICE"],
}


def default_call_types() -> dict[str, CallTypeInfo]:
    return {info.code: info for info in DEFAULT_CALL_TYPES}


def default_ruleset() -> CompiledRuleSet:
    """Rule set version 1 compiled against the default call types."""
    return compile_ruleset(
        DEFAULT_RULES, version=DEFAULT_RULES_VERSION, call_types=default_call_types()
    )


def default_ruleset_v2(version: int = 2) -> CompiledRuleSet:
    """The default policy's second version (R7b-third-party-phone) compiled against the
    default call types."""
    return compile_ruleset(DEFAULT_RULES_V2, version=version, call_types=default_call_types())


def default_coverage(tz: str = DEFAULT_TIME_ZONE) -> Coverage:
    return Coverage.from_schedules(DEFAULT_SCHEDULES, DEFAULT_FALLBACK, tz)
