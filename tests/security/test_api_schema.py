"""Schemathesis over every operation of /api/v1/schema/: no 5xx, and every documented
response matches the schema.

The schema is loaded from the WSGI application itself with a supervisor's token (the schema
is for signed-in users only). Each operation gets generated requests, half of them aimed at
objects that exist (a call, a unit, a case, a referral of the world), plus requests that break
the schema (negative mode), which must be refused without a 5xx. POST /calls/ is sent as a
call-taker: logging calls is theirs alone. Shrinking is off: a failure is reported as found,
which keeps the whole run bounded (about a minute on two cores).
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from typing import Any

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from drf_spectacular.generators import SchemaGenerator
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from rest_framework.authtoken.models import Token
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import response_schema_conformance

from access import roles
from heart.wsgi import application
from tests.security.conftest import World

SCHEMA_URL = "/api/v1/schema/?format=json"
# CI sends the same bounded set of requests on every run. API_FUZZ_EXAMPLES=500 sends that
# many new random ones per operation instead, for a longer hunt on a workstation.
FUZZ = int(os.environ.get("API_FUZZ_EXAMPLES") or 0)
POSITIVE_EXAMPLES = FUZZ or 24
NEGATIVE_EXAMPLES = FUZZ // 2 or 12
# Operations a supervisor may not call, and who calls them instead.
AS_ROLE = {
    ("POST", "/api/v1/calls/"): roles.CALL_TAKER,
    ("POST", "/api/v1/eido/"): roles.PARTNER,
    ("POST", "/api/v1/handoffs/"): roles.POLICE,
}
# Bodies that are a standard's document rather than a serializer's: an EIDO is checked against
# NENA's schema, which allows members it does not name (NENA's own sample has "@context").
OPEN_BODIES = {("POST", "/api/v1/eido/")}


def _documented_operations() -> list[tuple[str, str]]:
    """Every operation drf-spectacular documents, read without a request (at collection)."""
    document = SchemaGenerator().get_schema(request=None, public=True)
    return sorted(
        (method.upper(), path) for path, item in document["paths"].items() for method in item
    )


OPERATIONS = _documented_operations()


@pytest.fixture(autouse=True)
def _keep_the_test_connection() -> Iterator[None]:
    """The WSGI handler closes the database connection at the end of each request, which
    would end the test's transaction; Django's test client disconnects the same receivers."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        yield
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


def _token(user: Any) -> str:
    token, _ = Token.objects.get_or_create(user=user)
    return f"Token {token.key}"


def _existing(world: World) -> dict[str, int]:
    return {
        "call_id": world.queued_call.pk,
        "unit_id": world.heart_unit.pk,
        "case_id": world.case.pk,
        "referral_id": world.referral.pk,
        "person_id": world.person.pk,
    }


def _load(world: World) -> Any:
    """The served schema, with every operation in it. Schemathesis leaves out the operation
    that serves the document it loaded from (GET /api/v1/schema/); that one is an API
    operation like any other here, so the document is loaded again from its content."""
    auth = {"Authorization": _token(world.user(roles.SUPERVISOR))}
    served = schemathesis.openapi.from_wsgi(SCHEMA_URL, application, headers=auth)
    schema = schemathesis.openapi.from_dict(served.raw_schema)
    schema.app = application
    return schema


def test_it_tests_every_operation_the_served_schema_lists(world_per_test: World) -> None:
    schema = _load(world_per_test)
    served = sorted(
        (result.ok().method.upper(), result.ok().path) for result in schema.get_all_operations()
    )
    assert served == OPERATIONS
    assert len(OPERATIONS) >= 20


