"""The outcomes and self-reported demographics a demo clearing records, drawn from the
`outcomes` entries of dispatch/data/demo_process.toml (docs/data-dictionary.md).

They come from a random stream of their own (seeded from the process's seed), so that adding
them left every other draw of the demo's year as it was."""

from __future__ import annotations

import random

from dispatch.demo_parameters import Outcomes, ParameterError, Weights, weighted
from dispatch.outcome_vocabulary import (
    DEMOGRAPHICS,
    NOT_COLLECTED,
    TRANSPORT_BY,
    TRANSPORT_NONE,
    TRANSPORT_TO,
)
from dispatch.services import Outcome


def outcome_codes_check(p: Outcomes) -> None:
    """Every weighted key is a code of the vocabulary (ParameterError names the entry)."""
    allowed: dict[str, list[str]] = {
        "hospital_transport_by": [c for c, _ in TRANSPORT_BY],
        "crisis_transport_by": [c for c, _ in TRANSPORT_BY],
        "crisis_destination": [c for c, _ in TRANSPORT_TO],
        **{name: [c for c, _ in choices] for name, (_, choices) in DEMOGRAPHICS.items()},
    }
    for name, codes in allowed.items():
        weights: Weights = getattr(p, name)
        unknown = sorted(set(weights) - set(codes))
        if unknown:
            raise ParameterError(f"outcomes.{name}: unknown codes {', '.join(unknown)}")


class OutcomeDraw:
    def __init__(self, p: Outcomes, seed: int) -> None:
        outcome_codes_check(p)
        self.p = p
        self.rng = random.Random(f"{seed}-outcomes")  # noqa: S311 - reproducible demo data

    def __call__(self, disposition: str, *, police_present: bool) -> Outcome | None:
        """What a unit clearing with `disposition` recorded, or None (nothing recorded)."""
        p, rng = self.p, self.rng
        if rng.random() >= p.recorded:
            return None
        took_over = disposition == "police_took_over"
        police_present = police_present or took_over
        arrest = rng.random() < (p.arrest_police_took_over if took_over else p.arrest_otherwise)
        ivc = rng.random() < p.ivc_petitioned
        if disposition == "transported_hospital":
            by, to = weighted(rng, p.hospital_transport_by), "hospital_ed"
        elif disposition == "transported_crisis_center":
            by, to = weighted(rng, p.crisis_transport_by), weighted(rng, p.crisis_destination)
        else:
            by, to = TRANSPORT_NONE, ""
        voluntary = ""
        if by != TRANSPORT_NONE:
            involuntary = ivc or rng.random() < p.involuntary_transport
            voluntary = "involuntary" if involuntary else "voluntary"
        asked = rng.random() < p.demographics_asked
        demographics = {
            name: weighted(rng, getattr(p, name)) if asked else NOT_COLLECTED
            for name in DEMOGRAPHICS
        }
        return Outcome(
            arrest=arrest,
            use_of_force=police_present and rng.random() < p.use_of_force,
            ivc_petitioned=ivc,
            ed_diverted=to != "hospital_ed" and rng.random() < p.ed_diverted,
            transport_by=by,
            transport_to=to,
            transport_voluntary=voluntary,
            **demographics,
        )
