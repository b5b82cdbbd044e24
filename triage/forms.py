"""The rule editor's forms, and plain-language renderings of rules for supervisors.

A rule is edited as fields (id, route, default priority, note) plus two JSON texts: its
condition and its priority cases. The forms only check shape (valid JSON of the right kind);
the rule language itself is checked by ``triage.engine.validate_rules`` in the service, whose
message names the rule and the problem.
"""

from __future__ import annotations

import json
from typing import Any, cast

from django import forms

from triage.ruleset_selectors import WHAT_IF_DEFAULT_DAYS, WHAT_IF_MAX_DAYS
from triage.vocabulary import PRIORITIES, PRIORITY_FROM_CALL_TYPE, ROUTES

PRIORITY_DEFAULT_CHOICES = [
    *((p, p) for p in PRIORITIES),
    (PRIORITY_FROM_CALL_TYPE, "the call type's default"),
]
# Call.rule and TriageRecord.rule keep the id of the rule that routed a call.
RULE_ID_MAX_LENGTH = 64
MAX_JSON_DEPTH = 32


def _json_text(value: Any) -> str:
    return json.dumps(value, indent=2, ensure_ascii=False)


class RuleForm(forms.Form):
    rule_id = forms.CharField(
        label="Id",
        max_length=RULE_ID_MAX_LENGTH,
        help_text="Unique in the set; calls keep it as the reason for their route.",
    )
    route = forms.ChoiceField(choices=[(r, r) for r in ROUTES])
    priority = forms.ChoiceField(label="Priority", choices=PRIORITY_DEFAULT_CHOICES)
    cases = forms.CharField(
        label="Priority cases (JSON)",
        required=False,
        widget=forms.Textarea(attrs={"rows": 4, "spellcheck": "false", "class": "code"}),
        help_text='Optional: [{"when": {...}, "priority": "P1"}], the first case that matches '
        "wins over the default.",
    )
    when = forms.CharField(
        label="Condition (JSON)",
        widget=forms.Textarea(attrs={"rows": 6, "spellcheck": "false", "class": "code"}),
        help_text="{} matches every call.",
    )
    note = forms.CharField(max_length=200, required=False)

    @classmethod
    def initial_for(cls, rule: dict[str, Any]) -> dict[str, str]:
        priority = rule.get("priority")
        spec = priority if isinstance(priority, dict) else {}
        cases = spec.get("cases")
        return {
            "rule_id": str(rule.get("id", "")),
            "route": str(rule.get("route", "")),
            "priority": str(spec.get("default", "")),
            "cases": _json_text(cases) if cases else "",
            "when": _json_text(rule.get("when", {})),
            "note": str(rule.get("note", "")),
        }

    def clean_rule_id(self) -> str:
        value: str = self.cleaned_data["rule_id"].strip()
        if not value:
            raise forms.ValidationError("An id is required.")
        return value

    def clean_when(self) -> dict[str, Any]:
        parsed = _parse_json(self.cleaned_data["when"])
        if not isinstance(parsed, dict):
            raise forms.ValidationError(
                'A condition is a JSON object, e.g. {"family": ["behavioral"]}.'
            )
        return parsed

    def clean_cases(self) -> list[Any]:
        text = self.cleaned_data["cases"].strip()
        if not text:
            return []
        parsed = _parse_json(text)
        if not isinstance(parsed, list):
            raise forms.ValidationError(
                'Priority cases are a JSON list, e.g. [{"when": {...}, "priority": "P1"}].'
            )
        return parsed

    def rule(self) -> dict[str, Any]:
        """The rule as stored, from cleaned data."""
        data = self.cleaned_data
        priority: dict[str, Any] = {"default": data["priority"]}
        if data["cases"]:
            priority["cases"] = data["cases"]
        rule: dict[str, Any] = {
            "id": data["rule_id"],
            "when": data["when"],
            "route": data["route"],
            "priority": priority,
        }
        if data["note"].strip():
            rule["note"] = data["note"].strip()
        return rule


