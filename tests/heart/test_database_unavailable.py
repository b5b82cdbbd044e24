from unittest import mock

import pytest
from django.db import OperationalError

pytestmark = pytest.mark.django_db


def test_it_answers_503_with_retry_after_when_the_database_drops(client_for, call_taker):
    client = client_for(call_taker)
    with mock.patch("dispatch.api.call_create", side_effect=OperationalError("server closed")):
        api = client.post(
            "/api/v1/calls/",
            {"call_type": "WELFARE_CHECK"},
            content_type="application/json",
            HTTP_IDEMPOTENCY_KEY="k",
        )
    assert api.status_code == 503 and api["Retry-After"] == "2"
    assert "nothing was saved" in api.json()["detail"]
    with mock.patch("dashboards.views.overview_counts", side_effect=OperationalError("gone")):
        page = client.get("/")
    assert page.status_code == 503 and "Try again" in page.content.decode()
