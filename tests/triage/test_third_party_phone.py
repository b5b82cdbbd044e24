"""The default policy's version 2 (issue 15): R7b-third-party-phone sends a third party who
was asked and needs nobody to come to a CCD clinician; version 1 stays as it was.

The section-5 table of tests/triage/test_policy_table.py pins version 1; these tests are the
second version's, in memory and as the migrations published it.
"""

from __future__ import annotations

import csv
import importlib
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from django.apps import apps
from django.core.management import load_command_class

from access.models import AuditEntry
from dispatch.models import Call
from triage import services
from triage.default_policy import (
    DEFAULT_RULES,
    DEFAULT_RULES_V2,
    THIRD_PARTY_PHONE_RULE,
    default_ruleset,
    default_ruleset_v2,
)
from triage.engine import RuleSetError, compile_ruleset, evaluate, validate_rules
from triage.forms import describe_condition
from triage.models import RuleSet
from triage.ruleset_selectors import ruleset_what_if
from triage.selectors import engine_get, engine_invalidate

V1 = default_ruleset()
V2 = default_ruleset_v2()
NY = ZoneInfo("America/New_York")
THIRD_PARTY = {
    "weapon": "no",
    "violence": "no",
    "caller_is_subject": "no",
    "wants_in_person": "no",
}
MIGRATION = importlib.import_module("triage.migrations.0003_third_party_phone_rule")


def decided(rules, call_type: str, answers: dict[str, str]) -> tuple[str, str, str]:
    decision = rules.decide(call_type, answers)
    return decision.eligible_route, decision.priority, decision.rule


# --------------------------------------------------------------------------- the rule


def test_it_adds_one_rule_in_front_of_r8_and_keeps_the_rest_of_version_1():
    ids = [rule["id"] for rule in DEFAULT_RULES_V2]
    assert ids == [
        "R1-fire",
        "R2-medical",
        "R3-danger",
        "R4-police-type",
        "R5-elevated-risk",
        "R6-suicide-plan",
        "R7-phone",
        "R7b-third-party-phone",
        "R8-community",
    ]
    assert [r for r in DEFAULT_RULES_V2 if r is not THIRD_PARTY_PHONE_RULE] == DEFAULT_RULES
    validate_rules(DEFAULT_RULES_V2, call_types=V2.call_types)
    assert len(DEFAULT_RULES) == 8  # version 1 itself is untouched


@pytest.mark.parametrize(
    "call_type", ["WELFARE_CHECK", "MENTAL_HEALTH", "INTOXICATED", "VERBAL_DISTURBANCE"]
)
def test_it_sends_a_third_party_who_needs_nobody_to_come_to_ccd(call_type):
    assert decided(V2, call_type, THIRD_PARTY) == ("CCD", "P2", "R7b-third-party-phone")
    assert decided(V1, call_type, THIRD_PARTY)[0] == "HEART"


def test_it_names_the_rule_and_the_answers_in_the_explanation():
    explanation = V2.decide("WELFARE_CHECK", {**THIRD_PARTY, "self_harm": "none"}).explanation
    assert explanation == (
        "Welfare check, no weapon, no violence, no self-harm, caller is not the subject, does "
        "not want someone in person: CCD (R7b-third-party-phone)"
    )


@pytest.mark.parametrize(
    ("left_out", "rule"),
    [("caller_is_subject", "R8-community"), ("wants_in_person", "R8-community")],
)
def test_it_does_not_take_a_question_nobody_asked_as_a_no(left_out, rule):
    # Not asked reads as "no" everywhere else; here it would send every unscreened
    # behavioral call (and all of a city's imported history) to the phone.
    answers = {k: v for k, v in THIRD_PARTY.items() if k != left_out}
    assert decided(V2, "WELFARE_CHECK", answers) == ("HEART", "P2", rule)
    assert decided(V2, "WELFARE_CHECK", {"weapon": "no", "violence": "no"})[0] == "HEART"
    assert decided(V2, "TRESPASS", {})[0] == "HEART"