@pytest.mark.parametrize(("method", "path"), OPERATIONS, ids=[f"{m} {p}" for m, p in OPERATIONS])
def test_it_answers_every_operation_without_a_5xx_and_as_documented(
    world_per_test: World, method: str, path: str
) -> None:
    world = world_per_test
    operation = _load(world)[path][method]
    role = AS_ROLE.get((method, path), roles.SUPERVISOR)
    headers = {"Authorization": _token(world.user(role))}
    params = {
        name: value for name, value in _existing(world).items() if f"{{{name}}}" in operation.path
    }
    positive = operation.as_strategy()
    if params:
        positive = st.one_of(positive, operation.as_strategy(path_parameters=params))
    run = settings(
        max_examples=POSITIVE_EXAMPLES,
        phases=[Phase.explicit, Phase.generate],
        deadline=None,
        database=None,
        derandomize=not FUZZ,  # CI fails on a bug, not on luck
        suppress_health_check=list(HealthCheck),
    )

    @run
    @given(case=positive)
    def conforms(case: schemathesis.Case) -> None:
        response = case.call(headers=headers)
        case.validate_response(
            response, checks=[not_a_server_error, response_schema_conformance], headers=headers
        )

    conforms()

    if not _negatable(operation):
        return

    @settings(run, max_examples=NEGATIVE_EXAMPLES)
    @given(case=operation.as_strategy(generation_mode=schemathesis.GenerationMode.NEGATIVE))
    def refuses(case: schemathesis.Case) -> None:
        response = case.call(headers=headers)
        case.validate_response(response, checks=[not_a_server_error], headers=headers)

    refuses()


def _negatable(operation: Any) -> bool:
    """Whether there is anything to break: a body or a parameter beyond the path's ids."""
    definition = operation.definition.raw
    return "requestBody" in definition or any(
        p.get("in") != "path" for p in definition.get("parameters", [])
    )


# The cases the outside test found, sent to every operation the schema lists: a NUL in each
# query parameter, a field the operation does not take, a number that overflows to infinity.

DOCUMENT = SchemaGenerator().get_schema(request=None, public=True)


def _operation(method: str, path: str) -> dict[str, Any]:
    return dict(DOCUMENT["paths"][path][method.lower()])


def _body_schema(method: str, path: str) -> dict[str, Any] | None:
    content = _operation(method, path).get("requestBody", {}).get("content", {})
    schema = content.get("application/json", {}).get("schema")
    if schema is None or (method, path) in OPEN_BODIES:
        return None
    name = schema["$ref"].rsplit("/", 1)[-1]
    return dict(DOCUMENT["components"]["schemas"][name])


QUERIED = [
    (method, path, parameter["name"])
    for method, path in OPERATIONS
    for parameter in _operation(method, path).get("parameters", [])
    if parameter["in"] == "query"
]
WITH_BODY = [(m, p) for m, p in OPERATIONS if _body_schema(m, p) is not None]
NUMBERS = [
    (m, p, name)
    for m, p in WITH_BODY
    for name, prop in (_body_schema(m, p) or {}).get("properties", {}).items()
    if prop.get("type") == "number"
]


def _send(world: World, method: str, path: str, *, query: str = "", body: str = "") -> Any:
    from django.test import Client

    role = AS_ROLE.get((method, path), roles.SUPERVISOR)
    url = path.format(**_existing(world)) + query
    headers = {"Authorization": _token(world.user(role)), "Idempotency-Key": "schema-nul"}
    return Client().generic(method, url, body, content_type="application/json", headers=headers)


@pytest.mark.parametrize(
    ("method", "path", "name"), QUERIED, ids=[f"{m} {p} {n}" for m, p, n in QUERIED]
)
def test_it_refuses_a_nul_in_every_query_parameter_by_name(
    world_per_test: World, method: str, path: str, name: str
) -> None:
    response = _send(world_per_test, method, path, query=f"?{name}=a%00b")
    assert response.status_code == 400, response.content[:500]
    assert name in response.json()


@pytest.mark.parametrize(("method", "path"), WITH_BODY, ids=[f"{m} {p}" for m, p in WITH_BODY])
def test_it_refuses_a_field_the_operation_does_not_take(
    world_per_test: World, method: str, path: str
) -> None:
    response = _send(world_per_test, method, path, body='{"zz_not_a_field": 1}')
    assert response.status_code == 400, response.content[:500]
    assert "zz_not_a_field" in response.json()


@pytest.mark.parametrize(
    ("method", "path", "name"), NUMBERS, ids=[f"{m} {p} {n}" for m, p, n in NUMBERS]
)
def test_it_refuses_a_number_that_overflows_to_infinity(
    world_per_test: World, method: str, path: str, name: str
) -> None:
    response = _send(world_per_test, method, path, body=f'{{"{name}": 1e400}}')
    assert response.status_code == 400, response.content[:500]
    assert name in response.json()


def test_it_finds_the_cases_to_send() -> None:
    assert len(QUERIED) >= 8 and len(WITH_BODY) >= 10 and NUMBERS
