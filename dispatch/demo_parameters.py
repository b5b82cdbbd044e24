"""The parameters of the demo's random process, read from dispatch/data/demo_process.toml.

That file is the one place they are set (dispatch/data/README.md renders it); this module
checks it against the shape below and fails loudly, naming the entry, on anything missing,
unknown or of the wrong kind.
"""

from __future__ import annotations

import dataclasses
import random
import tomllib
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any, get_type_hints

PARAMETERS_FILE = Path(__file__).with_name("data") / "demo_process.toml"


class ParameterError(ValueError):
    """The parameter file does not have the shape the demo needs."""


@dataclass(frozen=True)
class Spread:
    """A triangular distribution."""

    low: float
    mode: float
    high: float

    def draw(self, rng: random.Random) -> float:
        return rng.triangular(self.low, self.high, self.mode)


@dataclass(frozen=True)
class Range:
    """Whole numbers from low to high, both included."""

    low: int
    high: int

    def draw(self, rng: random.Random) -> int:
        return rng.randint(self.low, self.high)


Shares = dict[str, float]
Weights = dict[str, int]


@dataclass(frozen=True)
class History:
    weeks: int
    settle_minutes: int


@dataclass(frozen=True)
class Screening:
    phone: Shares
    third_party_phone: Shares
    elevated_risk: Shares
    suicide_plan: Shares
    medical: Shares
    crime_in_progress: Shares


@dataclass(frozen=True)
class Times:
    dispatch_seconds: Spread
    en_route_seconds: Spread
    travel_minutes: Spread
    on_scene_minutes: Spread


@dataclass(frozen=True)
class Department:
    felt_safe: float
    backup_every: Spread
    police_uninvited: float
    dispositions: Weights
    referral_consent: float


@dataclass(frozen=True)
class Handoff:
    share: float
    by_police: float
    after_minutes: Spread


@dataclass(frozen=True)
class Ccd:
    convert: float
    phone_minutes: Spread
    dispositions: Weights
    transfer_988_warm: float
    safety_plans: int
    plan_revised: float


@dataclass(frozen=True)
class Familiar:
    people: int
    responses: Range


@dataclass(frozen=True)
class People:
    age_years: Range


@dataclass(frozen=True)
class Care:
    needs: Weights
    second_need: float
    reachable: float
    failed_before_reached: Weights
    channels: Weights
    first_attempt_hours: Spread
    attempt_gap_hours: Spread
    declines_navigation: float
    referral_after_hours: Spread
    referral_outcomes: Weights
    referral_step_days: Spread


@dataclass(frozen=True)
class Outcomes:
    recorded: float
    arrest_police_took_over: float
    arrest_otherwise: float
    use_of_force: float
    ivc_petitioned: float
    involuntary_transport: float
    hospital_transport_by: Weights
    crisis_transport_by: Weights
    crisis_destination: Weights
    ed_diverted: float
    demographics_asked: float
    age_band: Weights
    race_ethnicity: Weights
    gender: Weights
    housing_status: Weights
    veteran: Weights


@dataclass(frozen=True)
class DemoProcess:
    seed: int
    history: History
    screening: Screening
    times: Times
    department: Department
    handoff: Handoff
    ccd: Ccd
    familiar: Familiar
    people: People
    care: Care
    outcomes: Outcomes


def weighted(rng: random.Random, weights: Weights) -> str:
    """One key of `weights`, drawn in proportion to its weight."""
    names = list(weights)
    return rng.choices(names, weights=[weights[n] for n in names])[0]


def _number(value: Any, name: str, kind: type) -> Any:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise ParameterError(f"{name}: {value!r} is not a number")
    if kind is int and not isinstance(value, int):
        raise ParameterError(f"{name}: {value!r} is not a whole number")
    return kind(value)


def _share(value: Any, name: str) -> float:
    share = _number(value, name, float)
    if not 0 <= share <= 1:
        raise ParameterError(f"{name}: {share} is not a share from 0 to 1")
    return float(share)


def _table(value: Any, name: str) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise ParameterError(f"{name}: {value!r} is not a table")
    return value


def _convert(kind: Any, value: Any, name: str) -> Any:
    if kind is float:
        return _share(value, name)
    if kind is int:
        return _number(value, name, int)
    if kind == Shares:
        return {k: _share(v, f"{name}.{k}") for k, v in _table(value, name).items()}
    if kind == Weights:
        weights = {k: _number(v, f"{name}.{k}", int) for k, v in _table(value, name).items()}
        if not weights or min(weights.values()) < 0 or not sum(weights.values()):
            raise ParameterError(f"{name}: weights must be positive and not all zero")
        return weights
    if kind in (Spread, Range):
        return _build(kind, _table(value, name), name, leaf=True)
    raise ParameterError(f"{name}: no reader for {kind!r}")  # pragma: no cover


def _build(cls: type, raw: dict[str, Any], prefix: str, *, leaf: bool = False) -> Any:
    """`cls` from its table; a group's fields are tables with value, about and basis."""
    hints = get_type_hints(cls)
    names = [f.name for f in dataclasses.fields(cls)]
    where = prefix or "the file"
    missing = [n for n in names if n not in raw]
    unknown = sorted(set(raw) - set(names))
    if missing:
        raise ParameterError(f"{where}: missing {', '.join(missing)}")
    if unknown:
        raise ParameterError(f"{where}: unknown {', '.join(unknown)}")
    values: dict[str, Any] = {}
    for name in names:
        full = f"{prefix}.{name}" if prefix else name
        kind = hints[name]
        if leaf:
            values[name] = _number(raw[name], full, kind)
        elif (
            isinstance(kind, type)
            and dataclasses.is_dataclass(kind)
            and kind not in (Spread, Range)
        ):
            values[name] = _build(kind, _table(raw[name], full), full)
        else:
            entry = _table(raw[name], full)
            for key in ("value", "about", "basis"):
                if key not in entry:
                    raise ParameterError(f"{full}: missing {key}")
            values[name] = _convert(kind, entry["value"], full)
    return cls(**values)


def demo_process_read(path: Path = PARAMETERS_FILE) -> DemoProcess:
    """The parameters in `path`. Raises ParameterError naming the first bad entry."""
    with path.open("rb") as handle:
        raw = tomllib.load(handle)
    process: DemoProcess = _build(DemoProcess, raw, "")
    return process


@cache
def demo_process() -> DemoProcess:
    """The parameters of the demo's random process (read once per process)."""
    return demo_process_read()
