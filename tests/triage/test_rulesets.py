"""Rule sets in the console: drafts, the rule editor, what-if, publication, immutability."""

from __future__ import annotations

import copy
import json
from datetime import timedelta

import pytest
from django.contrib.auth.models import Permission
from django.test import Client
from django.utils import timezone

from access.models import AuditEntry
from dispatch.models import Call
from triage import services
from triage.default_policy import DEFAULT_RULES, DEFAULT_RULES_V2
from triage.engine import RuleSetError
from triage.models import RuleSet
from triage.ruleset_selectors import ruleset_what_if
from triage.selectors import engine_get, engine_invalidate

pytestmark = pytest.mark.django_db

LIST_URL = "/triage/rulesets/"
# After the migrations: version 1 (the default policy of docs/domain.md, retired) and version 2
# (the default with R7b-third-party-phone, published by triage migration 0003).
PUBLISHED = 2
NEXT = PUBLISHED + 1


def url(version: int, action: str = "") -> str:
    return f"/triage/rulesets/{version}/{action}"


@pytest.fixture(autouse=True)
def fresh_engine():
    # The compiled engine is cached per process; each test starts from the database.
    engine_invalidate()
    yield
    engine_invalidate()


@pytest.fixture
def draft(supervisor) -> RuleSet:
    return services.ruleset_draft_create(by=supervisor, description="Try phone diversion later")


def rule_fields(rule: dict, **changes: object) -> dict[str, str]:
    priority = rule["priority"]
    fields = {
        "rule": rule["id"],
        "rule_id": rule["id"],
        "route": rule["route"],
        "priority": priority["default"],
        "cases": json.dumps(priority["cases"]) if priority.get("cases") else "",
        "when": json.dumps(rule["when"]),
        "note": rule.get("note", ""),
    }
    fields.update({k: str(v) for k, v in changes.items()})
    return fields


def rule_by_id(ruleset: RuleSet, rule_id: str) -> dict:
    return next(r for r in ruleset.rules if r["id"] == rule_id)


def ids(ruleset: RuleSet) -> list[str]:
    ruleset.refresh_from_db()
    return [r["id"] for r in ruleset.rules]


def actions() -> list[str]:
    """Rule-set changes made by people (the migrations' own changes have no user)."""
    entries = AuditEntry.objects.filter(action__startswith="ruleset.", user__isnull=False)
    entries = entries.order_by("id")
    return list(entries.values_list("action", flat=True))


def make_call(call_type: str, answers: dict, *, days_ago: float, hour: int = 10) -> Call:
    local = timezone.localtime(timezone.now() - timedelta(days=days_ago))
    received = local.replace(hour=hour, minute=0, second=0, microsecond=0)
    engine = engine_get()
    from triage.engine import evaluate

    result = evaluate(
        engine.ruleset, engine.coverage, call_type=call_type, answers=answers, received_at=received
    )
    return Call.objects.create(
        received_at=received,
        created_at=received,
        call_type_id=call_type,
        answers=answers,
        eligible_route=result.eligible_route,
        route=result.route,
        priority=result.priority,
        rule=result.rule,
        ruleset_version=result.ruleset_version,
    )


# --------------------------------------------------------------------------- drafts


def test_it_lists_the_versions_and_copies_the_published_one_to_a_draft(client_for, supervisor):
    client = client_for(supervisor)
    page = client.get(LIST_URL).content.decode()
    assert f"v{PUBLISHED}" in page and "published" in page and "v1" in page

    response = client.post("/triage/rulesets/new/", {"based_on": str(PUBLISHED)})
    assert response.status_code == 302 and response["Location"] == url(NEXT)

    draft = RuleSet.objects.get(version=NEXT)
    published = RuleSet.objects.get(version=PUBLISHED)
    assert draft.status == RuleSet.Status.DRAFT
    assert draft.rules == published.rules == DEFAULT_RULES_V2
    assert draft.fallback == published.fallback
    assert draft.based_on == published and draft.created_by == supervisor
    entry = AuditEntry.objects.get(action="ruleset.draft_create", user=supervisor)
    assert entry.detail == {"version": NEXT, "based_on": PUBLISHED}
    # Any version may be copied, a retired one too.
    client.post("/triage/rulesets/new/", {"based_on": "1"})
    assert RuleSet.objects.get(version=NEXT + 1).rules == DEFAULT_RULES


def test_it_numbers_drafts_after_the_highest_version(supervisor):
    first = services.ruleset_draft_create(by=supervisor)
    second = services.ruleset_draft_create(by=supervisor, based_on=first.version)
    assert (first.version, second.version) == (NEXT, NEXT + 1)
    assert second.based_on == first


