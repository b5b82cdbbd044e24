"""The triage engine: a call type and the screening answers give a route and a priority.

Pure Python on purpose: the console, the API, the replay of past calls and the benchmarks all
run the same code, and none of them may need Django configured (or a database) to triage.

Rules are data (JSON-able dicts, see ``default_policy.DEFAULT_RULES``). ``compile_ruleset``
validates them and partially evaluates them per call type into closures over the answers.
The input space is finite (a call type and nine small enumerations), so outcomes are memoised
per class of answers the rules can tell apart, and a warm decision is a few dict lookups.

The one-line explanation names the answers that were given (not-asked ones are left out) and
that the deciding rule tested, plus those tested by earlier rules restricted to the call's
family or type: "no weapon" is why a behavioral call went to HEART rather than co-response,
while "no fire hazard" would be noise on every call.
"""

from __future__ import annotations

import copy
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, tzinfo
from operator import getitem, itemgetter
from typing import Any, Final

from triage.coverage import Coverage, zone_for
from triage.vocabulary import (
    ANSWER_CHOICES,
    ANSWER_FIELDS,
    FAMILIES,
    NOT_ASKED,
    PRIORITIES,
    PRIORITY_FROM_CALL_TYPE,
    ROUTES,
)

__all__ = [
    "BadAnswer",
    "CallTypeInfo",
    "CompiledRuleSet",
    "Decision",
    "RuleSetError",
    "TriageInputError",
    "TriageResult",
    "UnknownCallType",
    "compile_ruleset",
    "evaluate",
    "normalize_answers",
    "parse_received_at",
    "validate_rules",
]


_FIELD_SET: Final = frozenset(ANSWER_FIELDS)
_FIELD_INDEX: Final = {name: i for i, name in enumerate(ANSWER_FIELDS)}

# Short phrases for the one-line explanation, per answer value.
_PHRASES: Final[tuple[dict[str, str], ...]] = tuple(
    {
        "weapon": {"yes": "weapon", "no": "no weapon", "unknown": "weapon unknown"},
        "violence": {"yes": "violence", "no": "no violence", "unknown": "violence unknown"},
        "threats": {"yes": "threats", "no": "no threats", "unknown": "threats unknown"},
        "medical": {
            "yes": "medical emergency",
            "no": "no medical emergency",
            "unknown": "medical emergency unknown",
        },
        "fire_hazard": {
            "yes": "fire hazard",
            "no": "no fire hazard",
            "unknown": "fire hazard unknown",
        },
        "crime_in_progress": {
            "yes": "crime in progress",
            "no": "no crime in progress",
            "unknown": "crime in progress unknown",
        },
        "self_harm": {
            "none": "no self-harm",
            "thoughts": "self-harm thoughts",
            "plan": "self-harm plan",
            "attempt": "self-harm attempt",
            "unknown": "self-harm unknown",
        },
        "caller_is_subject": {
            "yes": "caller is the subject",
            "no": "caller is not the subject",
            "unknown": "unknown if caller is the subject",
        },
        "wants_in_person": {
            "yes": "wants someone in person",
            "no": "does not want someone in person",
            "unknown": "unsure about someone in person",
        },
    }[name]
    for name in ANSWER_FIELDS
)

_CLOCK_FACE: Final = tuple(f"{m // 60:02d}:{m % 60:02d}" for m in range(24 * 60))


# --------------------------------------------------------------------------- errors


class TriageInputError(ValueError):
    """A call's inputs cannot be triaged; ``field`` names the offending input."""

    def __init__(self, message: str, *, field: str) -> None:
        super().__init__(f"{field}: {message}")
        self.field = field
        self.message = message

    def __reduce__(self) -> tuple[Any, ...]:
        # Keyword-only arguments defeat the default exception pickling (Celery results).
        return (_rebuild_input_error, (type(self), self.message, self.field))


def _rebuild_input_error(cls: type[TriageInputError], message: str, field: str) -> TriageInputError:
    error = cls.__new__(cls)
    TriageInputError.__init__(error, message, field=field)
    return error


class UnknownCallType(TriageInputError):
    def __init__(self, call_type: object) -> None:
        super().__init__(f"{call_type!r} is not a known call type", field="call_type")
        self.call_type = call_type

    def __reduce__(self) -> tuple[Any, ...]:
        return (UnknownCallType, (self.call_type,))


