"""web.errors: a service's ValidationError on the field it names: form, API or message."""

import pytest
from django import forms
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError

from web.errors import error_fields, error_response, error_text, errors_to_form


class Form(forms.Form):
    narrative = forms.CharField(required=False)
    referral_consent = forms.CharField(required=False)
    received_at = forms.CharField(required=False, widget=forms.HiddenInput)


def bound() -> Form:
    form = Form({})
    assert form.is_valid()
    return form


BY_FIELD = ValidationError({"narrative": ["too long"], "at": ["is in the future"]})
NO_FIELD = ValidationError("the call is closed")


def test_it_keys_errors_by_field_and_those_without_one_as_detail():
    assert error_fields(BY_FIELD) == {"narrative": ["too long"], "at": ["is in the future"]}
    assert error_fields(NO_FIELD) == {"detail": ["the call is closed"]}


def test_it_answers_the_api_with_a_400_by_field():
    response = error_response(BY_FIELD)
    assert response.status_code == 400
    assert response.data == {"narrative": ["too long"], "at": ["is in the future"]}
    assert error_response(NO_FIELD, status=409).status_code == 409


def test_it_names_each_field_in_a_message():
    assert error_text(BY_FIELD) == "narrative: too long; at: is in the future"
    assert error_text(NO_FIELD) == "the call is closed"


def test_it_puts_each_message_on_the_field_the_form_shows():
    form = bound()
    errors_to_form(form, BY_FIELD)
    assert form.errors["narrative"] == ["too long"]
    # The form has no field "at": the message goes above the form, naming it.
    assert form.errors[NON_FIELD_ERRORS] == ["at: is in the future"]


def test_it_names_a_hidden_field_above_the_form():
    form = bound()
    errors_to_form(form, ValidationError({"received_at": ["is in the future"]}))
    assert "received_at" not in form.errors
    assert form.errors[NON_FIELD_ERRORS] == ["received_at: is in the future"]


def test_it_renames_a_services_key_to_the_forms_field():
    form = bound()
    errors_to_form(
        form,
        ValidationError({"referral": ["say yes or no"]}),
        fields={"referral": "referral_consent"},
    )
    assert form.errors["referral_consent"] == ["say yes or no"]


@pytest.mark.parametrize(
    "exc", [NO_FIELD, ValidationError({NON_FIELD_ERRORS: ["the call is closed"]})]
)
def test_it_puts_an_error_without_a_field_above_the_form(exc):
    form = bound()
    errors_to_form(form, exc)
    assert form.errors[NON_FIELD_ERRORS] == ["the call is closed"]
