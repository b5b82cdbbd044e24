"""docs/domain.md section 7 beyond who may open which URL (test_access_matrix.py): what each role
reads inside the pages it may open."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from access import roles
from access.models import AuditEntry
from care_navigation import services as care
from care_navigation.models import Case
from tests.security.conftest import (
    CALLER,
    NARRATIVE,
    NOTE,
    OTHER_NOTE,
    OTHER_PERSON,
    SUBSTANCE,
    World,
)


def signed_in(user: object) -> Client:
    client = Client()
    client.force_login(user)  # type: ignore[arg-type]
    return client


def test_it_tells_a_call_taker_only_that_a_person_has_an_open_case_and_whose(world: World):
    client = signed_in(world.user(roles.CALL_TAKER))
    response = client.post(
        reverse("dispatch:intake_context"),
        {"caller_name": "Jordan", "person_id": world.person.pk, "address": "1 Elsewhere"},
    )
    text = response.content.decode()
    assert response.status_code == 200
    assert "Open care-navigation case: <strong>yes, navigator M-Navigator</strong>" in text
    for private in (NOTE, SUBSTANCE, "substance", "housing", "Housing Hub", "/care/cases/"):
        assert private not in text, private
    assert not AuditEntry.objects.filter(action__startswith="case.", username="m-call_taker")


def test_it_keeps_another_navigators_notes_off_the_persons_history(world: World):
    """The same person, an earlier case with another navigator: its contacts and referrals
    are history the navigator may see; its notes are not."""
    navigator, other = world.user(roles.NAVIGATOR), world.other_navigator
    Case.objects.filter(pk=world.other_case.pk).update(
        person=world.person, status="closed", closed_at=timezone.now(), outcome="not_connected"
    )
    care.note_add(case=world.other_case, by=other, text="earlier-note-secret: moved shelters")
    client = signed_in(navigator)
    for url in (
        reverse("care_navigation:case", args=[world.case.pk]),
        reverse("api-case", args=[world.case.pk]),
    ):
        text = client.get(url).content.decode()
        assert NOTE in text
        assert "earlier-note-secret" not in text and OTHER_NOTE not in text
        assert f"Case {world.other_case.pk} opened" in text  # the history itself is there
    assert client.get(reverse("api-case", args=[world.other_case.pk])).status_code == 404


def test_it_lists_only_a_navigators_own_cases(world: World):
    client = signed_in(world.user(roles.NAVIGATOR))
    listed = {c["id"] for c in client.get("/api/v1/cases/?limit=1000").json()["results"]}
    assert listed == {world.case.pk}
    caseload = client.get(reverse("care_navigation:caseload")).content.decode()
    assert OTHER_PERSON not in caseload and OTHER_NOTE not in caseload
    notifications = client.get("/api/v1/notifications/").json()
    assert {n["case"] for n in notifications} <= {world.case.pk, world.unassigned_case.pk}
    supervisor = signed_in(world.user(roles.SUPERVISOR))
    everything = supervisor.get("/api/v1/cases/?limit=1000").json()["results"]
    assert {c["id"] for c in everything} == {
        world.case.pk,
        world.other_case.pk,
        world.unassigned_case.pk,
    }


def test_it_keeps_substance_use_off_every_list_and_audits_every_detail_read(world: World):
    supervisor = signed_in(world.user(roles.SUPERVISOR))
    navigator = signed_in(world.user(roles.NAVIGATOR))
    for client in (supervisor, navigator):
        for url in (
            "/api/v1/cases/",
            reverse("care_navigation:caseload"),
            "/api/v1/notifications/",
        ):
            text = client.get(url).content.decode()
            assert SUBSTANCE not in text and "substance_use" not in text, url
    assert not AuditEntry.objects.filter(action="case.substance_use.read").exists()
    body = navigator.get(reverse("api-case", args=[world.case.pk])).json()
    assert {"need": "substance_use", "detail": SUBSTANCE} in body["needs"]
    assert AuditEntry.objects.filter(action="case.substance_use.read").count() == 1


@pytest.mark.parametrize("role", [roles.DISPATCHER, roles.CCD_CLINICIAN, roles.SUPERVISOR])
def test_it_shows_a_callers_details_to_the_call_roles_only_in_their_pages(world: World, role):
    """Caller names and narratives are for the roles that work calls, not for navigators."""
    client = signed_in(world.user(role))
    text = client.get(f"/api/v1/calls/{world.queued_call.pk}/").content.decode()
    assert CALLER in text and NARRATIVE in text
    navigator = signed_in(world.user(roles.NAVIGATOR))
    assert navigator.get(f"/api/v1/calls/{world.queued_call.pk}/").status_code == 403