class BadAnswer(TriageInputError):
    def __init__(self, answer: str, value: object, message: str | None = None) -> None:
        if message is None:
            allowed = ", ".join(ANSWER_CHOICES[answer])
            message = f"{value!r} is not one of {allowed}"
        super().__init__(message, field=f"answers.{answer}")
        self.answer = answer
        self.value = value

    def __reduce__(self) -> tuple[Any, ...]:
        return (BadAnswer, (self.answer, self.value, self.message))


class RuleSetError(ValueError):
    """A rule set cannot be used; the message names the rule and what is wrong with it."""

    def __init__(self, problem: str, *, rule_id: str | None = None, path: str = "") -> None:
        where = f"rule {rule_id}: " if rule_id is not None else "rule set: "
        suffix = f" (at {path})" if path else ""
        super().__init__(f"{where}{problem}{suffix}")
        self.rule_id = rule_id
        self.path = path
        self.problem = problem

    def __reduce__(self) -> tuple[Any, ...]:
        return (_rebuild_ruleset_error, (self.problem, self.rule_id, self.path))


def _rebuild_ruleset_error(problem: str, rule_id: str | None, path: str) -> RuleSetError:
    return RuleSetError(problem, rule_id=rule_id, path=path)


# --------------------------------------------------------------------------- data types


@dataclass(frozen=True, slots=True)
class CallTypeInfo:
    code: str
    label: str
    family: str
    default_priority: str


@dataclass(frozen=True, slots=True)
class TriageResult:
    eligible_route: str
    route: str
    priority: str
    rule: str
    ruleset_version: int
    unserved_reason: str | None
    explanation: str

    def as_dict(self) -> dict[str, Any]:
        return {
            "eligible_route": self.eligible_route,
            "route": self.route,
            "priority": self.priority,
            "rule": self.rule,
            "ruleset_version": self.ruleset_version,
            "unserved_reason": self.unserved_reason,
            "explanation": self.explanation,
        }


# eq=False: decisions are interned by the compiled rule set, so identity is equality, and
# hashing by identity keeps the fallback memo cheap.
@dataclass(frozen=True, slots=True, eq=False)
class Decision:
    """What the rules decided, before coverage: the eligible route and why."""

    call_type: str
    eligible_route: str
    priority: str
    rule: str
    ruleset_version: int
    # The answers that mattered and were actually given, as (question, answer) pairs.
    decisive: tuple[tuple[str, str], ...]
    explanation: str
    # The result when the eligible route is on duty, built once.
    served: TriageResult


# --------------------------------------------------------------------------- conditions
# Parsed conditions are small tuples:
#   ("const", bool) | ("answer", index, frozenset) | ("family", frozenset)
#   | ("call_type", frozenset) | ("all", tuple) | ("any", tuple) | ("not", node)

Node = tuple[Any, ...]
Predicate = Callable[[tuple[str, ...]], bool]

_TRUE: Final[Node] = ("const", True)
_FALSE: Final[Node] = ("const", False)
_CONDITION_KEYS: Final = ("all", "any", "not", "family", "call_type", "answer")
_RULE_KEYS: Final = frozenset({"id", "when", "route", "priority", "note"})
_PRIORITY_KEYS: Final = frozenset({"default", "cases"})
_CASE_KEYS: Final = frozenset({"when", "priority"})


def _string_list(value: object, what: str, rule_id: str, path: str) -> list[str]:
    if not isinstance(value, list) or not value:
        raise RuleSetError(f"{what} must be a non-empty list", rule_id=rule_id, path=path)
    for item in value:
        if not isinstance(item, str):
            raise RuleSetError(
                f"{what} must hold strings, not {item!r}", rule_id=rule_id, path=path
            )
    return value


