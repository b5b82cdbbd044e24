"""The forms of the call after intake (docs/calls.md): notes, supplements, cancelling,
merging, acknowledging an alert, confirming a fallback. Errors name the field."""

from __future__ import annotations

from django import forms

from dispatch.models import CANCEL_REASONS, AlertAcknowledgement
from dispatch.services import Supplement
from dispatch.services.after_intake import NOTE_MAX_CHARS


class NoteForm(forms.Form):
    text = forms.CharField(
        max_length=NOTE_MAX_CHARS,
        label="Note",
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class SupplementForm(forms.Form):
    text = forms.CharField(
        max_length=NOTE_MAX_CHARS,
        label="New information",
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    callback_number = forms.CharField(max_length=40, required=False, label="New callback number")
    address = forms.CharField(max_length=200, required=False, label="New location")

    def supplement(self) -> Supplement:
        d = self.cleaned_data
        return Supplement(
            text=d["text"], callback_number=d["callback_number"], address=d["address"]
        )


class CancelForm(forms.Form):
    reason = forms.ChoiceField(choices=[("", "— why? —"), *CANCEL_REASONS])
    text = forms.CharField(max_length=500, required=False, label="Details")


class MergeForm(forms.Form):
    into = forms.IntegerField(min_value=1, label="Duplicate of call #")
    reason = forms.CharField(max_length=400, required=False)


class AlertAckForm(forms.Form):
    kind = forms.ChoiceField(choices=AlertAcknowledgement.Kind.choices)