@pytest.mark.parametrize("who", ["call_taker", "dispatcher", "outsider"])
def test_it_forbids_rule_sets_to_users_without_the_edit_permission(request, client_for, who):
    client = client_for(request.getfixturevalue(who))
    assert client.get(LIST_URL).status_code == 403
    assert client.get(url(1)).status_code == 403
    assert client.post("/triage/rulesets/new/", {"based_on": "1"}).status_code == 403
    assert RuleSet.objects.count() == PUBLISHED


def test_it_sends_anonymous_users_to_the_login_page():
    response = Client().get(LIST_URL)
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")


def test_it_accepts_changes_only_by_post(client_for, supervisor, draft):
    client = client_for(supervisor)
    assert client.get(url(draft.version, "publish/")).status_code == 405
    assert client.get(url(draft.version, "rules/move/")).status_code == 405
    assert client.get("/triage/rulesets/new/").status_code == 405


# --------------------------------------------------------------------------- the editor


def test_it_shows_the_rules_in_order_with_an_editor_for_drafts(client_for, supervisor, draft):
    page = client_for(supervisor).get(url(draft.version)).content.decode()
    positions = [page.index(f'<code class="rule-id">{rule["id"]}</code>') for rule in DEFAULT_RULES]
    assert positions == sorted(positions)
    assert "family is behavioral and (weapon is yes or unknown or threats is yes" in page
    assert "P1 if weapon is yes or threats is yes; otherwise P2" in page
    assert f'action="{url(draft.version, "rules/edit/")}"' in page
    assert "Ready to publish" in page and f"Publish v{draft.version}" in page

    published = client_for(supervisor).get(url(1)).content.decode()
    assert "never changes" in published and "rules/edit/" not in published


def test_it_saves_an_edited_rule_and_audits_it(client_for, supervisor, draft):
    r8 = rule_by_id(draft, "R8-community")
    response = client_for(supervisor).post(
        url(draft.version, "rules/edit/"), rule_fields(r8, priority="P3", note="Lower by default")
    )
    assert response.status_code == 302

    draft.refresh_from_db()
    saved = rule_by_id(draft, "R8-community")
    assert saved["priority"]["default"] == "P3" and saved["note"] == "Lower by default"
    assert saved["priority"]["cases"] == r8["priority"]["cases"]
    entry = AuditEntry.objects.get(action="ruleset.rule_edit")
    assert entry.detail["rule"] == "R8-community"
    assert entry.detail["before"]["priority"]["default"] == "P2"
    assert entry.detail["after"]["priority"]["default"] == "P3"


