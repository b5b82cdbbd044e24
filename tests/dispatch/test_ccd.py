"""The CCD phone queue: a call resolved as "referred to care navigation" opens a case with the
person's consent and needs, or counts the declined offer, exactly as a field clearing does."""

import pytest
from django.core.exceptions import ValidationError

from care_navigation.models import Case, ClearingReferral
from dispatch.models import Call
from dispatch.services import Referral, ccd_resolve

pytestmark = pytest.mark.django_db

PHONE_ANSWERS = {
    "weapon": "no",
    "violence": "no",
    "caller_is_subject": "yes",
    "wants_in_person": "no",
}
REFERRED = "referred_to_care_navigation"


@pytest.fixture
def phone_call(make_call):
    call = make_call(call_type="MENTAL_HEALTH", answers=PHONE_ANSWERS, caller_name="Jo")
    assert call.status == "phone"
    return call


def test_it_refuses_a_referral_without_the_persons_answer(ccd_clinician, phone_call):
    with pytest.raises(ValidationError) as refused:
        ccd_resolve(call_id=phone_call.pk, disposition=REFERRED, by=ccd_clinician)
    assert list(refused.value.message_dict) == ["referral"]
    assert Call.objects.get(pk=phone_call.pk).status == "phone"
    assert not ClearingReferral.objects.exists()


def test_it_opens_a_case_when_the_person_consents_by_phone(ccd_clinician, navigator, phone_call):
    call = ccd_resolve(
        call_id=phone_call.pk,
        disposition=REFERRED,
        referral=Referral(
            consent=True,
            needs=["housing", "mental_health"],
            person_name="Jordan Lee",
            phone="919-555-0101",
        ),
        by=ccd_clinician,
    )
    assert (call.status, call.disposition) == ("closed", REFERRED)
    assert Call.objects.get(pk=call.pk).referral_consent is True
    case = Case.objects.get(call=call)
    assert (case.person.name, case.person.phone) == ("Jordan Lee", "919-555-0101")
    assert sorted(case.needs.values_list("need", flat=True)) == ["housing", "mental_health"]
    assert case.navigator == navigator
    offer = ClearingReferral.objects.get()
    assert (offer.consent, offer.case, offer.by) == (True, case, ccd_clinician)


def test_it_counts_a_declined_offer_and_opens_no_case(ccd_clinician, phone_call):
    call = ccd_resolve(
        call_id=phone_call.pk,
        disposition=REFERRED,
        referral=Referral(consent=False),
        by=ccd_clinician,
    )
    assert call.status == "closed"
    assert Call.objects.get(pk=call.pk).referral_consent is False
    assert not Case.objects.exists()
    assert ClearingReferral.objects.get().consent is False


def test_it_refuses_a_consent_without_needs_by_field(ccd_clinician, phone_call):
    with pytest.raises(ValidationError) as refused:
        ccd_resolve(
            call_id=phone_call.pk,
            disposition=REFERRED,
            referral=Referral(consent=True),
            by=ccd_clinician,
        )
    assert list(refused.value.message_dict) == ["referral.needs"]
    assert Call.objects.get(pk=phone_call.pk).status == "phone"


def test_it_resolves_without_a_referral_for_other_dispositions(ccd_clinician, phone_call):
    call = ccd_resolve(call_id=phone_call.pk, disposition="resolved_by_phone", by=ccd_clinician)
    assert (call.status, call.referral_consent) == ("closed", None)
    assert not ClearingReferral.objects.exists()


# The queue page, as a plain form post and through htmx.

HTMX = {"HX-Request": "true"}


def resolve_url(call):
    return f"/dispatch/ccd/{call.pk}/resolve/"


def test_it_shows_the_referral_questions_on_each_queued_call(client_for, ccd_clinician, phone_call):
    page = client_for(ccd_clinician).get("/dispatch/ccd/").content.decode()
    assert f'id="ccd{phone_call.pk}_referral_consent"' in page
    assert f'id="ccd{phone_call.pk}_person_name"' in page
    assert 'name="needs" value="housing"' in page


@pytest.mark.parametrize("htmx", [False, True], ids=["plain", "htmx"])
def test_it_refuses_a_referral_without_consent_by_field_and_keeps_the_input(
    client_for, ccd_clinician, phone_call, htmx
):
    response = client_for(ccd_clinician).post(
        resolve_url(phone_call),
        {"disposition": REFERRED, "person_name": "Jordan Lee", "needs": ["food"]},
        headers=HTMX if htmx else {},
    )
    page = response.content.decode()
    assert response.status_code == (200 if htmx else 400)
    assert ("<html" in page) is not htmx
    errors = response.context["cards"][0][1].errors
    assert list(errors) == ["referral_consent"]
    assert "needs the person&#x27;s consent answer" in page
    assert 'value="Jordan Lee"' in page  # nothing typed is lost
    assert Call.objects.get(pk=phone_call.pk).status == "phone"
    assert not ClearingReferral.objects.exists()


@pytest.mark.parametrize("htmx", [False, True], ids=["plain", "htmx"])
def test_it_opens_a_case_from_the_queue(client_for, ccd_clinician, phone_call, htmx):
    client = client_for(ccd_clinician)
    response = client.post(
        resolve_url(phone_call),
        {
            "disposition": REFERRED,
            "referral_consent": "yes",
            "needs": ["housing", "food"],
            "person_name": "Jordan Lee",
            "phone": "919-555-0101",
        },
        headers=HTMX if htmx else {},
    )
    if htmx:
        assert response.status_code == 200
        page = response.content.decode()
        assert "<html" not in page
        assert "A care-navigation case is open for the person." in page
        assert f"#{phone_call.pk}" not in page  # it left the queue
    else:
        assert response.status_code == 302
        page = client.get(response["Location"]).content.decode()
        assert "A care-navigation case is open for the person." in page
    case = Case.objects.get(call=phone_call)
    assert case.person.name == "Jordan Lee"
    assert sorted(case.needs.values_list("need", flat=True)) == ["food", "housing"]


@pytest.mark.parametrize("htmx", [False, True], ids=["plain", "htmx"])
def test_it_counts_a_declined_offer_from_the_queue(client_for, ccd_clinician, phone_call, htmx):
    response = client_for(ccd_clinician).post(
        resolve_url(phone_call),
        {"disposition": REFERRED, "referral_consent": "no"},
        headers=HTMX if htmx else {},
    )
    assert response.status_code == (200 if htmx else 302)
    assert not Case.objects.exists()
    assert ClearingReferral.objects.get(call=phone_call).consent is False


@pytest.mark.parametrize("htmx", [False, True], ids=["plain", "htmx"])
def test_it_says_so_when_the_call_left_the_queue_meanwhile(
    client_for, ccd_clinician, phone_call, htmx
):
    ccd_resolve(call_id=phone_call.pk, disposition="resolved_by_phone", by=ccd_clinician)
    response = client_for(ccd_clinician).post(
        resolve_url(phone_call),
        {"disposition": "resolved_by_phone"},
        headers=HTMX if htmx else {},
    )
    assert response.status_code == (200 if htmx else 400)
    assert "only a call in the CCD phone queue can be resolved" in response.content.decode()
