"""Writes for rule sets: drafts, rule edits, publication (docs/domain.md section 5).

Each function is one state change in one transaction with its audit entry inside. Only drafts
change: a published or retired version is what routed real calls, and every call keeps the
version number that routed it, so those versions are frozen (``RuleSetNotEditable``).

Rules are addressed by their id, not by position, so that a form rendered before someone else
reordered the draft still acts on the rule its user saw.
"""

from __future__ import annotations

import copy
from typing import Any, Literal

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.http import HttpRequest
from django.utils import timezone

from access.audit import audit_record
from triage.coverage import Coverage, CoverageError
from triage.engine import RuleSetError, compile_ruleset, validate_rules
from triage.models import CallType, RuleSet, ServiceSchedule
from triage.selectors import call_type_infos, engine_invalidate, ruleset_published

__all__ = [
    "RuleNotFound",
    "RuleSetNotEditable",
    "ruleset_draft_create",
    "ruleset_publish",
    "ruleset_rule_add",
    "ruleset_rule_delete",
    "ruleset_rule_move",
    "ruleset_rule_update",
]

# Concurrent draft creations can pick the same next version number; the unique constraint
# rejects the loser, which simply tries again with the next number.
_VERSION_ATTEMPTS = 5


class RuleSetNotEditable(Exception):
    """Only drafts change; published and retired versions are frozen."""

    def __init__(self, ruleset: RuleSet) -> None:
        super().__init__(
            f"rule set v{ruleset.version} is {ruleset.status}: only drafts can be changed; "
            "copy it to a new draft instead"
        )
        self.version = ruleset.version
        self.status = ruleset.status


class RuleNotFound(LookupError):
    """The draft has no rule with that id (it was renamed or deleted meanwhile)."""

    def __init__(self, version: int, rule_id: str) -> None:
        super().__init__(f"rule set v{version} has no rule {rule_id!r}; reload the page")
        self.rule_id = rule_id


def _draft_for_update(version: int) -> RuleSet:
    """The draft, locked until the end of the transaction. Raises RuleSet.DoesNotExist."""
    ruleset = RuleSet.objects.select_for_update().get(version=version)
    if ruleset.status != RuleSet.Status.DRAFT:
        raise RuleSetNotEditable(ruleset)
    return ruleset


def _position(ruleset: RuleSet, rule_id: str) -> int:
    for index, rule in enumerate(ruleset.rules):
        if isinstance(rule, dict) and rule.get("id") == rule_id:
            return index
    raise RuleNotFound(ruleset.version, rule_id)


def _check(rules: list[dict[str, Any]]) -> None:
    """Refuse a rule list that is not well formed (RuleSetError names the rule and problem).

    Completeness (every call type decided whatever the answers) is checked at publication,
    not here: a supervisor may delete a catch-all rule before adding its replacement.
    """
    validate_rules(rules, call_types=set(CallType.objects.values_list("code", flat=True)))


def _save_rules(ruleset: RuleSet, rules: list[dict[str, Any]]) -> None:
    _check(rules)
    ruleset.rules = rules
    ruleset.save(update_fields=["rules"])


def ruleset_draft_create(
    *,
    by: Any,
    based_on: int | None = None,
    description: str = "",
    request: HttpRequest | None = None,
) -> RuleSet:
    """A new draft with the next version number, a copy of version ``based_on`` (default: the
    published one): its rules and fallback chains. Raises RuleSet.DoesNotExist or
    NoPublishedRuleSet when there is nothing to copy.
    """
    for attempt in range(_VERSION_ATTEMPTS):
        try:
            return _draft_create_once(
                by=by, based_on=based_on, description=description, request=request
            )
        except IntegrityError:
            if attempt == _VERSION_ATTEMPTS - 1:
                raise
    raise AssertionError("unreachable")  # pragma: no cover


def _draft_create_once(
    *, by: Any, based_on: int | None, description: str, request: HttpRequest | None
) -> RuleSet:
    with transaction.atomic(durable=True):
        source = ruleset_published() if based_on is None else RuleSet.objects.get(version=based_on)
        highest = RuleSet.objects.aggregate(highest=Max("version"))["highest"] or 0
        draft = RuleSet.objects.create(
            version=highest + 1,
            status=RuleSet.Status.DRAFT,
            rules=copy.deepcopy(source.rules),
            fallback=copy.deepcopy(source.fallback),
            description=description.strip()[:200],
            based_on=source,
            created_at=timezone.now(),
            created_by=by if by is not None and by.is_authenticated else None,
        )
        audit_record(
            action="ruleset.draft_create",
            user=by,
            obj=draft,
            request=request,
            detail={"version": draft.version, "based_on": source.version},
        )
    return draft