def test_it_shows_a_bad_condition_next_to_the_rule_and_keeps_the_draft(
    client_for, supervisor, draft
):
    before = copy.deepcopy(draft.rules)
    r5 = rule_by_id(draft, "R5-elevated-risk")
    bad_when = '{"all": [{"family": ["behavioral"]}, {"answer": "weapn", "in": ["yes"]}]}'
    client = client_for(supervisor)

    response = client.post(url(draft.version, "rules/edit/"), rule_fields(r5, when=bad_when))

    assert response.status_code == 400
    page = response.content.decode()
    assert "rule R5-elevated-risk: answer &#x27;weapn&#x27; is not a screening question" in page
    assert "weapn" in page.split('id="rule-5"')[1].split('id="rule-6"')[0]  # typed text kept
    assert '<details class="rule-edit" open>' in page
    draft.refresh_from_db()
    assert draft.rules == before
    assert "ruleset.rule_edit" not in actions()

    # The same through htmx: the rule list comes back in place, with the error, as a 200.
    response = client.post(
        url(draft.version, "rules/edit/"),
        rule_fields(r5, when=bad_when),
        HTTP_HX_REQUEST="true",
        HTTP_HX_TARGET="rules",
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert page.lstrip().startswith('<section id="rules"') and "<html" not in page
    assert "answer &#x27;weapn&#x27; is not a screening question" in page
    draft.refresh_from_db()
    assert draft.rules == before


def test_it_names_the_problem_of_a_bad_route_priority_or_json(client_for, supervisor, draft):
    client = client_for(supervisor)
    r6 = rule_by_id(draft, "R6-suicide-plan")
    cases = [
        ({"when": '{"answer": "self_harm", "in": ["plan"'}, "Not valid JSON"),
        ({"when": '["self_harm"]'}, "A condition is a JSON object"),
        (
            {"cases": '[{"when": {"answer": "threats", "in": ["maybe"]}, "priority": "P1"}]'},
            "answer &#x27;threats&#x27;: &#x27;maybe&#x27; is not one of yes, no, unknown",
        ),
        ({"cases": '[{"when": {}, "priority": "P9"}]'}, "priority &#x27;P9&#x27; is not one of"),
        ({"route": "TAXI"}, "Select a valid choice"),
        ({"rule_id": "R1-fire"}, "rule R1-fire: id is used by an earlier rule"),
        (
            {"when": '{"call_type": ["NOT_A_TYPE"]}'},
            "call type &#x27;NOT_A_TYPE&#x27; is not a known call type",
        ),
    ]
    before = copy.deepcopy(draft.rules)
    for change, message in cases:
        response = client.post(url(draft.version, "rules/edit/"), rule_fields(r6, **change))
        assert response.status_code == 400, change
        assert message in response.content.decode(), change
    draft.refresh_from_db()
    assert draft.rules == before


def test_it_reorders_rules_and_audits_the_new_order(client_for, supervisor, draft):
    client = client_for(supervisor)
    response = client.post(
        url(draft.version, "rules/move/"), {"rule": "R7-phone", "direction": "up"}
    )
    assert response.status_code == 302
    assert ids(draft)[4:7] == ["R5-elevated-risk", "R7-phone", "R6-suicide-plan"]

    response = client.post(
        url(draft.version, "rules/move/"),
        {"rule": "R7-phone", "direction": "up"},
        HTTP_HX_REQUEST="true",
        HTTP_HX_TARGET="rules",
    )
    assert response.status_code == 200 and "Moved rule R7-phone up." in response.content.decode()
    assert ids(draft)[3:6] == ["R4-police-type", "R7-phone", "R5-elevated-risk"]

    # The first rule cannot go further up: nothing changes and nothing is recorded.
    client.post(url(draft.version, "rules/move/"), {"rule": "R1-fire", "direction": "up"})
    entries = AuditEntry.objects.filter(action="ruleset.reorder").order_by("id")
    assert [(e.detail["from"], e.detail["to"]) for e in entries] == [(7, 6), (6, 5)]
    assert entries.last().detail["order"] == ids(draft)


def test_it_adds_a_rule_in_front_of_another_and_deletes_one(client_for, supervisor, draft):
    client = client_for(supervisor)
    new_rule = {
        "rule_id": "R7b-panhandling-phone",
        "route": "CCD",
        "priority": "P3",
        "when": json.dumps({"call_type": ["PANHANDLING"]}),
        "cases": "",
        "note": "",
        "before": "R8-community",
    }
    assert client.post(url(draft.version, "rules/add/"), new_rule).status_code == 302
    assert ids(draft)[-2:] == ["R7b-panhandling-phone", "R8-community"]
    added = rule_by_id(draft, "R7b-panhandling-phone")
    assert added == {
        "id": "R7b-panhandling-phone",
        "when": {"call_type": ["PANHANDLING"]},
        "route": "CCD",
        "priority": {"default": "P3"},
    }

    # A bad new rule is shown with its error, and nothing is added.
    bad = {**new_rule, "rule_id": "R9", "when": '{"famly": ["police"]}'}
    response = client.post(url(draft.version, "rules/add/"), bad)
    assert response.status_code == 400
    assert "rule R9: unknown condition" in response.content.decode()
    assert "R9" not in ids(draft)

    assert (
        client.post(url(draft.version, "rules/delete/"), {"rule": "R6-suicide-plan"}).status_code
        == 302
    )
    assert "R6-suicide-plan" not in ids(draft)
    assert actions()[-2:] == ["ruleset.rule_add", "ruleset.rule_delete"]
    deleted = AuditEntry.objects.get(action="ruleset.rule_delete")
    assert deleted.detail["before"]["id"] == "R6-suicide-plan"


def test_it_warns_that_a_draft_without_a_catch_all_cannot_be_published(
    client_for, supervisor, draft
):
    client = client_for(supervisor)
    client.post(url(draft.version, "rules/delete/"), {"rule": "R8-community"})
    page = client.get(url(draft.version)).content.decode()
    assert "Not publishable yet" in page and "is not decided by any rule" in page
    response = client.post(url(draft.version, "publish/"), follow=True)
    assert "Not published" in response.content.decode()
    draft.refresh_from_db()
    assert draft.status == RuleSet.Status.DRAFT
    assert RuleSet.objects.get(version=PUBLISHED).status == RuleSet.Status.PUBLISHED


def test_it_tells_a_stale_form_that_the_rule_is_gone(client_for, supervisor, draft):
    client = client_for(supervisor)
    r6 = rule_by_id(draft, "R6-suicide-plan")
    services.ruleset_rule_delete(version=draft.version, rule_id="R6-suicide-plan", by=supervisor)
    response = client.post(url(draft.version, "rules/edit/"), rule_fields(r6), follow=True)
    assert "has no rule &#x27;R6-suicide-plan&#x27;" in response.content.decode()
    assert "R6-suicide-plan" not in ids(draft)


# --------------------------------------------------------------------------- what-if


def test_it_counts_how_a_draft_would_change_the_routes_of_stored_calls(
    client_for, supervisor, draft
):
    phone = {"weapon": "no", "violence": "no", "caller_is_subject": "yes", "wants_in_person": "no"}
    diverted = [make_call("MENTAL_HEALTH", phone, days_ago=d) for d in (1, 2, 3)]
    make_call("MENTAL_HEALTH", {"weapon": "no", "violence": "no"}, days_ago=1)  # HEART either way
    make_call("ASSAULT", {}, days_ago=2)  # POLICE either way
    make_call("MENTAL_HEALTH", phone, days_ago=20)  # outside a 7-day window
    assert {c.route for c in diverted} == {"CCD"}

    services.ruleset_rule_delete(version=draft.version, rule_id="R7-phone", by=supervisor)
    draft.refresh_from_db()

    report = ruleset_what_if(
        candidate=draft, baseline=RuleSet.objects.get(version=PUBLISHED), days=7
    )
    assert (report.calls, report.route_changed, report.errors) == (5, 3, 0)
    [change] = report.changes
    assert (change.from_route, change.to_route, change.count) == ("CCD", "HEART", 3)
    assert [e.call_id for e in change.examples] == [c.pk for c in diverted]
    assert change.examples[0].after.rule == "R8-community"
    assert ("CCD", 3, 0, -3) in report.route_rows and ("HEART", 1, 4, 3) in report.route_rows

    client = client_for(supervisor)
    page = client.get(url(draft.version), {"days": 7}).content.decode()
    assert "<strong>3</strong> of 5 calls" in page
    assert f"Call {diverted[0].pk}" in page and "R7-phone → R8-community" in page

    # htmx asks for the what-if part only.
    response = client.get(
        url(draft.version), {"days": 30}, HTTP_HX_REQUEST="true", HTTP_HX_TARGET="what-if"
    )
    part = response.content.decode()
    assert part.lstrip().startswith('<section id="what-if"') and "<html" not in part
    assert "<strong>4</strong> of 6 calls" in part


def test_it_runs_the_what_if_with_a_constant_number_of_queries(
    client_for, supervisor, draft, django_assert_max_num_queries
):
    for day in range(1, 4):
        make_call("WELFARE_CHECK", {"weapon": "unknown"}, days_ago=day)
    client = client_for(supervisor)
    client.get(url(draft.version), {"days": 30})  # warm the session and permission caches
    with django_assert_max_num_queries(20) as few:
        client.get(url(draft.version), {"days": 30})
    for day in range(4, 30):
        make_call("TRESPASS", {}, days_ago=day)
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get(url(draft.version), {"days": 30})


# --------------------------------------------------------------------------- publication


def test_it_publishes_a_draft_retires_the_previous_version_and_reloads_the_engine(
    client_for, supervisor, draft, django_capture_on_commit_callbacks
):
    routed_by_v2 = make_call("TRESPASS", {}, days_ago=1)
    services.ruleset_rule_delete(version=draft.version, rule_id="R7-phone", by=supervisor)
    assert engine_get().ruleset.version == PUBLISHED

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        response = client_for(supervisor).post(url(draft.version, "publish/"))
    assert response.status_code == 302 and response["Location"] == url(draft.version)
    assert len(callbacks) == 1

    draft.refresh_from_db()
    previous = RuleSet.objects.get(version=PUBLISHED)
    assert draft.status == RuleSet.Status.PUBLISHED and draft.published_by == supervisor
    assert draft.published_at is not None
    assert previous.status == RuleSet.Status.RETIRED and previous.rules == DEFAULT_RULES_V2
    assert engine_get().ruleset.version == draft.version
    routed_by_v2.refresh_from_db()
    assert routed_by_v2.ruleset_version == PUBLISHED
    publish = AuditEntry.objects.get(action="ruleset.publish", user=supervisor)
    assert publish.detail["version"] == draft.version and publish.detail["retired"] == PUBLISHED
    retire = AuditEntry.objects.get(action="ruleset.retire", user=supervisor)
    assert retire.object_id == str(previous.pk)


def test_it_never_changes_a_published_or_retired_version(supervisor, client_for, draft):
    v2 = RuleSet.objects.get(version=PUBLISHED)
    frozen = copy.deepcopy(v2.rules)
    attempts = [
        lambda: services.ruleset_rule_update(
            version=PUBLISHED,
            rule_id="R8-community",
            rule=rule_by_id(v2, "R8-community"),
            by=supervisor,
        ),
        lambda: services.ruleset_rule_add(
            version=PUBLISHED,
            rule=rule_by_id(v2, "R1-fire") | {"id": "X"},
            before=None,
            by=supervisor,
        ),
        lambda: services.ruleset_rule_delete(version=PUBLISHED, rule_id="R1-fire", by=supervisor),
        lambda: services.ruleset_rule_move(
            version=PUBLISHED, rule_id="R2-medical", direction="up", by=supervisor
        ),
        lambda: services.ruleset_publish(version=PUBLISHED, by=supervisor),
    ]
    for attempt in attempts:
        with pytest.raises(services.RuleSetNotEditable, match=f"v{PUBLISHED} is published"):
            attempt()
    with pytest.raises(services.RuleSetNotEditable, match="v1 is retired"):
        services.ruleset_rule_delete(version=1, rule_id="R1-fire", by=supervisor)

    client = client_for(supervisor)
    response = client.post(
        url(PUBLISHED, "rules/edit/"),
        rule_fields(rule_by_id(v2, "R8-community"), priority="P3"),
        follow=True,
    )
    assert "only drafts can be changed" in response.content.decode()

    services.ruleset_publish(version=draft.version, by=supervisor)
    with pytest.raises(services.RuleSetNotEditable, match=f"v{PUBLISHED} is retired"):
        services.ruleset_rule_delete(version=PUBLISHED, rule_id="R1-fire", by=supervisor)
    with pytest.raises(services.RuleSetNotEditable, match=f"v{draft.version} is published"):
        services.ruleset_rule_delete(version=draft.version, rule_id="R1-fire", by=supervisor)
    v2.refresh_from_db()
    assert v2.rules == frozen
    assert RuleSet.objects.get(version=1).rules == DEFAULT_RULES
    assert not AuditEntry.objects.filter(
        user__isnull=False,
        action__in=[
            "ruleset.rule_edit",
            "ruleset.rule_add",
            "ruleset.rule_delete",
            "ruleset.reorder",
        ],
    ).exists()


def test_it_lets_only_supervisors_publish(make_user, client_for, call_taker, draft):
    editor = make_user("eddie")
    editor.user_permissions.add(
        Permission.objects.get(content_type__app_label="triage", codename="edit_ruleset")
    )
    editor_client = client_for(editor)
    assert editor_client.get(url(draft.version)).status_code == 200
    assert "Only supervisors publish." in editor_client.get(url(draft.version)).content.decode()
    assert editor_client.post(url(draft.version, "publish/")).status_code == 403
    assert client_for(call_taker).post(url(draft.version, "publish/")).status_code == 403
    draft.refresh_from_db()
    assert draft.status == RuleSet.Status.DRAFT
    assert RuleSet.objects.get(status=RuleSet.Status.PUBLISHED).version == PUBLISHED


def test_it_refuses_to_publish_rules_that_do_not_compile(supervisor, draft):
    services.ruleset_rule_delete(version=draft.version, rule_id="R8-community", by=supervisor)
    with pytest.raises(RuleSetError, match="not decided by any rule"):
        services.ruleset_publish(version=draft.version, by=supervisor)
    assert RuleSet.objects.get(status=RuleSet.Status.PUBLISHED).version == PUBLISHED
    assert "ruleset.publish" not in actions()


def test_it_audits_every_change_of_a_rule_set(client_for, supervisor):
    client = client_for(supervisor)
    client.post("/triage/rulesets/new/", {"based_on": str(PUBLISHED)})
    r4 = rule_by_id(RuleSet.objects.get(version=NEXT), "R4-police-type")
    client.post(url(NEXT, "rules/edit/"), rule_fields(r4, note="Police natures"))
    client.post(url(NEXT, "rules/move/"), {"rule": "R6-suicide-plan", "direction": "down"})
    client.post(url(NEXT, "publish/"))
    assert actions() == [
        "ruleset.draft_create",
        "ruleset.rule_edit",
        "ruleset.reorder",
        "ruleset.retire",
        "ruleset.publish",
    ]
    entries = AuditEntry.objects.filter(action__startswith="ruleset.", user__isnull=False)
    assert set(entries.values_list("username", flat=True)) == {"sam"}
