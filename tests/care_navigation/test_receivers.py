"""Care navigation answers dispatch's signals: a referral at clearing, the intake panel."""

from unittest import mock

import pytest
from django.db import IntegrityError
from django.urls import reverse

from access.models import AuditEntry
from care_navigation.models import Case
from dispatch.models import Assignment, Call
from dispatch.services import FeltSafe, Referral, call_clear, unit_assign
from people.models import Person
from tests.factories import UnitFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def assigned(dispatcher, responder, make_call):
    """A call with a HEART unit on it, the responder riding with the unit."""
    unit = UnitFactory(name="HEART-1", kind="HEART")
    unit.members.add(responder)
    call = make_call()
    unit_assign(call_id=call.pk, unit_id=unit.pk, by=dispatcher)
    return call, unit


def clear_with_referral(call, unit, responder):
    return call_clear(
        call_id=call.pk,
        unit_id=unit.pk,
        disposition="referred_to_care_navigation",
        felt_safe=[FeltSafe(responder.pk, True)],
        referral=Referral(consent=True, needs=["housing"], person_name="Sky Lane"),
        by=responder,
    )


def test_it_opens_a_case_for_a_consented_referral_and_links_the_call(
    clock, assigned, responder, navigator
):
    call, unit = assigned
    clear_with_referral(call, unit, responder)

    case = Case.objects.get(call=call)
    assert (case.person.name, case.navigator) == ("Sky Lane", navigator)
    assert Call.objects.get(pk=call.pk).person_id == case.person_id
    # The call's person is set by dispatch's own service, audited there.
    linked = AuditEntry.objects.get(action="call.person_set")
    assert (linked.object_id, linked.detail) == (str(call.pk), {"person": case.person_id})


def test_it_rolls_the_clearing_back_when_care_navigation_fails(clock, assigned, responder):
    call, unit = assigned
    failure = IntegrityError("the case could not be saved")
    with (
        mock.patch("care_navigation.receivers.case_open_from_referral", side_effect=failure),
        pytest.raises(IntegrityError),
    ):
        clear_with_referral(call, unit, responder)

    call.refresh_from_db()
    unit.refresh_from_db()
    assert (call.status, call.referral_consent, unit.status) == ("active", None, "dispatched")
    assert Assignment.objects.get(call=call).cleared_at is None
    assert not Person.objects.filter(name="Sky Lane").exists()
    assert not AuditEntry.objects.filter(action="call.clear").exists()


def test_it_tells_the_intake_panel_who_is_familiar_and_who_has_an_open_case(
    client_for, call_taker, case, person
):
    with mock.patch(
        "care_navigation.receivers.familiar_neighbor_ids", return_value={person.pk}
    ) as familiar:
        response = client_for(call_taker).post(
            reverse("dispatch:intake_context"), {"person_id": person.pk}
        )
    familiar.assert_called_once_with([person.pk])
    text = response.content.decode()
    assert "Familiar neighbor: <strong>yes</strong>" in text
    assert "Open care-navigation case: <strong>yes, navigator" in text
