"""API permission classes built from the roles' permissions (access/api_permissions.py)."""

import pytest
from rest_framework.test import APIClient

pytestmark = pytest.mark.django_db


def api(user: object) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def test_it_names_the_permissions_of_the_requests_method(responder, navigator):
    # GET /api/v1/calls/ needs a reader's permission, POST the call-taker's.
    refused = api(responder).get("/api/v1/calls/")
    assert refused.status_code == 403
    assert "dispatch.view_call" in refused.json()["detail"]
    posted = api(responder).post("/api/v1/calls/", {}, format="json")
    assert posted.status_code == 403
    assert posted.json()["detail"].endswith("(needs one of: dispatch.log_call)")


def test_it_lets_a_method_not_named_need_any_permission_the_view_names(call_taker, outsider):
    assert api(call_taker).options("/api/v1/calls/").status_code == 200
    assert api(outsider).options("/api/v1/calls/").status_code == 403


def test_it_refuses_care_navigation_to_other_roles(dispatcher, navigator):
    assert api(dispatcher).get("/api/v1/cases/").status_code == 403
    assert api(navigator).get("/api/v1/cases/").status_code == 200
