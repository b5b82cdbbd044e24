"""POST /api/v1/triage/evaluate/ and GET /api/v1/triage/rulesets/."""

from __future__ import annotations

import pytest
import time_machine
from django.contrib.auth.models import Permission
from django.test import Client
from rest_framework.authtoken.models import Token

from triage import services
from triage.selectors import engine_invalidate

pytestmark = pytest.mark.django_db

EVALUATE = "/api/v1/triage/evaluate/"
RULESETS = "/api/v1/triage/rulesets/"


@pytest.fixture(autouse=True)
def fresh_engine():
    engine_invalidate()
    yield
    engine_invalidate()


def post(client: Client, payload: dict) -> object:
    return client.post(EVALUATE, payload, content_type="application/json")


def test_it_routes_a_call_and_says_why(client_for, call_taker):
    response = post(
        client_for(call_taker),
        {
            "call_type": "MENTAL_HEALTH",
            "received_at": "2026-03-10T14:30:00-04:00",
            "answers": {"weapon": "no", "violence": "no", "threats": "yes"},
        },
    )
    assert response.status_code == 200
    body = response.json()
    assert set(body) == {
        "eligible_route",
        "route",
        "priority",
        "rule",
        "ruleset_version",
        "unserved_reason",
        "explanation",
    }
    assert body["eligible_route"] == body["route"] == "CO_RESPONSE"
    assert (body["priority"], body["rule"], body["ruleset_version"]) == (
        "P1",
        "R5-elevated-risk",
        2,
    )
    assert body["unserved_reason"] is None
    assert "threats" in body["explanation"] and "R5-elevated-risk" in body["explanation"]


def test_it_accepts_a_mapped_cad_label_and_falls_back_outside_hours(client_for, dispatcher):
    # 23:00 in Durham: HEART (07-19) and co-response (09-21) are off duty.
    response = post(
        client_for(dispatcher),
        {"call_type": "crisis", "received_at": "2026-03-10T23:00:00", "answers": {}},
    )
    body = response.json()
    assert response.status_code == 200
    assert (body["eligible_route"], body["route"], body["unserved_reason"]) == (
        "HEART",
        "POLICE",
        "outside_hours",
    )


@time_machine.travel("2026-03-10T15:00:00+00:00", tick=False)  # 11:00 in Durham
def test_it_uses_now_when_no_time_is_given(client_for, call_taker):
    response = post(client_for(call_taker), {"call_type": "TRESPASS"})
    body = response.json()
    assert (body["route"], body["priority"], body["rule"]) == ("HEART", "P3", "R8-community")


@pytest.mark.parametrize(
    ("payload", "field", "message"),
    [
        ({"call_type": "SPACE ALIENS"}, ("call_type",), "neither a call type code nor a mapped"),
        ({}, ("call_type",), "This field is required."),
        (
            {"call_type": "WELFARE_CHECK", "answers": {"weapon": "maybe"}},
            ("answers", "weapon"),
            "'maybe' is not one of yes, no, unknown",
        ),
        (
            {"call_type": "WELFARE_CHECK", "answers": {"self_harm": "yes"}},
            ("answers", "self_harm"),
            "'yes' is not one of none, thoughts, plan, attempt, unknown",
        ),
        (
            {"call_type": "WELFARE_CHECK", "answers": {"wepon": "yes"}},
            ("answers", "wepon"),
            "not a screening question",
        ),
        (
            {"call_type": "WELFARE_CHECK", "answers": {"weapon": True}},
            ("answers", "weapon"),
            "Not a valid string.",
        ),
        (
            {"call_type": "WELFARE_CHECK", "received_at": "2026-03-10"},
            ("received_at",),
            "has no time of day",
        ),
        (
            {"call_type": "WELFARE_CHECK", "received_at": "2026-13-45T10:00:00"},
            ("received_at",),
            "is not an ISO 8601 date-time",
        ),
    ],
)
def test_it_names_the_bad_field(client_for, call_taker, payload, field, message):
    response = post(client_for(call_taker), payload)
    assert response.status_code == 400
    errors = response.json()
    assert list(errors) == [field[0]]
    for key in field:
        errors = errors[key]
    [text] = errors
    assert message in text


def test_it_reports_every_bad_field_at_once(client_for, call_taker):
    response = post(
        client_for(call_taker),
        {"call_type": "NOPE", "received_at": "soon", "answers": {"medical": "perhaps"}},
    )
    assert response.status_code == 400
    assert set(response.json()) == {"call_type", "received_at", "answers"}


