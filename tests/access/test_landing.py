"""After signing in, each role lands on its work page; an explicit ?next= still wins."""

import pytest
from django.test import Client

from access import roles
from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db


def sign_in(username: str, next_url: str | None = None):
    url = "/accounts/login/" + (f"?next={next_url}" if next_url is not None else "")
    client = Client()
    response = client.post(url, {"username": username, "password": PASSWORD})
    assert response.status_code == 302, response.content.decode()[:500]
    return client, response["Location"]


@pytest.mark.parametrize(
    ("held", "lands_on"),
    [
        ([roles.CALL_TAKER], "/dispatch/intake/"),
        ([roles.DISPATCHER], "/dispatch/board/"),
        ([roles.RESPONDER], "/dispatch/my-unit/"),
        ([roles.CCD_CLINICIAN], "/dispatch/ccd/"),
        ([roles.NAVIGATOR], "/care/"),
        ([roles.SUPERVISOR], "/dashboards/"),
        ([roles.ADMIN], "/admin/"),
        # Several roles: the first in heart.navigation.LANDING.
        ([roles.CALL_TAKER, roles.DISPATCHER], "/dispatch/board/"),
        ([roles.SUPERVISOR, roles.NAVIGATOR], "/care/"),
        ([roles.CCD_CLINICIAN, roles.CALL_TAKER], "/dispatch/intake/"),
        ([], "/"),
    ],
    ids=lambda v: "+".join(v) or "no role" if isinstance(v, list) else v,
)
def test_it_lands_each_role_on_its_work_page(make_user, held, lands_on):
    make_user("pat", *held, is_staff=roles.ADMIN in held)
    client, location = sign_in("pat")
    assert location == lands_on
    assert client.get(location).status_code == 200


def test_it_sends_an_admin_role_without_staff_status_to_the_overview(make_user):
    make_user("pat", roles.ADMIN)
    assert sign_in("pat")[1] == "/"


def test_it_sends_a_superuser_without_a_role_to_the_admin(make_user):
    make_user("root", is_staff=True, is_superuser=True)
    assert sign_in("root")[1] == "/admin/"


def test_it_still_follows_an_explicit_next(dispatcher):
    assert sign_in("dana", "/dispatch/intake/")[1] == "/dispatch/intake/"
    assert sign_in("dana", "/dispatch/calls/1/")[1] == "/dispatch/calls/1/"


def test_it_lands_on_the_work_page_from_the_consoles_address(dispatcher):
    """Opening http://host/ signed out redirects to the login with ?next=/: that is no choice."""
    redirect = Client().get("/")
    assert redirect["Location"] == "/accounts/login/?next=/"
    assert sign_in("dana", "/")[1] == "/dispatch/board/"


def test_it_ignores_a_next_to_another_site(call_taker):
    assert sign_in("casey", "https://evil.example/")[1] == "/dispatch/intake/"


def test_it_keeps_the_overview_in_the_header(client_for, call_taker):
    page = client_for(call_taker).get("/dispatch/intake/").content.decode()
    assert '<a href="/">Overview</a>' in page
    assert client_for(call_taker).get("/").status_code == 200