@pytest.mark.parametrize(
    ("risk", "expected"),
    [
        ({"threats": "yes"}, ("CO_RESPONSE", "P1", "R5-elevated-risk")),
        ({"weapon": "unknown"}, ("CO_RESPONSE", "P2", "R5-elevated-risk")),
        ({"threats": "unknown"}, ("HEART", "P2", "R8-community")),
        ({"self_harm": "thoughts"}, ("HEART", "P2", "R8-community")),
        ({"self_harm": "unknown"}, ("HEART", "P2", "R8-community")),
        ({"self_harm": "plan"}, ("HEART", "P1", "R6-suicide-plan")),
        ({"medical": "yes"}, ("EMS", "P1", "R2-medical")),
        ({"wants_in_person": "unknown"}, ("HEART", "P2", "R8-community")),
        ({"caller_is_subject": "unknown"}, ("HEART", "P2", "R8-community")),
    ],
)
def test_it_keeps_any_risk_heard_off_the_phone(risk, expected):
    assert decided(V2, "MENTAL_HEALTH", {**THIRD_PARTY, **risk}) == expected


def test_it_leaves_the_caller_in_crisis_to_r7_and_other_families_alone():
    own = {**THIRD_PARTY, "caller_is_subject": "yes"}
    assert decided(V2, "MENTAL_HEALTH", own) == ("CCD", "P2", "R7-phone")
    assert decided(V2, "THEFT", THIRD_PARTY)[0] == "POLICE"
    assert decided(V2, "OVERDOSE", THIRD_PARTY)[0] == "EMS"


def test_it_falls_back_like_any_ccd_call_when_ccd_is_off_duty(db):
    # CCD answers around the clock by default; with its schedule emptied, the chain goes on.
    from triage.models import ServiceSchedule

    ServiceSchedule.objects.filter(service="CCD").delete()
    engine_invalidate()
    try:
        engine = engine_get()
        result = evaluate(
            engine.ruleset,
            engine.coverage,
            call_type="WELFARE_CHECK",
            answers=THIRD_PARTY,
            received_at=datetime(2026, 3, 10, 14, 0, tzinfo=NY),
        )
    finally:
        engine_invalidate()
    assert (result.eligible_route, result.route, result.unserved_reason) == (
        "CCD",
        "POLICE",
        "outside_hours",
    )
    assert result.rule == "R7b-third-party-phone"


# --------------------------------------------------------------------------- "asked"


def _asked_rules(asked: object) -> list[dict]:
    return [
        {
            "id": "asked",
            "when": {"answer": "caller_is_subject", "in": ["no"], "asked": asked},
            "route": "CCD",
            "priority": {"default": "P2"},
        },
        {"id": "rest", "when": {}, "route": "HEART", "priority": {"default": "P2"}},
    ]


def test_it_reads_not_asked_as_the_default_answer_unless_the_rule_needs_it_asked():
    plain = compile_ruleset(_asked_rules(False), version=9, call_types=V2.call_types)
    asked = compile_ruleset(_asked_rules(True), version=9, call_types=V2.call_types)
    assert plain.decide("WELFARE_CHECK", {}).rule == "asked"
    assert asked.decide("WELFARE_CHECK", {}).rule == "rest"
    assert asked.decide("WELFARE_CHECK", {"caller_is_subject": ""}).rule == "rest"
    assert asked.decide("WELFARE_CHECK", {"caller_is_subject": None}).rule == "rest"
    assert asked.decide("WELFARE_CHECK", {"caller_is_subject": "NO"}).rule == "asked"
    assert asked.decide("WELFARE_CHECK", {"caller_is_subject": "yes"}).rule == "rest"


@pytest.mark.parametrize("bad", ["yes", 1, None, []])
def test_it_refuses_an_asked_flag_that_is_not_true_or_false(bad):
    with pytest.raises(RuleSetError, match="'asked' must be true or false") as refused:
        validate_rules(_asked_rules(bad))
    assert "rule asked:" in str(refused.value) and "when.asked" in str(refused.value)


def test_it_says_asked_in_words_on_the_rule_page():
    words = describe_condition(THIRD_PARTY_PHONE_RULE["when"])
    assert words.startswith("family is behavioral and caller_is_subject is no (asked")
    assert "weapon is no and" in words and "(asked" not in words.split("weapon")[1]


# --------------------------------------------------------------------------- as published


@pytest.mark.django_db
def test_it_publishes_version_2_through_the_rule_set_services_and_retires_version_1():
    v1 = RuleSet.objects.get(version=1)
    v2 = RuleSet.objects.get(version=2)
    assert (v1.status, v1.rules) == (RuleSet.Status.RETIRED, DEFAULT_RULES)
    assert (v2.status, v2.rules, v2.based_on) == (RuleSet.Status.PUBLISHED, DEFAULT_RULES_V2, v1)
    assert v2.fallback == v1.fallback and v2.published_at is not None
    trail = AuditEntry.objects.filter(action__startswith="ruleset.", user__isnull=True)
    assert list(trail.order_by("id").values_list("action", flat=True)) == [
        "ruleset.draft_create",
        "ruleset.rule_add",
        "ruleset.retire",
        "ruleset.publish",
    ]
    added = trail.get(action="ruleset.rule_add")
    assert added.detail["rule"] == "R7b-third-party-phone" and added.detail["position"] == 8
    engine_invalidate()
    assert engine_get().ruleset.version == 2