def ruleset_rule_update(
    *,
    version: int,
    rule_id: str,
    rule: dict[str, Any],
    by: Any,
    request: HttpRequest | None = None,
) -> RuleSet:
    """Replace rule ``rule_id`` of draft ``version`` with ``rule`` (which may rename it).

    Raises RuleSetError (naming the rule and the problem) when the result is not a valid rule
    list, and then nothing is saved.
    """
    with transaction.atomic(durable=True):
        draft = _draft_for_update(version)
        rules = copy.deepcopy(draft.rules)
        index = _position(draft, rule_id)
        before = rules[index]
        rules[index] = copy.deepcopy(rule)
        _save_rules(draft, rules)
        audit_record(
            action="ruleset.rule_edit",
            user=by,
            obj=draft,
            request=request,
            detail={"version": version, "rule": rule_id, "before": before, "after": rule},
        )
    return draft


def ruleset_rule_add(
    *,
    version: int,
    rule: dict[str, Any],
    before: str | None,
    by: Any,
    request: HttpRequest | None = None,
) -> RuleSet:
    """Insert ``rule`` into draft ``version`` in front of rule ``before`` (None: at the end).

    Raises RuleSetError when the result is not a valid rule list; nothing is saved then.
    """
    with transaction.atomic(durable=True):
        draft = _draft_for_update(version)
        rules = copy.deepcopy(draft.rules)
        index = len(rules) if before is None else _position(draft, before)
        rules.insert(index, copy.deepcopy(rule))
        _save_rules(draft, rules)
        audit_record(
            action="ruleset.rule_add",
            user=by,
            obj=draft,
            request=request,
            detail={
                "version": version,
                "rule": rule.get("id"),
                "position": index + 1,
                "after": rule,
            },
        )
    return draft


def ruleset_rule_delete(
    *, version: int, rule_id: str, by: Any, request: HttpRequest | None = None
) -> RuleSet:
    """Remove rule ``rule_id`` from draft ``version``."""
    with transaction.atomic(durable=True):
        draft = _draft_for_update(version)
        rules = copy.deepcopy(draft.rules)
        index = _position(draft, rule_id)
        removed = rules.pop(index)
        _save_rules(draft, rules)
        audit_record(
            action="ruleset.rule_delete",
            user=by,
            obj=draft,
            request=request,
            detail={"version": version, "rule": rule_id, "position": index + 1, "before": removed},
        )
    return draft


def ruleset_rule_move(
    *,
    version: int,
    rule_id: str,
    direction: Literal["up", "down"],
    by: Any,
    request: HttpRequest | None = None,
) -> RuleSet:
    """Swap rule ``rule_id`` of draft ``version`` with its neighbour above or below.

    Order is the policy (the first matching rule wins). Moving the first rule up or the last
    one down changes nothing and records nothing.
    """
    if direction not in ("up", "down"):
        raise ValueError(f"direction must be 'up' or 'down', not {direction!r}")
    with transaction.atomic(durable=True):
        draft = _draft_for_update(version)
        rules = copy.deepcopy(draft.rules)
        index = _position(draft, rule_id)
        other = index - 1 if direction == "up" else index + 1
        if not 0 <= other < len(rules):
            return draft
        rules[index], rules[other] = rules[other], rules[index]
        _save_rules(draft, rules)
        audit_record(
            action="ruleset.reorder",
            user=by,
            obj=draft,
            request=request,
            detail={
                "version": version,
                "rule": rule_id,
                "direction": direction,
                "from": index + 1,
                "to": other + 1,
                "order": [r.get("id") for r in rules],
            },
        )
    return draft


def ruleset_publish(*, version: int, by: Any, request: HttpRequest | None = None) -> RuleSet:
    """Put draft ``version`` in force: the published version is retired in the same
    transaction (the database allows one published version), and this process's compiled
    engine is dropped after commit (other processes follow within TRIAGE_ENGINE_CACHE_SECONDS).

    The draft must compile against today's call types (every call type decided whatever the
    answers) and its fallback chains must be valid: RuleSetError otherwise, and nothing
    changes. Calls already routed keep the version that routed them.
    """
    with transaction.atomic(durable=True):
        draft = _draft_for_update(version)
        compile_ruleset(draft.rules, version=draft.version, call_types=call_type_infos())
        schedules = [entry.as_dict() for entry in ServiceSchedule.objects.all()]
        try:
            Coverage.from_schedules(schedules, draft.fallback, settings.TIME_ZONE)
        except CoverageError as error:
            raise RuleSetError(str(error)) from None
        previous = (
            RuleSet.objects.select_for_update().filter(status=RuleSet.Status.PUBLISHED).first()
        )
        now = timezone.now()
        if previous is not None:
            # Retire first: the partial unique index admits one published row at a time.
            previous.status = RuleSet.Status.RETIRED
            previous.save(update_fields=["status"])
            audit_record(
                action="ruleset.retire",
                user=by,
                obj=previous,
                request=request,
                detail={"version": previous.version, "replaced_by": draft.version},
            )
        draft.status = RuleSet.Status.PUBLISHED
        draft.published_at = now
        draft.published_by = by if by is not None and by.is_authenticated else None
        draft.save(update_fields=["status", "published_at", "published_by"])
        audit_record(
            action="ruleset.publish",
            user=by,
            obj=draft,
            request=request,
            detail={
                "version": draft.version,
                "retired": previous.version if previous is not None else None,
                "rules": [r.get("id") for r in draft.rules],
            },
        )
        transaction.on_commit(engine_invalidate)
    return draft
