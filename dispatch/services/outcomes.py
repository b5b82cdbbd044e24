"""The outcomes and self-reported demographics of a clearing (docs/data-dictionary.md).

`call_clear` records them inside its own transaction; these are its helpers, not a service of
their own (an outcome is part of how a call is cleared)."""

from __future__ import annotations

from dataclasses import dataclass, fields
from datetime import datetime
from typing import Any

from django.core.exceptions import ValidationError

from dispatch.models import Call, CallOutcome
from dispatch.outcome_vocabulary import (
    DEMOGRAPHICS,
    TRANSPORT_BY,
    TRANSPORT_NONE,
    TRANSPORT_TO,
    TRANSPORT_VOLUNTARY,
)

TRANSPORTED_DISPOSITIONS = frozenset({"transported_hospital", "transported_crisis_center"})


@dataclass(frozen=True)
class Outcome:
    """What a clearing says happened. None (or "" for a choice) = not given: the field keeps
    what an earlier clearing of the call recorded, or stays "not recorded" / "not collected"."""

    arrest: bool | None = None
    use_of_force: bool | None = None
    ivc_petitioned: bool | None = None
    ed_diverted: bool | None = None
    transport_by: str = ""
    transport_to: str = ""
    transport_voluntary: str = ""
    age_band: str = ""
    race_ethnicity: str = ""
    gender: str = ""
    housing_status: str = ""
    veteran: str = ""

    def given(self) -> dict[str, Any]:
        return {
            f.name: getattr(self, f.name)
            for f in fields(self)
            if getattr(self, f.name) not in (None, "")
        }


def _codes(choices: list[tuple[str, str]]) -> list[str]:
    return [code for code, _ in choices]


def outcome_check(outcome: Outcome, *, disposition: str) -> None:
    """Refuse an outcome that is not one of the vocabulary's or contradicts itself; errors are
    keyed ``outcome.<field>``."""
    errors: dict[str, list[str]] = {}
    choices = {
        "transport_by": TRANSPORT_BY,
        "transport_to": TRANSPORT_TO,
        "transport_voluntary": TRANSPORT_VOLUNTARY,
        **{name: options for name, (_, options) in DEMOGRAPHICS.items()},
    }
    for name, options in choices.items():
        value = getattr(outcome, name)
        if value and value not in _codes(options):
            errors[f"outcome.{name}"] = [f"{value!r} is not one of {', '.join(_codes(options))}"]
    by = outcome.transport_by
    moved = bool(by) and by != TRANSPORT_NONE
    if moved and not outcome.transport_to:
        errors.setdefault("outcome.transport_to", []).append(f"transported by {by}: say where to")
    if moved and not outcome.transport_voluntary:
        errors.setdefault("outcome.transport_voluntary", []).append(
            f"transported by {by}: say whether voluntary or involuntary"
        )
    if not moved and (outcome.transport_to or outcome.transport_voluntary):
        name = "outcome.transport_to" if outcome.transport_to else "outcome.transport_voluntary"
        errors.setdefault(name, []).append("no transport recorded: say who transported first")
    if by == TRANSPORT_NONE and disposition in TRANSPORTED_DISPOSITIONS:
        errors.setdefault("outcome.transport_by", []).append(
            f"the disposition {disposition!r} is a transport: say who transported"
        )
    if outcome.ed_diverted and outcome.transport_to == "hospital_ed":
        errors.setdefault("outcome.ed_diverted", []).append(
            "a person transported to the emergency department was not diverted from it"
        )
    if errors:
        raise ValidationError(errors)


def outcome_record(*, call: Call, outcome: Outcome, by: Any, at: datetime) -> CallOutcome | None:
    """Write the given fields of `outcome` on the call's outcome row (created at its first
    clearing that gives any). Runs inside the clearing's transaction."""
    given = outcome.given()
    if not given:
        return None
    if given.get("transport_by") == TRANSPORT_NONE:
        given |= {"transport_to": "", "transport_voluntary": ""}
    row, created = CallOutcome.objects.get_or_create(
        call=call, defaults={**given, "recorded_at": at, "recorded_by": by}
    )
    if not created:
        for name, value in given.items():
            setattr(row, name, value)
        row.recorded_at = at
        row.recorded_by = by
        row.save(update_fields=[*given, "recorded_at", "recorded_by"])
    return row