def _parse_condition(
    cond: object, rule_id: str, path: str, call_types: frozenset[str] | None
) -> Node:
    if not isinstance(cond, dict):
        raise RuleSetError(
            f"a condition must be an object, not {cond!r}", rule_id=rule_id, path=path
        )
    if not cond:
        return _TRUE
    kinds = [key for key in _CONDITION_KEYS if key in cond]
    if len(kinds) != 1:
        if kinds:
            problem = f"a condition has exactly one of {', '.join(_CONDITION_KEYS)}; got {kinds}"
        else:
            problem = (
                f"unknown condition {sorted(cond)!r}; expected one of {', '.join(_CONDITION_KEYS)}"
            )
        raise RuleSetError(problem, rule_id=rule_id, path=path)
    kind = kinds[0]
    allowed_keys = {"answer", "in", "asked"} if kind == "answer" else {kind}
    extra = sorted(set(cond) - allowed_keys)
    if extra:
        raise RuleSetError(
            f"unknown key(s) {', '.join(map(repr, extra))} in a {kind!r} condition",
            rule_id=rule_id,
            path=path,
        )
    value = cond[kind]
    here = f"{path}.{kind}"
    if kind in ("all", "any"):
        if not isinstance(value, list):
            raise RuleSetError(f"{kind} must be a list of conditions", rule_id=rule_id, path=here)
        if kind == "any" and not value:
            raise RuleSetError("any needs at least one condition", rule_id=rule_id, path=here)
        children = tuple(
            _parse_condition(child, rule_id, f"{here}[{i}]", call_types)
            for i, child in enumerate(value)
        )
        return (kind, children)
    if kind == "not":
        return ("not", _parse_condition(value, rule_id, here, call_types))
    if kind == "family":
        families = _string_list(value, "family", rule_id, here)
        for family in families:
            if family not in FAMILIES:
                raise RuleSetError(
                    f"family {family!r} is not one of {', '.join(FAMILIES)}",
                    rule_id=rule_id,
                    path=here,
                )
        return ("family", frozenset(families))
    if kind == "call_type":
        codes = _string_list(value, "call_type", rule_id, here)
        if call_types is not None:
            for code in codes:
                if code not in call_types:
                    raise RuleSetError(
                        f"call type {code!r} is not a known call type", rule_id=rule_id, path=here
                    )
        return ("call_type", frozenset(codes))
    # kind == "answer"
    if not isinstance(value, str) or value not in _FIELD_SET:
        raise RuleSetError(
            f"answer {value!r} is not a screening question", rule_id=rule_id, path=path
        )
    if "in" not in cond:
        raise RuleSetError(f"answer {value!r} needs an 'in' list", rule_id=rule_id, path=path)
    values = _string_list(cond["in"], f"answer {value!r} 'in'", rule_id, f"{path}.in")
    for item in values:
        if item not in ANSWER_CHOICES[value]:
            raise RuleSetError(
                f"answer {value!r}: {item!r} is not one of {', '.join(ANSWER_CHOICES[value])}",
                rule_id=rule_id,
                path=f"{path}.in",
            )
    asked = cond.get("asked", False)
    if not isinstance(asked, bool):
        raise RuleSetError(
            f"answer {value!r}: 'asked' must be true or false, not {asked!r}",
            rule_id=rule_id,
            path=f"{path}.asked",
        )
    allowed = set(values)
    if NOT_ASKED[value] in allowed and not asked:
        # Not asked reads as the default answer, unless the rule needs the question to have
        # been put to the caller: "the caller is not the subject" is a fact only once asked.
        allowed.add("")
    return ("answer", _FIELD_INDEX[value], frozenset(allowed))


def _partial(node: Node, info: CallTypeInfo) -> Node:
    """Substitute what is known once the call type is: only answer tests remain."""
    kind = node[0]
    if kind == "family":
        return _TRUE if info.family in node[1] else _FALSE
    if kind == "call_type":
        return _TRUE if info.code in node[1] else _FALSE
    if kind == "not":
        child = _partial(node[1], info)
        if child[0] == "const":
            return _FALSE if child[1] else _TRUE
        return ("not", child)
    if kind in ("all", "any"):
        decisive, neutral = (_FALSE, _TRUE) if kind == "all" else (_TRUE, _FALSE)
        kept = []
        for child in node[1]:
            reduced = _partial(child, info)
            if reduced == decisive:
                return decisive
            if reduced != neutral:
                kept.append(reduced)
        if not kept:
            return neutral
        if len(kept) == 1:
            return kept[0]
        return (kind, tuple(kept))
    return node


def _answer_indexes(node: Node) -> set[int]:
    kind = node[0]
    if kind == "answer":
        return {node[1]}
    if kind == "not":
        return _answer_indexes(node[1])
    if kind in ("all", "any"):
        found: set[int] = set()
        for child in node[1]:
            found |= _answer_indexes(child)
        return found
    return set()


