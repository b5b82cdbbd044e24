"""The pages: the board and the call page say a call was transferred; the delivery log."""

from __future__ import annotations

import pytest
from rest_framework.test import APIClient

from dispatch.services import unit_assign
from interop.models import PartnerDelivery

pytestmark = pytest.mark.django_db


@pytest.fixture
def transferred_id(afternoon, partner, sample):
    client = APIClient()
    client.force_authenticate(partner)
    return client.post("/api/v1/eido/", sample, format="json").json()["id"]


def test_it_shows_transferred_from_the_agency_on_the_board_and_the_call_page(
    transferred_id, dispatcher, client_for
):
    client = client_for(dispatcher)
    board = client.get("/dispatch/board/").content.decode()
    assert "transferred from Durham Emergency Communications Center" in board
    page = client.get(f"/dispatch/calls/{transferred_id}/").content.decode()
    assert "Transferred from" in page
    assert "urn:emergency:uid:incidentid:a56e556d871:bcf.state.pa.us" in page


def test_it_lists_deliveries_for_supervisors_with_their_status(
    transferred_id, endpoint, dispatcher, heart_unit, supervisor, client_for
):
    unit_assign(call_id=transferred_id, unit_id=heart_unit.pk, by=dispatcher)
    PartnerDelivery.objects.update(attempts=3, last_status_code=503, last_error="HTTP 503")
    client = client_for(supervisor)
    page = client.get("/partners/deliveries/")
    assert page.status_code == 200
    assert "no-store" in page["Cache-Control"]
    text = page.content.decode()
    assert endpoint.url in text
    assert "HTTP 503" in text
    assert 'href="/partners/deliveries/"' in text  # in the navigation
    assert (
        "No deliveries delivered"
        in client.get("/partners/deliveries/?status=delivered").content.decode()
    )


def test_it_hides_the_delivery_log_from_other_roles(dispatcher, client_for):
    assert client_for(dispatcher).get("/partners/deliveries/").status_code == 403


def test_it_names_the_transferring_agency_in_the_calls_and_board_api(transferred_id, dispatcher):
    client = APIClient()
    client.force_authenticate(dispatcher)
    call = client.get(f"/api/v1/calls/{transferred_id}/").json()
    assert call["transferred_from"] == "Durham Emergency Communications Center"
    board = client.get("/api/v1/board/").json()
    (waiting,) = [c for c in board["waiting"] if c["id"] == transferred_id]
    assert waiting["transferred_from"] == "Durham Emergency Communications Center"