def test_it_treats_blank_and_null_answers_as_not_asked(client_for, call_taker):
    response = post(
        client_for(call_taker),
        {
            "call_type": "FIRE_ALARM",
            "received_at": "2026-03-10T12:00:00-04:00",
            "answers": {"weapon": "", "violence": None, "medical": " YES "},
        },
    )
    body = response.json()
    assert response.status_code == 200
    assert (body["route"], body["rule"]) == ("FIRE", "R1-fire")


@pytest.mark.parametrize("who", ["call_taker", "dispatcher", "supervisor"])
def test_it_lets_call_takers_dispatchers_and_rule_editors_evaluate(request, client_for, who):
    response = post(client_for(request.getfixturevalue(who)), {"call_type": "THEFT"})
    assert response.status_code == 200 and response.json()["route"] == "POLICE"


@pytest.mark.parametrize("who", ["outsider", "navigator", "responder"])
def test_it_forbids_evaluation_to_other_roles(request, client_for, who):
    response = post(client_for(request.getfixturevalue(who)), {"call_type": "THEFT"})
    assert response.status_code == 403


def test_it_refuses_anonymous_callers_and_accepts_a_token(call_taker):
    assert post(Client(), {"call_type": "THEFT"}).status_code in (401, 403)
    token = Token.objects.create(user=call_taker)
    response = Client().post(
        EVALUATE,
        {"call_type": "THEFT"},
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Token {token.key}",
    )
    assert response.status_code == 200


def test_it_refuses_get_on_evaluate(client_for, call_taker):
    assert client_for(call_taker).get(EVALUATE).status_code == 405


def test_it_routes_with_the_newly_published_version(client_for, call_taker, supervisor):
    draft = services.ruleset_draft_create(by=supervisor)
    services.ruleset_rule_delete(version=draft.version, rule_id="R7-phone", by=supervisor)
    services.ruleset_publish(version=draft.version, by=supervisor)
    engine_invalidate()  # what the publication's on_commit hook does
    response = post(
        client_for(call_taker),
        {
            "call_type": "MENTAL_HEALTH",
            "received_at": "2026-03-10T10:00:00-04:00",
            "answers": {"caller_is_subject": "yes", "wants_in_person": "no"},
        },
    )
    body = response.json()
    assert (body["route"], body["rule"], body["ruleset_version"]) == (
        "HEART",
        "R8-community",
        draft.version,
    )


def test_it_lists_rule_sets_for_supervisors(client_for, supervisor, call_taker, make_user):
    draft = services.ruleset_draft_create(by=supervisor)
    response = client_for(supervisor).get(RULESETS)
    assert response.status_code == 200
    body = response.json()
    assert [(r["version"], r["status"]) for r in body] == [
        (draft.version, "draft"),
        (2, "published"),
        (1, "retired"),
    ]
    assert body[0]["published_at"] is None and body[1]["published_at"] is not None
    assert client_for(call_taker).get(RULESETS).status_code == 403

    viewer = make_user("vic")
    viewer.user_permissions.add(
        Permission.objects.get(content_type__app_label="triage", codename="view_ruleset")
    )
    assert client_for(viewer).get(RULESETS).status_code == 200


def test_it_describes_both_endpoints_in_the_openapi_schema(client_for, call_taker):
    schema = client_for(call_taker).get("/api/v1/schema/?format=json").json()
    evaluate = schema["paths"]["/api/v1/triage/evaluate/"]["post"]
    assert evaluate["operationId"] == "triage_evaluate"
    request_ref = evaluate["requestBody"]["content"]["application/json"]["schema"]["$ref"]
    response_ref = evaluate["responses"]["200"]["content"]["application/json"]["schema"]["$ref"]
    components = schema["components"]["schemas"]
    request_schema = components[request_ref.rsplit("/", 1)[1]]
    response_schema = components[response_ref.rsplit("/", 1)[1]]
    assert set(request_schema["properties"]) == {"call_type", "received_at", "answers"}
    assert request_schema["required"] == ["call_type"]
    assert {"eligible_route", "route", "priority", "rule", "ruleset_version"} <= set(
        response_schema["properties"]
    )
    assert "400" in evaluate["responses"] and "403" in evaluate["responses"]
    assert "get" in schema["paths"]["/api/v1/triage/rulesets/"]


def test_it_answers_503_when_no_version_is_published(client_for, call_taker):
    from triage.models import RuleSet

    RuleSet.objects.update(status=RuleSet.Status.RETIRED)
    response = post(client_for(call_taker), {"call_type": "THEFT"})
    assert response.status_code == 503
    assert response.json() == {"detail": "no triage rule set is published"}