def _is_gated(node: Node) -> bool:
    """Whether a rule is restricted to certain families or call types at its top level.

    Answers that made such a rule miss are worth telling the call-taker ("no weapon" is why
    a behavioral call did not go to co-response); answers tested by rules meant for every
    call ("no fire hazard") are noise in a one-line explanation.
    """
    if node[0] in ("family", "call_type"):
        return True
    return node[0] == "all" and any(child[0] in ("family", "call_type") for child in node[1])


def _predicate(node: Node) -> Predicate:
    kind = node[0]
    if kind == "const":
        constant = bool(node[1])
        return lambda values: constant
    if kind == "answer":
        index, allowed = node[1], node[2]
        return lambda values: values[index] in allowed
    if kind == "not":
        inner = _predicate(node[1])
        return lambda values: not inner(values)
    children = tuple(_predicate(child) for child in node[1])
    if kind == "all":
        # Plain loops, not all()/any() over a generator: this is the hot path of a cache
        # miss, and a generator costs a frame per call.
        def all_of(values: tuple[str, ...]) -> bool:
            for child in children:  # noqa: SIM110
                if not child(values):
                    return False
            return True

        return all_of

    def any_of(values: tuple[str, ...]) -> bool:
        for child in children:  # noqa: SIM110
            if child(values):
                return True
        return False

    return any_of


# --------------------------------------------------------------------------- validation


@dataclass(frozen=True, slots=True)
class _Rule:
    id: str
    route: str
    when: Node
    default_priority: str
    cases: tuple[tuple[Node, str], ...]


def _parse_priority(
    spec: object, rule_id: str, call_types: frozenset[str] | None
) -> tuple[str, tuple[tuple[Node, str], ...]]:
    if not isinstance(spec, dict):
        raise RuleSetError(
            "priority must be an object like {'default': 'P2', 'cases': [...]}",
            rule_id=rule_id,
            path="priority",
        )
    extra = sorted(set(spec) - _PRIORITY_KEYS)
    if extra:
        raise RuleSetError(
            f"unknown key(s) {', '.join(map(repr, extra))} in priority",
            rule_id=rule_id,
            path="priority",
        )
    allowed = (*PRIORITIES, PRIORITY_FROM_CALL_TYPE)
    default = spec.get("default")
    if default not in allowed:
        raise RuleSetError(
            f"priority default {default!r} is not one of {', '.join(allowed)}",
            rule_id=rule_id,
            path="priority.default",
        )
    raw_cases = spec.get("cases", [])
    if not isinstance(raw_cases, list):
        raise RuleSetError("priority cases must be a list", rule_id=rule_id, path="priority.cases")
    cases = []
    for i, case in enumerate(raw_cases):
        path = f"priority.cases[{i}]"
        if not isinstance(case, dict):
            raise RuleSetError("a priority case must be an object", rule_id=rule_id, path=path)
        extra = sorted(set(case) - _CASE_KEYS)
        missing = sorted(_CASE_KEYS - set(case))
        if extra or missing:
            problem = (
                f"unknown key(s) {', '.join(map(repr, extra))} in a priority case"
                if extra
                else f"a priority case needs {' and '.join(map(repr, missing))}"
            )
            raise RuleSetError(problem, rule_id=rule_id, path=path)
        if case["priority"] not in allowed:
            raise RuleSetError(
                f"priority {case['priority']!r} is not one of {', '.join(allowed)}",
                rule_id=rule_id,
                path=f"{path}.priority",
            )
        node = _parse_condition(case["when"], rule_id, f"{path}.when", call_types)
        cases.append((node, str(case["priority"])))
    return str(default), tuple(cases)


