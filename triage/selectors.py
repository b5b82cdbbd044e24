"""Reads for triage: the compiled engine in force, label lookups, rule sets.

Evaluation never touches the database: the published rule set, the call types and the
schedules are compiled once and kept in this process for a few seconds (web.cache), so an
admin's edit reaches every web and worker process within TRIAGE_ENGINE_CACHE_SECONDS without a
query per call.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings

from triage.coverage import Coverage
from triage.engine import CallTypeInfo, CompiledRuleSet, compile_ruleset
from triage.models import CallType, CallTypeMapping, RuleSet, ServiceSchedule
from web.cache import cache_clear, cached


@dataclass(frozen=True)
class Engine:
    ruleset: CompiledRuleSet
    coverage: Coverage
    call_types: dict[str, CallTypeInfo]


class NoPublishedRuleSet(LookupError):
    pass


def engine_invalidate() -> None:
    cache_clear("triage_engine")


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
    return cached("triage_engine", version, lambda: _engine_compile(version))


def _engine_compile(version: int | None) -> Engine:
    if version is None:
        ruleset = ruleset_published()
    else:
        found = RuleSet.objects.filter(version=version).first()
        if found is None:
            raise NoPublishedRuleSet(f"rule set version {version} does not exist")
        ruleset = found
    call_types = call_type_infos()
    schedules = [s.as_dict() for s in ServiceSchedule.objects.all()]
    return Engine(
        ruleset=compile_ruleset(ruleset.rules, version=ruleset.version, call_types=call_types),
        coverage=Coverage.from_schedules(schedules, ruleset.fallback, settings.TIME_ZONE),
        call_types=call_types,
    )


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


def call_type_for_source_label(source: str, label: str) -> str | None:
    """The call type a label of one source maps to (any case), else None."""
    cleaned = label.strip()
    if not cleaned:
        return None
    return (
        CallTypeMapping.objects.filter(
            source=source, external_label__iexact=cleaned, call_type__active=True
        )
        .values_list("call_type_id", flat=True)
        .first()
    )


def source_label_for_call_type(source: str, code: str) -> str | None:
    """The first label of one source for a call type (the one the department sends), else None."""
    return (
        CallTypeMapping.objects.filter(source=source, call_type_id=code)
        .order_by("id")
        .values_list("external_label", flat=True)
        .first()
    )