class RuleAddForm(RuleForm):
    before = forms.ChoiceField(label="Insert", required=False)

    def __init__(self, *args: Any, rule_ids: list[str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choices = [(rule_id, f"before {rule_id}") for rule_id in rule_ids]
        before_field = cast(forms.ChoiceField, self.fields["before"])
        before_field.choices = [*choices, ("", "at the end")]
        if not self.is_bound and rule_ids:
            # New rules usually belong in front of the final catch-all.
            self.initial.setdefault("before", rule_ids[-1])

    def before_rule(self) -> str | None:
        return self.cleaned_data.get("before") or None


class DraftCreateForm(forms.Form):
    based_on = forms.IntegerField(min_value=1, required=False)
    description = forms.CharField(max_length=200, required=False)


class WhatIfForm(forms.Form):
    days = forms.IntegerField(
        label="Calls of the last (days)",
        min_value=1,
        max_value=WHAT_IF_MAX_DAYS,
        initial=WHAT_IF_DEFAULT_DAYS,
    )


def _parse_json(text: str) -> Any:
    try:
        parsed = json.loads(text)
    except json.JSONDecodeError as error:
        raise forms.ValidationError(
            f"Not valid JSON: {error.msg} (line {error.lineno}, column {error.colno})."
        ) from None
    except RecursionError:
        parsed = None
    # The rule checks and descriptions recurse: a deeper value would end in a RecursionError.
    if parsed is None and text.strip() != "null" or _depth(parsed) > MAX_JSON_DEPTH:
        raise forms.ValidationError(f"Nested more than {MAX_JSON_DEPTH} levels deep.")
    return parsed


def _depth(value: Any) -> int:
    deepest, stack = 0, [(value, 1)]
    while stack:
        item, depth = stack.pop()
        deepest = max(deepest, depth)
        children = (
            item.values() if isinstance(item, dict) else item if isinstance(item, list) else []
        )
        stack.extend((child, depth + 1) for child in children)
    return deepest


# --------------------------------------------------------------------------- descriptions


def _values(value: Any) -> str:
    if isinstance(value, list):
        items = [str(v) for v in value]
        if len(items) > 1:
            return f"{', '.join(items[:-1])} or {items[-1]}"
        return items[0] if items else "nothing"
    return str(value)


def describe_condition(cond: Any, *, nested: bool = False) -> str:
    """A condition in words: 'family is behavioral and (weapon is yes or unknown or ...)'."""
    if not isinstance(cond, dict):
        return json.dumps(cond)
    if not cond:
        return "every call"
    if "answer" in cond:
        asked = " (asked: not asked does not count)" if cond.get("asked") is True else ""
        return f"{cond['answer']} is {_values(cond.get('in'))}{asked}"
    if "family" in cond:
        return f"family is {_values(cond['family'])}"
    if "call_type" in cond:
        return f"call type is {_values(cond['call_type'])}"
    if "not" in cond:
        return f"not ({describe_condition(cond['not'])})"
    for kind, joiner in (("all", " and "), ("any", " or ")):
        if kind in cond and isinstance(cond[kind], list):
            parts = [describe_condition(child, nested=True) for child in cond[kind]]
            if not parts:
                return "every call" if kind == "all" else "no call"
            text = joiner.join(parts)
            return f"({text})" if nested and len(parts) > 1 else text
    return json.dumps(cond)


def describe_priority(spec: Any) -> str:
    """A priority spec in words: 'P2; P1 if weapon is yes or threats is yes'."""
    if not isinstance(spec, dict):
        return json.dumps(spec)

    def name(value: Any) -> str:
        return "the call type's default" if value == PRIORITY_FROM_CALL_TYPE else str(value)

    parts = []
    for case in spec.get("cases") or []:
        if isinstance(case, dict):
            parts.append(f"{name(case.get('priority'))} if {describe_condition(case.get('when'))}")
    default = name(spec.get("default"))
    if not parts:
        return default
    return f"{'; '.join(parts)}; otherwise {default}"