def _parse_rules(rules: object, call_types: Iterable[str] | None) -> list[_Rule]:
    known = frozenset(call_types) if call_types is not None else None
    if not isinstance(rules, list | tuple):
        raise RuleSetError("rules must be a list of rule objects")
    parsed: list[_Rule] = []
    seen: set[str] = set()
    for position, rule in enumerate(rules, start=1):
        label = f"#{position}"
        if not isinstance(rule, dict):
            raise RuleSetError("must be an object", rule_id=label)
        rule_id = rule.get("id")
        if not isinstance(rule_id, str) or not rule_id.strip():
            raise RuleSetError("id is missing or empty", rule_id=label, path="id")
        if rule_id != rule_id.strip():
            raise RuleSetError("id has leading or trailing spaces", rule_id=repr(rule_id))
        if rule_id in seen:
            raise RuleSetError("id is used by an earlier rule", rule_id=rule_id, path="id")
        seen.add(rule_id)
        extra = sorted(set(rule) - _RULE_KEYS)
        if extra:
            raise RuleSetError(
                f"unknown key(s) {', '.join(map(repr, extra))}; a rule has "
                f"{', '.join(sorted(_RULE_KEYS))}",
                rule_id=rule_id,
            )
        for required in ("when", "route", "priority"):
            if required not in rule:
                raise RuleSetError(f"{required} is missing", rule_id=rule_id, path=required)
        if rule["route"] not in ROUTES:
            raise RuleSetError(
                f"route {rule['route']!r} is not one of {', '.join(ROUTES)}",
                rule_id=rule_id,
                path="route",
            )
        note = rule.get("note", "")
        if not isinstance(note, str):
            raise RuleSetError("note must be text", rule_id=rule_id, path="note")
        when = _parse_condition(rule["when"], rule_id, "when", known)
        default, cases = _parse_priority(rule["priority"], rule_id, known)
        parsed.append(_Rule(rule_id, str(rule["route"]), when, default, cases))
    return parsed


def validate_rules(rules: list[dict[str, Any]], *, call_types: Iterable[str] | None = None) -> None:
    """Raise ``RuleSetError`` naming the rule and the problem if ``rules`` is not a valid set.

    Call-type codes inside conditions are checked only when ``call_types`` (the known codes)
    is given, since a draft may be written before its call types exist.
    """
    _parse_rules(rules, call_types)


# --------------------------------------------------------------------------- compiled rule set


Picker = Callable[[Sequence[str | None]], tuple[Any, ...]]


def _picker(indexes: tuple[int, ...]) -> Picker:
    if not indexes:
        return lambda values: ()
    if len(indexes) == 1:
        only = indexes[0]
        return lambda values: (values[only],)
    return itemgetter(*indexes)


@dataclass(frozen=True, slots=True)
class _Step:
    """One rule, partially evaluated for one call type."""

    index: int
    rule: _Rule
    when: Predicate | None  # None: matches whatever the answers
    default_priority: str
    cases: tuple[tuple[Predicate | None, str], ...]
    # Answers worth mentioning when this rule decides, and a fast way to pick them.
    explain: tuple[int, ...]
    pick: Picker


@dataclass(slots=True, eq=False)
class _Outcome:
    """Which rule decides and at what priority, for one class of answers."""

    step: _Step
    priority: str
    # Decisions by the answers the explanation mentions, as spelt in the input.
    decisions: dict[tuple[Any, ...], Decision]


@dataclass(frozen=True, slots=True)
class _Plan:
    """The rule set as it applies to one call type.

    ``spellings`` maps each accepted spelling of an answer to the first canonical value that
    no rule of this plan can tell apart from it (for a police call only a handful of answers
    matter at all), so ``outcomes`` stays small however varied the answers are.
    """

    info: CallTypeInfo
    steps: tuple[_Step, ...]
    spellings: tuple[dict[object, str], ...]
    outcomes: dict[tuple[str, ...], _Outcome]
    # Decisions by (rule index, priority, canonical decisive answers), so that spellings
    # share one Decision.
    decisions: dict[tuple[Any, ...], Decision]

    def outcome(self, projected: tuple[str, ...]) -> _Outcome:
        for step in self.steps:
            if step.when is not None and not step.when(projected):
                continue
            priority = step.default_priority
            for test, case_priority in step.cases:
                if test is None or test(projected):
                    priority = case_priority
                    break
            found = _Outcome(step, priority, {})
            self.outcomes[projected] = found
            return found
        # compile_ruleset refuses sets that can leave a call type undecided.
        raise AssertionError("no rule decided the call")  # pragma: no cover


def _canonical_answer(name: str, value: object) -> str:
    """The canonical answer, "" for not asked; raises ``BadAnswer``."""
    if value is None:
        return ""
    if not isinstance(value, str):
        raise BadAnswer(name, value)
    text = value.strip().lower()
    if text and text not in ANSWER_CHOICES[name]:
        raise BadAnswer(name, value)
    return text


def _reject_unknown_questions(answers: Mapping[str, object]) -> None:
    for name in answers:
        if name not in _FIELD_SET:
            raise BadAnswer(
                str(name),
                answers[name],
                f"not a screening question (expected one of {', '.join(ANSWER_FIELDS)})",
            )


