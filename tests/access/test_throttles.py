"""DRF throttles on the token endpoint (per client address) and the creates (per user):
429 with Retry-After past the rate (access/api_throttles.py)."""

import uuid

import pytest
from django.core.cache.backends.locmem import LocMemCache
from django.test import Client

from access.api_throttles import _SettingsRate
from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def counts(monkeypatch):
    """A cache of the test's own: the project's is shared (Redis in CI) and outlives tests."""
    monkeypatch.setattr(_SettingsRate, "cache", LocMemCache(f"throttle-{uuid.uuid4()}", {}))


def token(client: Client, username: str = "casey"):
    return client.post(
        "/api/v1/auth/token/",
        {"username": username, "password": PASSWORD},
        content_type="application/json",
    )


def test_it_throttles_the_token_endpoint_per_client_address(settings, call_taker):
    settings.API_TOKEN_THROTTLE_RATE = "3/min"
    client = Client(REMOTE_ADDR="203.0.113.9")
    assert [token(client).status_code for _ in range(3)] == [200, 200, 200]
    throttled = token(client)
    assert throttled.status_code == 429
    assert 0 < int(throttled["Retry-After"]) <= 60
    assert "throttled" in throttled.json()["detail"].lower()
    assert token(Client(REMOTE_ADDR="198.51.100.20")).status_code == 200


def call(client: Client):
    return client.post(
        "/api/v1/calls/",
        {"call_type": "WELFARE_CHECK", "answers": {"weapon": "no", "violence": "no"}},
        content_type="application/json",
        headers={"Idempotency-Key": uuid.uuid4().hex},
    )


def test_it_throttles_creates_per_user_and_not_the_reads(
    settings, call_taker, make_user, client_for
):
    settings.API_CREATE_THROTTLE_RATE = "2/min"
    taker = client_for(call_taker)
    assert [call(taker).status_code for _ in range(2)] == [201, 201]
    throttled = call(taker)
    assert throttled.status_code == 429 and int(throttled["Retry-After"]) > 0
    assert taker.get("/api/v1/calls/").status_code == 200  # lists are not creates
    other = client_for(make_user("casey2", "call_taker"))
    assert call(other).status_code == 201


def test_it_throttles_the_care_creates_as_well(settings, navigator, client_for):
    settings.API_CREATE_THROTTLE_RATE = "1/min"
    nav = client_for(navigator)
    body = {"call": 987654321, "needs": ["food"], "consent": True}
    assert nav.post("/api/v1/cases/", body, content_type="application/json").status_code == 400
    assert nav.post("/api/v1/cases/", body, content_type="application/json").status_code == 429


def test_it_throttles_nothing_when_the_rate_is_off(settings, call_taker):
    settings.API_TOKEN_THROTTLE_RATE = None
    client = Client()
    assert {token(client).status_code for _ in range(12)} == {200}