@pytest.mark.django_db
def test_it_publishes_nothing_again_nor_over_a_departments_own_policy(supervisor):
    MIGRATION.publish_third_party_phone(apps, None)
    assert RuleSet.objects.count() == 2
    # A department that published its own policy keeps it.
    draft = services.ruleset_draft_create(by=supervisor, based_on=1)
    services.ruleset_rule_delete(version=draft.version, rule_id="R7-phone", by=supervisor)
    services.ruleset_publish(version=draft.version, by=supervisor)
    MIGRATION.publish_third_party_phone(apps, None)
    assert RuleSet.objects.count() == 3
    assert RuleSet.objects.get(status=RuleSet.Status.PUBLISHED).version == draft.version


@pytest.mark.django_db
def test_it_routes_a_third_party_call_through_the_api_and_says_which_rule(client_for, call_taker):
    engine_invalidate()
    response = client_for(call_taker).post(
        "/api/v1/triage/evaluate/",
        {
            "call_type": "WELFARE_CHECK",
            "received_at": "2026-03-10T14:30:00-04:00",
            "answers": THIRD_PARTY,
        },
        content_type="application/json",
    )
    body = response.json()
    assert (body["route"], body["rule"], body["ruleset_version"]) == (
        "CCD",
        "R7b-third-party-phone",
        2,
    )
    assert body["explanation"].endswith(": CCD (R7b-third-party-phone)")


def _stored(answers: dict[str, str], *, days_ago: int) -> Call:
    received = datetime(2026, 3, 10, 14, 0, tzinfo=NY) - timedelta(days=days_ago)
    return Call.objects.create(
        received_at=received,
        created_at=received,
        call_type_id="WELFARE_CHECK",
        answers=answers,
        route="HEART",
        eligible_route="HEART",
        priority="P2",
        rule="R8-community",
        ruleset_version=1,
    )


@pytest.mark.django_db
def test_it_shows_what_version_2_changes_in_the_what_if(time_machine):
    time_machine.move_to(datetime(2026, 3, 10, 15, 0, tzinfo=NY), tick=False)
    mother = _stored(THIRD_PARTY, days_ago=1)
    _stored({"weapon": "no", "violence": "no"}, days_ago=2)
    _stored({**THIRD_PARTY, "threats": "yes"}, days_ago=3)
    report = ruleset_what_if(
        candidate=RuleSet.objects.get(version=2), baseline=RuleSet.objects.get(version=1), days=7
    )
    assert (report.calls, report.route_changed) == (3, 1)
    [change] = report.changes
    assert (change.from_route, change.to_route, change.count) == ("HEART", "CCD", 1)
    [example] = change.examples
    assert example.call_id == mother.pk and example.after.rule == "R7b-third-party-phone"


@pytest.mark.django_db
def test_it_replays_a_file_with_either_version(tmp_path: Path, monkeypatch, capsys):
    from django.core.management import base

    monkeypatch.setattr(base.connections, "close_all", lambda: None)
    source = tmp_path / "in.csv"
    source.write_text(
        "id,call_type,received_at,weapon,violence,caller_is_subject,wants_in_person\n"
        "M1,WELFARE_CHECK,2026-03-10T14:00:00-04:00,no,no,no,no\n"
        "M2,WELFARE_CHECK,2026-03-10T14:00:00-04:00,no,no,,\n",
        encoding="utf-8",
    )
    routes = {}
    for version in ("1", "2"):
        target = tmp_path / f"v{version}.csv"
        command = load_command_class("triage", "triage_replay")
        command.run_from_argv(
            ["manage.py", "triage_replay", str(source), str(target), "--ruleset", version]
        )
        with target.open(newline="", encoding="utf-8") as handle:
            routes[version] = [(r["route"], r["rule"]) for r in csv.DictReader(handle)]
    capsys.readouterr()
    assert routes["1"] == [("HEART", "R8-community"), ("HEART", "R8-community")]
    assert routes["2"] == [("CCD", "R7b-third-party-phone"), ("HEART", "R8-community")]