def normalize_answers(answers: Mapping[str, object]) -> dict[str, str]:
    """The answers that were given, canonical (trimmed, lower case); not-asked ones left out.

    Raises ``BadAnswer`` for an unknown question or value, like ``CompiledRuleSet.decide``.
    """
    _reject_unknown_questions(answers)
    given = {}
    for name in ANSWER_FIELDS:
        value = _canonical_answer(name, answers.get(name))
        if value:
            given[name] = value
    return given


class CompiledRuleSet:
    """A validated rule set, ready to decide; safe to share between threads.

    The memo tables only ever gain entries that are pure functions of their keys, so a race
    at worst computes an entry twice.
    """

    __slots__ = (
        "_fallback_templates",
        "_plans",
        "call_types",
        "rules",
        "version",
    )

    def __init__(
        self,
        rules: list[dict[str, Any]],
        *,
        version: int,
        call_types: Mapping[str, CallTypeInfo],
    ) -> None:
        if isinstance(version, bool) or not isinstance(version, int):
            raise RuleSetError(f"version must be an integer, not {version!r}")
        _check_call_types(call_types)
        parsed = _parse_rules(rules, call_types.keys())
        self.version = version
        self.rules: tuple[dict[str, Any], ...] = tuple(copy.deepcopy(list(rules)))
        self.call_types: dict[str, CallTypeInfo] = dict(call_types)
        self._plans: dict[str, _Plan] = {
            code: _plan(parsed, info) for code, info in self.call_types.items()
        }
        # Explanations of fallbacks, less the time of day, per (decision, route): finite.
        self._fallback_templates: dict[tuple[Decision, str], tuple[str, str]] = {}

    def __repr__(self) -> str:
        return f"<CompiledRuleSet version={self.version} rules={len(self.rules)}>"

    def decide(self, call_type: str, answers: Mapping[str, str | None]) -> Decision:
        """Apply the rules to one call; raise ``UnknownCallType`` or ``BadAnswer``.

        A blank or absent answer means not asked. Answers are trimmed and compared in lower
        case; a key that is not a screening question is an error rather than ignored, so a
        misspelt "wepon: yes" cannot quietly send an unarmed team.
        """
        if not answers.keys() <= _FIELD_SET:
            _reject_unknown_questions(answers)
        get = answers.get
        return self.decide_values(
            call_type,
            (
                get("weapon"),
                get("violence"),
                get("threats"),
                get("medical"),
                get("fire_hazard"),
                get("crime_in_progress"),
                get("self_harm"),
                get("caller_is_subject"),
                get("wants_in_person"),
            ),
        )

    def decide_values(self, call_type: str, values: Sequence[str | None]) -> Decision:
        """``decide`` for the nine answers as a sequence in ``ANSWER_FIELDS`` order.

        For bulk callers (CSV replay) that already hold the answers in a row.
        """
        try:
            plan = self._plans[call_type]
        except (KeyError, TypeError):
            raise UnknownCallType(call_type) from None
        # Unrolled: a third of the time of map() over the nine tables.
        s0, s1, s2, s3, s4, s5, s6, s7, s8 = plan.spellings
        try:
            v0, v1, v2, v3, v4, v5, v6, v7, v8 = values
        except ValueError:
            raise ValueError(
                f"expected {len(ANSWER_FIELDS)} answers in ANSWER_FIELDS order"
            ) from None
        try:
            found: tuple[str, ...] = (
                s0[v0],
                s1[v1],
                s2[v2],
                s3[v3],
                s4[v4],
                s5[v5],
                s6[v6],
                s7[v7],
                s8[v8],
            )
        except (KeyError, TypeError):  # an odd spelling or a bad value, sorted out here
            values = tuple(map(_canonical_answer, ANSWER_FIELDS, values))
            found = tuple(map(getitem, plan.spellings, values))
        outcome = plan.outcomes.get(found)
        if outcome is None:
            outcome = plan.outcome(found)
        picked = outcome.step.pick(values)
        decision = outcome.decisions.get(picked)
        if decision is None:
            decision = self._decision(plan, outcome, picked)
        return decision

    def _decision(self, plan: _Plan, outcome: _Outcome, picked: tuple[Any, ...]) -> Decision:
        step, priority = outcome.step, outcome.priority
        canonical = tuple(
            _canonical_answer(ANSWER_FIELDS[index], value)
            for index, value in zip(step.explain, picked, strict=True)
        )
        key = (step.index, priority, canonical)
        decision = plan.decisions.get(key)
        if decision is None:
            decision = self._new_decision(plan.info, step, priority, canonical)
            plan.decisions[key] = decision
        outcome.decisions[picked] = decision
        return decision

    def _new_decision(
        self, info: CallTypeInfo, step: _Step, priority: str, canonical: tuple[str, ...]
    ) -> Decision:
        decisive = tuple(
            (ANSWER_FIELDS[index], answer)
            for index, answer in zip(step.explain, canonical, strict=True)
            if answer
        )
        phrases = [_PHRASES[_FIELD_INDEX[name]][answer] for name, answer in decisive]
        lead = ", ".join([info.label, *phrases])
        explanation = f"{lead}: {step.rule.route} ({step.rule.id})"
        served = TriageResult(
            eligible_route=step.rule.route,
            route=step.rule.route,
            priority=priority,
            rule=step.rule.id,
            ruleset_version=self.version,
            unserved_reason=None,
            explanation=explanation,
        )
        return Decision(
            call_type=info.code,
            eligible_route=step.rule.route,
            priority=priority,
            rule=step.rule.id,
            ruleset_version=self.version,
            decisive=decisive,
            explanation=explanation,
            served=served,
        )

    def fallen_back(
        self, decision: Decision, route: str, skipped: Callable[[], tuple[str, ...]], minute: int
    ) -> TriageResult:
        """The result for a decision whose eligible route was off duty at local ``minute`` of
        the day; ``skipped()`` lists the services passed over, asked for only when needed.
        """
        key = (decision, route)
        template = self._fallback_templates.get(key)
        if template is None:
            template = (
                f"{decision.explanation}; {', '.join(skipped())} off duty at ",
                f": {route}",
            )
            self._fallback_templates[key] = template
        return TriageResult(
            eligible_route=decision.eligible_route,
            route=route,
            priority=decision.priority,
            rule=decision.rule,
            ruleset_version=self.version,
            unserved_reason="outside_hours",
            explanation=template[0] + _CLOCK_FACE[minute] + template[1],
        )


