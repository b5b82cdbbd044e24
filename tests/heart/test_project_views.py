"""The project's own views: the API root and its documentation, the health check, the favicon,
and the content security policy every page is served with."""

import pytest
from django.test import Client

pytestmark = pytest.mark.django_db


def test_it_serves_the_api_root_schema_and_docs(client_for, call_taker):
    client = client_for(call_taker)
    assert client.get("/api/v1/").json()["department"] == "Community Safety Department"
    schema = client.get("/api/v1/schema/")
    assert schema.status_code == 200 and b"openapi: 3" in schema.content
    docs = client.get("/api/v1/docs/").content.decode()
    assert "swagger-ui-bundle.js" in docs and "cdn" not in docs.lower()


def test_it_sets_a_content_security_policy_without_inline_scripts(client_for, call_taker):
    response = client_for(call_taker).get("/")
    policy = response["Content-Security-Policy"]
    assert "script-src 'self'" in policy and "unsafe-inline" not in policy
    assert "<script>" not in response.content.decode()


def test_it_answers_the_health_check_without_login():
    assert Client().get("/healthz").json() == {"status": "ok"}


def test_it_points_browsers_asking_for_favicon_ico_at_the_icon():
    response = Client().get("/favicon.ico")
    assert response.status_code == 301 and response["Location"].endswith("favicon.svg")
