"""Input validation for the care-navigation pages. Services re-check what matters."""

from __future__ import annotations

from typing import Any, cast

from django import forms
from django.contrib.auth import get_user_model

from access import roles
from care_navigation.models import NEEDS, ContactAttempt, Referral
from workforce.vocabulary import LANGUAGE_CHOICES


class _Form(forms.Form):
    """Several of these forms share a page: ids carry the form's name so none repeats."""

    id_prefix = "care"

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("auto_id", f"{self.id_prefix}-%s")
        super().__init__(*args, **kwargs)


class ContactForm(_Form):
    id_prefix = "contact"
    channel = forms.ChoiceField(choices=ContactAttempt.Channel.choices)
    reached = forms.TypedChoiceField(
        choices=[("no", "Not reached"), ("yes", "Reached"), ("declined", "Reached, declined")],
        label="Result",
    )
    at = forms.DateTimeField(
        required=False,
        label="When (blank: now)",
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}),
    )
    note = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def service_kwargs(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            "channel": data["channel"],
            "reached": data["reached"] in ("yes", "declined"),
            "declined": data["reached"] == "declined",
            "note": data["note"],
            "at": data["at"],
        }


class NeedForm(_Form):
    id_prefix = "need"
    need = forms.ChoiceField(choices=NEEDS)
    detail = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 2}))


class ReferralForm(_Form):
    id_prefix = "referral"
    need = forms.ChoiceField(choices=NEEDS)
    service = forms.IntegerField(required=False, widget=forms.HiddenInput)
    service_name = forms.CharField(
        required=False, max_length=300, label="Service (when it is not in the directory)"
    )
    note = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 2}))


class ReferralStatusForm(_Form):
    id_prefix = "referral-status"
    status = forms.ChoiceField(choices=Referral.Status.choices)
    scheduled_for = forms.DateTimeField(
        required=False,
        label="Appointment",
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}),
    )


class NoteForm(_Form):
    id_prefix = "note"
    text = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), label="Note")


class ExtendForm(_Form):
    id_prefix = "extend"
    days = forms.IntegerField(min_value=1, max_value=365, label="Extend by (days)")
    reason = forms.CharField(widget=forms.Textarea(attrs={"rows": 2}))


class NeedRequestForm(_Form):
    id_prefix = "need-request"
    decision = forms.ChoiceField(choices=[("accept", "Add these needs"), ("decline", "Decline")])


class AssignForm(_Form):
    id_prefix = "assign"
    navigator = forms.ModelChoiceField(queryset=get_user_model().objects.none())

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = cast("forms.ModelChoiceField[Any]", self.fields["navigator"])
        field.queryset = (
            get_user_model()
            .objects.filter(is_active=True, groups__name=roles.NAVIGATOR)
            .order_by("username")
        )


class PersonConfirmForm(_Form):
    id_prefix = "person"
    action = forms.ChoiceField(choices=[("merge", "Same person"), ("keep", "A new person")])
    person = forms.IntegerField(required=False)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("action") == "merge" and not data.get("person"):
            self.add_error("person", "choose the matching person")
        return data


class CaseOpenForm(_Form):
    id_prefix = "open"
    call = forms.IntegerField(label="Call number", min_value=1)
    needs = forms.MultipleChoiceField(choices=NEEDS, widget=forms.CheckboxSelectMultiple)
    person_name = forms.CharField(required=False, max_length=200, label="Name")
    date_of_birth = forms.DateField(
        required=False, widget=forms.DateInput(attrs={"type": "date"}), label="Date of birth"
    )
    phone = forms.CharField(required=False, max_length=40)
    consent = forms.BooleanField(label="The person agrees to care navigation")


class ServiceSearchForm(_Form):
    id_prefix = "search"
    need = forms.ChoiceField(choices=[("", "Any need"), *NEEDS], required=False)
    q = forms.CharField(required=False, max_length=100, label="Name or keyword")
    language = forms.ChoiceField(
        choices=[("", "Any language"), *LANGUAGE_CHOICES], required=False, label="Offered in"
    )
    lat = forms.FloatField(required=False, min_value=-90, max_value=90)
    lon = forms.FloatField(required=False, min_value=-180, max_value=180)