def _check_call_types(call_types: Mapping[str, CallTypeInfo]) -> None:
    for code, info in call_types.items():
        if not isinstance(info, CallTypeInfo):
            raise RuleSetError(f"call type {code!r}: expected a CallTypeInfo, got {info!r}")
        if info.code != code:
            raise RuleSetError(f"call type {code!r}: its info says code {info.code!r}")
        if info.family not in FAMILIES:
            raise RuleSetError(
                f"call type {code!r}: family {info.family!r} is not one of {', '.join(FAMILIES)}"
            )
        if info.default_priority not in PRIORITIES:
            raise RuleSetError(
                f"call type {code!r}: default priority {info.default_priority!r} is not one of "
                f"{', '.join(PRIORITIES)}"
            )


def _answer_tests(node: Node, found: list[set[frozenset[str]]]) -> None:
    kind = node[0]
    if kind == "answer":
        found[node[1]].add(node[2])
    elif kind == "not":
        _answer_tests(node[1], found)
    elif kind in ("all", "any"):
        for child in node[1]:
            _answer_tests(child, found)


def _spellings(nodes: list[Node]) -> tuple[dict[object, str], ...]:
    tests: list[set[frozenset[str]]] = [set() for _ in ANSWER_FIELDS]
    for node in nodes:
        _answer_tests(node, tests)
    tables = []
    for name, field_tests in zip(ANSWER_FIELDS, tests, strict=True):
        ordered = sorted(field_tests, key=sorted)
        first_with: dict[tuple[bool, ...], str] = {}
        table: dict[object, str] = {}
        for value in ("", *ANSWER_CHOICES[name]):
            signature = tuple(value in allowed for allowed in ordered)
            representative = first_with.setdefault(signature, value)
            # Common spellings resolve in one lookup; others go through _canonical_answer.
            for spelling in {value, value.upper(), value.capitalize()}:
                table[spelling] = representative
        table[None] = table[""]
        tables.append(table)
    return tuple(tables)


