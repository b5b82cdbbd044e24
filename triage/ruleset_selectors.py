"""Reads for the rule-set pages, the replay command and the API: versions, a version compiled
on demand, and the what-if replay of a draft against stored calls (read from dispatch through
triage.signals.replay_calls_requested).

``triage.selectors.engine_get`` keeps compiled engines for a few seconds, which is right for
routing live calls with the published version but would show a supervisor a draft as it was
before their last edit; the functions here compile the stored rules every time.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any, cast

from django.conf import settings
from django.db.models import QuerySet
from django.utils import timezone

from triage.coverage import Coverage, CoverageError
from triage.engine import (
    CompiledRuleSet,
    RuleSetError,
    TriageInputError,
    TriageResult,
    compile_ruleset,
    evaluate,
)
from triage.models import RuleSet, ServiceSchedule
from triage.selectors import call_type_infos
from triage.signals import replay_calls_requested

WHAT_IF_DEFAULT_DAYS = 30
WHAT_IF_MAX_DAYS = 365
WHAT_IF_EXAMPLES = 5


def ruleset_list() -> QuerySet[RuleSet]:
    """Every version, newest first, without the rule bodies."""
    return (
        RuleSet.objects.select_related("created_by", "published_by", "based_on")
        .defer("rules", "fallback")
        .order_by("-version")
    )


def ruleset_get(version: int) -> RuleSet:
    """One version with its authors. Raises RuleSet.DoesNotExist."""
    return RuleSet.objects.select_related("created_by", "published_by", "based_on").get(
        version=version
    )


@dataclass(frozen=True)
class CompiledVersion:
    ruleset: CompiledRuleSet
    coverage: Coverage


def ruleset_compile(ruleset: RuleSet, *, tz: str | None = None) -> CompiledVersion:
    """``ruleset`` compiled against today's call types and schedules, read fresh.

    The schedules are wall-clock times in ``tz`` (default: the department's zone). Raises
    RuleSetError when the rules or the fallback chains cannot be used.
    """
    compiled = compile_ruleset(ruleset.rules, version=ruleset.version, call_types=call_type_infos())
    schedules = [entry.as_dict() for entry in ServiceSchedule.objects.all()]
    try:
        coverage = Coverage.from_schedules(schedules, ruleset.fallback, tz or settings.TIME_ZONE)
    except CoverageError as error:
        raise RuleSetError(str(error)) from None
    return CompiledVersion(ruleset=compiled, coverage=coverage)


@dataclass(frozen=True)
class WhatIfExample:
    call_id: int
    received_at: datetime
    call_type: str
    answers: dict[str, Any]
    stored_route: str
    stored_version: int | None
    before: TriageResult
    after: TriageResult


@dataclass
class WhatIfChange:
    """Calls whose route goes from ``from_route`` (baseline) to ``to_route`` (candidate)."""

    from_route: str
    to_route: str
    count: int = 0
    examples: list[WhatIfExample] = field(default_factory=list)


@dataclass
class WhatIf:
    version: int
    baseline_version: int
    days: int
    since: datetime
    calls: int = 0
    route_changed: int = 0
    # Same route but another rule or priority: worth a look, not a change of who goes.
    priority_changed: int = 0
    rule_changed: int = 0
    errors: int = 0
    error_examples: list[tuple[int, str]] = field(default_factory=list)
    changes: list[WhatIfChange] = field(default_factory=list)
    routes_before: Counter[str] = field(default_factory=Counter)
    routes_after: Counter[str] = field(default_factory=Counter)

    @property
    def route_rows(self) -> list[tuple[str, int, int, int]]:
        """(route, calls before, calls after, difference) for every route either side uses."""
        routes = sorted(set(self.routes_before) | set(self.routes_after))
        return [
            (
                route,
                self.routes_before[route],
                self.routes_after[route],
                self.routes_after[route] - self.routes_before[route],
            )
            for route in routes
        ]


def ruleset_what_if(
    *, candidate: RuleSet, baseline: RuleSet, days: int, now: datetime | None = None
) -> WhatIf:
    """Route the stored calls received in the last ``days`` days with ``candidate`` and with
    ``baseline`` (normally the published version), each with its own fallback chains and
    today's schedules, and count how routes change.

    Both sides are computed from the calls' stored call type, answers and received time, so a
    difference is due to the rules alone: the stored route may also reflect a call-taker
    override or a no-unit fallback and is shown on the examples only. One query for the calls
    whatever their number; raises RuleSetError when either version does not compile.
    """
    days = max(1, min(days, WHAT_IF_MAX_DAYS))
    since = (now or timezone.now()) - timedelta(days=days)
    after = ruleset_compile(candidate)
    before = ruleset_compile(baseline)
    report = WhatIf(
        version=candidate.version, baseline_version=baseline.version, days=days, since=since
    )
    changes: dict[tuple[str, str], WhatIfChange] = {}
    for pk, call_type, answers, received_at, stored_route, stored_version in _stored_calls(since):
        report.calls += 1
        given = answers if isinstance(answers, dict) else {}
        try:
            old = evaluate(
                before.ruleset,
                before.coverage,
                call_type=call_type,
                answers=given,
                received_at=received_at,
            )
            new = evaluate(
                after.ruleset,
                after.coverage,
                call_type=call_type,
                answers=given,
                received_at=received_at,
            )
        except TriageInputError as error:
            report.errors += 1
            if len(report.error_examples) < WHAT_IF_EXAMPLES:
                report.error_examples.append((pk, str(error)))
            continue
        report.routes_before[old.route] += 1
        report.routes_after[new.route] += 1
        if old.route != new.route:
            report.route_changed += 1
            change = changes.get((old.route, new.route))
            if change is None:
                change = changes[(old.route, new.route)] = WhatIfChange(old.route, new.route)
            change.count += 1
            if len(change.examples) < WHAT_IF_EXAMPLES:
                change.examples.append(
                    WhatIfExample(
                        call_id=pk,
                        received_at=received_at,
                        call_type=call_type,
                        answers=given,
                        stored_route=stored_route,
                        stored_version=stored_version,
                        before=old,
                        after=new,
                    )
                )
        else:
            if old.priority != new.priority:
                report.priority_changed += 1
            if old.rule != new.rule:
                report.rule_changed += 1
    report.changes = sorted(changes.values(), key=lambda c: (-c.count, c.from_route, c.to_route))
    return report


def _stored_calls(since: datetime) -> Iterator[tuple[Any, ...]]:
    """The calls received since `since`, newest first, from the app that stores them."""
    for _receiver, calls in replay_calls_requested.send(sender=RuleSet, since=since):
        # django-stubs types a receiver's answer as str | None; Django returns it as given.
        yield from cast("Iterable[tuple[Any, ...]]", calls)
