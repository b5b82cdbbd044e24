"""The triage vocabulary: routes, services, priorities, call-type families and the screening
answers (docs/domain.md sections 1, 3 and 4).

Plain names, no logic: the engine, the coverage schedules, the models, forms, serializers and
the apps above triage all import them from here. Pure Python, like the engine: nothing here
needs Django.
"""

from __future__ import annotations

from typing import Final

__all__ = [
    "ANSWER_CHOICES",
    "ANSWER_FIELDS",
    "DEPARTMENT_SERVICES",
    "FAMILIES",
    "NOT_ASKED",
    "PRIORITIES",
    "PRIORITY_FROM_CALL_TYPE",
    "ROUTES",
]

ROUTES: Final = ("POLICE", "FIRE", "EMS", "HEART", "CO_RESPONSE", "CCD")
DEPARTMENT_SERVICES: Final = ("CCD", "HEART", "CO_RESPONSE")
PRIORITIES: Final = ("P1", "P2", "P3")
FAMILIES: Final = ("behavioral", "police", "fire", "ems")

_YES_NO_UNKNOWN = ("yes", "no", "unknown")
ANSWER_CHOICES: Final[dict[str, tuple[str, ...]]] = {
    "weapon": _YES_NO_UNKNOWN,
    "violence": _YES_NO_UNKNOWN,
    "threats": _YES_NO_UNKNOWN,
    "medical": _YES_NO_UNKNOWN,
    "fire_hazard": _YES_NO_UNKNOWN,
    "crime_in_progress": _YES_NO_UNKNOWN,
    "self_harm": ("none", "thoughts", "plan", "attempt", "unknown"),
    "caller_is_subject": _YES_NO_UNKNOWN,
    "wants_in_person": _YES_NO_UNKNOWN,
}
ANSWER_FIELDS: Final[tuple[str, ...]] = tuple(ANSWER_CHOICES)
# What every rule sees for a question that was not asked (docs/domain.md section 4).
NOT_ASKED: Final[dict[str, str]] = {
    name: ("none" if name == "self_harm" else "no") for name in ANSWER_FIELDS
}
# A rule's priority that means "the call type's default priority".
PRIORITY_FROM_CALL_TYPE: Final = "call_type"
