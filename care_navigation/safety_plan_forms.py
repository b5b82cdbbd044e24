"""The safety-plan form: the five sections, the version it was written on, and, for a plan
made on a call about no known person, who it is for."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.validators import MaxLengthValidator

from care_navigation.models import SAFETY_PLAN_SECTION_MAX_CHARS, SAFETY_PLAN_SECTIONS
from care_navigation.safety_plan_services import NewPerson, PlanSections


def _section(label: str, help_text: str) -> forms.CharField:
    # A validator, not max_length: a browser silently cuts a longer paste at a maxlength.
    return forms.CharField(
        label=label,
        help_text=help_text,
        required=False,
        validators=[MaxLengthValidator(SAFETY_PLAN_SECTION_MAX_CHARS)],
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class SafetyPlanForm(forms.Form):
    based_on = forms.IntegerField(required=False, min_value=1, widget=forms.HiddenInput)

    def __init__(self, *args: Any, new_person: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for code, label, help_text in SAFETY_PLAN_SECTIONS:
            self.fields[code] = _section(label, help_text)
        self.new_person = new_person
        if new_person:
            self.fields["person_name"] = forms.CharField(max_length=200, label="Person's name")
            self.fields["date_of_birth"] = forms.DateField(
                required=False, label="Date of birth (YYYY-MM-DD)"
            )
            self.fields["phone"] = forms.CharField(max_length=40, required=False)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not any((data.get(code) or "").strip() for code, _l, _h in SAFETY_PLAN_SECTIONS):
            self.add_error("warning_signs", "write at least one section of the plan")
        return data

    def section_fields(self) -> list[Any]:
        return [self[code] for code, _label, _help in SAFETY_PLAN_SECTIONS]

    def person_fields(self) -> list[Any]:
        if not self.new_person:
            return []
        return [self[name] for name in ("person_name", "date_of_birth", "phone")]

    def sections(self) -> PlanSections:
        d = self.cleaned_data
        return PlanSections(**{code: d.get(code) or "" for code, _l, _h in SAFETY_PLAN_SECTIONS})

    def person(self) -> NewPerson | None:
        if not self.new_person:
            return None
        d = self.cleaned_data
        return NewPerson(
            name=d["person_name"], date_of_birth=d.get("date_of_birth"), phone=d.get("phone", "")
        )
