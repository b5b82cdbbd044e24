"""Reads for triage: the compiled engine in force, label lookups, rule sets.

Evaluation never touches the database: the published rule set, the call types and the
schedules are compiled once and kept in this process for a few seconds, so an admin's edit
reaches every web and worker process within ENGINE_TTL_SECONDS without a query per call.
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass

from django.conf import settings

from triage.coverage import Coverage
from triage.engine import CallTypeInfo, CompiledRuleSet, compile_ruleset
from triage.models import CallType, CallTypeMapping, RuleSet, ServiceSchedule

ENGINE_TTL_SECONDS = 5.0


@dataclass(frozen=True)
class Engine:
    ruleset: CompiledRuleSet
    coverage: Coverage
    call_types: dict[str, CallTypeInfo]


class NoPublishedRuleSet(LookupError):
    pass


_lock = threading.Lock()
_cache: dict[int | None, tuple[float, Engine]] = {}


def engine_invalidate() -> None:
    with _lock:
        _cache.clear()


def call_type_infos() -> dict[str, CallTypeInfo]:
    return {
        ct.code: CallTypeInfo(
            code=ct.code, label=ct.label, family=ct.family, default_priority=ct.default_priority
        )
        for ct in CallType.objects.all()
    }


def ruleset_published() -> RuleSet:
    ruleset = RuleSet.objects.filter(status=RuleSet.Status.PUBLISHED).first()
    if ruleset is None:
        raise NoPublishedRuleSet("no triage rule set is published")
    return ruleset


def engine_get(version: int | None = None) -> Engine:
    """The compiled engine for a rule-set version (default: the published one)."""
    now = time.monotonic()
    with _lock:
        hit = _cache.get(version)
        if hit is not None and now - hit[0] < ENGINE_TTL_SECONDS:
            return hit[1]
    if version is None:
        ruleset = ruleset_published()
    else:
        found = RuleSet.objects.filter(version=version).first()
        if found is None:
            raise NoPublishedRuleSet(f"rule set version {version} does not exist")
        ruleset = found
    call_types = call_type_infos()
    schedules = [s.as_dict() for s in ServiceSchedule.objects.all()]
    engine = Engine(
        ruleset=compile_ruleset(ruleset.rules, version=ruleset.version, call_types=call_types),
        coverage=Coverage.from_schedules(schedules, ruleset.fallback, settings.TIME_ZONE),
        call_types=call_types,
    )
    with _lock:
        _cache[version] = (now, engine)
    return engine


def label_map() -> dict[str, str]:
    """External label (upper-cased) -> canonical code, with the codes themselves included."""
    mapping = {code.upper(): code for code in CallType.objects.values_list("code", flat=True)}
    for label, code in CallTypeMapping.objects.values_list("external_label", "call_type_id"):
        mapping.setdefault(label.strip().upper(), code)
    return mapping


def call_type_resolve(label: str) -> str | None:
    """A canonical code for a code or a mapped external label; None when unknown (never a guess)."""
    cleaned = label.strip()
    if not cleaned:
        return None
    # Canonical codes are answered from the cached engine: no query on the intake hot path.
    if cleaned.upper() in engine_get().call_types:
        return cleaned.upper()
    mapped = (
        CallTypeMapping.objects.filter(external_label__iexact=cleaned)
        .values_list("call_type_id", flat=True)
        .first()
    )
    return mapped
