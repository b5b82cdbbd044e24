"""Admins register partner endpoints; each change is audited, the shared secret never in it."""

from __future__ import annotations

import json

import pytest

from access.models import AuditEntry
from interop.models import PartnerEndpoint

pytestmark = pytest.mark.django_db


def test_it_lets_an_admin_register_an_endpoint_and_audits_it_without_the_secret(
    admin_user_role, ecc, client_for
):
    client = client_for(admin_user_role)
    response = client.post(
        "/admin/interop/partnerendpoint/add/",
        {
            "agency": ecc.pk,
            "url": "https://cad.example.org/eido",
            "secret": "very-secret-value",
            "events": ["cleared", "assigned"],
            "active": "on",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    endpoint = PartnerEndpoint.objects.get()
    assert endpoint.events == ["assigned", "cleared"]  # in the events' own order
    entry = AuditEntry.objects.get(action="admin.create", object_type="interop.partnerendpoint")
    text = json.dumps(entry.detail)
    assert "very-secret-value" not in text
    assert "(hidden, sha256 " in entry.detail["fields"]["secret"]


def test_it_refuses_an_endpoint_that_is_not_http(admin_user_role, ecc, client_for):
    response = client_for(admin_user_role).post(
        "/admin/interop/partnerendpoint/add/",
        {"agency": ecc.pk, "url": "ftp://cad.example.org/", "secret": "x", "events": ["cleared"]},
    )
    assert response.status_code == 200
    assert not PartnerEndpoint.objects.exists()
