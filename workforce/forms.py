"""Forms over the workforce tables: the codes lists as checkboxes."""

from __future__ import annotations

from typing import Any

from django import forms

from workforce.models import Responder, TeamTemplate
from workforce.vocabulary import DISCIPLINE_CHOICES, LANGUAGE_CHOICES


class ResponderForm(forms.ModelForm[Any]):
    disciplines = forms.MultipleChoiceField(
        choices=DISCIPLINE_CHOICES, required=False, widget=forms.CheckboxSelectMultiple
    )
    languages = forms.MultipleChoiceField(
        choices=LANGUAGE_CHOICES, required=False, widget=forms.CheckboxSelectMultiple
    )

    class Meta:
        model = Responder
        fields = ["user", "disciplines", "languages"]


class TeamTemplateForm(forms.ModelForm[Any]):
    disciplines = forms.CharField(
        help_text="Codes separated by '+', one per person: clinician + emt + peer",
    )

    class Meta:
        model = TeamTemplate
        fields = ["service", "disciplines"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.initial["disciplines"] = " + ".join(self.instance.disciplines)

    def clean_disciplines(self) -> list[str]:
        raw: str = self.cleaned_data["disciplines"]
        return [part.strip().lower() for part in raw.split("+") if part.strip()]