def _plan(rules: list[_Rule], info: CallTypeInfo) -> _Plan:
    steps: list[_Step] = []
    tested: list[Node] = []
    gated: set[int] = set()
    for index, rule in enumerate(rules):
        when = _partial(rule.when, info)
        if when == _FALSE:
            continue
        default = (
            info.default_priority
            if rule.default_priority == PRIORITY_FROM_CALL_TYPE
            else rule.default_priority
        )
        cases: list[tuple[Predicate | None, str]] = []
        looked_at = _answer_indexes(when)
        tested.append(when)
        for case_when, case_priority in rule.cases:
            reduced = _partial(case_when, info)
            if reduced == _FALSE:
                continue
            priority = (
                info.default_priority if case_priority == PRIORITY_FROM_CALL_TYPE else case_priority
            )
            looked_at |= _answer_indexes(reduced)
            tested.append(reduced)
            if reduced == _TRUE:
                cases.append((None, priority))
                break
            cases.append((_predicate(reduced), priority))
        explain = tuple(sorted(looked_at | gated))
        steps.append(
            _Step(
                index=index,
                rule=rule,
                when=None if when == _TRUE else _predicate(when),
                default_priority=default,
                cases=tuple(cases),
                explain=explain,
                pick=_picker(explain),
            )
        )
        if when == _TRUE:
            return _Plan(info, tuple(steps), _spellings(tested), {}, {})
        if _is_gated(rule.when):
            gated |= _answer_indexes(when)
    raise RuleSetError(
        f"call type {info.code!r} ({info.family}) is not decided by any rule for some answers; "
        "end the set with a rule that always matches for it (e.g. 'when': {})"
    )


def compile_ruleset(
    rules: list[dict[str, Any]], *, version: int, call_types: Mapping[str, CallTypeInfo]
) -> CompiledRuleSet:
    """Validate ``rules`` against ``call_types`` and compile them for fast decisions.

    Besides ``validate_rules``' checks, every call type must be decided whatever the answers
    (a call must always get a route and keep a rule id), which a final catch-all rule per
    family guarantees.
    """
    return CompiledRuleSet(rules, version=version, call_types=call_types)


# --------------------------------------------------------------------------- evaluation


def evaluate(
    compiled: CompiledRuleSet,
    coverage: Coverage,
    *,
    call_type: str,
    answers: Mapping[str, str | None],
    received_at: datetime,
) -> TriageResult:
    """Triage one call: the rules give the eligible route, coverage at ``received_at`` the route.

    ``received_at`` must be aware; use ``parse_received_at`` for text.
    """
    decision = compiled.decide(call_type, answers)
    try:
        minute = coverage.minute_of_week(received_at)
    except ValueError as error:
        raise TriageInputError(str(error), field="received_at") from None
    route, reason = coverage.resolve_at(decision.eligible_route, minute)
    if reason is None:
        return decision.served
    return compiled.fallen_back(
        decision,
        route,
        lambda: coverage.skipped(decision.eligible_route, route),
        minute % 1440,
    )


def parse_received_at(text: str, tz: str | tzinfo) -> datetime:
    """Parse an ISO 8601 date-time; a time without offset is wall-clock time in ``tz``.

    A naive time that falls in a daylight-saving gap or overlap is read with ``fold=0``, the
    offset in force before the change: 02:30 on a spring-forward day is 03:30 daylight time,
    and 01:30 on a fall-back day is the first (daylight) 01:30. Raises ``TriageInputError``
    with ``field="received_at"``.
    """
    zone = zone_for(tz)
    if not isinstance(text, str):
        raise TriageInputError(f"expected ISO 8601 text, got {text!r}", field="received_at")
    stripped = text.strip()
    if not stripped:
        raise TriageInputError("is blank", field="received_at")
    # fromisoformat also takes a bare date as midnight, which would invent a time of day.
    if "T" not in stripped and " " not in stripped:
        raise TriageInputError(
            f"{text!r} has no time of day (expected e.g. 2026-03-08T14:30:00-05:00)",
            field="received_at",
        )
    try:
        parsed = datetime.fromisoformat(stripped)
    except ValueError:
        raise TriageInputError(
            f"{text!r} is not an ISO 8601 date-time (expected e.g. 2026-03-08T14:30:00-05:00)",
            field="received_at",
        ) from None
    if parsed.tzinfo is None:
        # Through UTC and back so that a time in a gap comes out as a real wall time.
        return parsed.replace(tzinfo=zone, fold=0).astimezone(UTC).astimezone(zone)
    return parsed
