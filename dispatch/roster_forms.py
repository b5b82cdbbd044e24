"""The roster page's form: a shift as a day and two clock times in the department's zone."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from django import forms
from django.utils import timezone

from dispatch.models import Unit
from dispatch.roster_selectors import responders
from dispatch.services.assignments import DEPARTMENT_KINDS


class ResponderChoice(forms.ModelChoiceField[Any]):
    def label_from_instance(self, obj: Any) -> str:
        name = obj.get_full_name()
        return f"{name} ({obj.get_username()})" if name else obj.get_username()


class RosterShiftForm(forms.Form):
    """A shift from `day` at `start` to `end` (an end at or before the start is the next day:
    a night shift), local time."""

    unit = forms.ModelChoiceField(queryset=Unit.objects.none())
    responder = ResponderChoice(queryset=responders())
    day = forms.DateField(widget=forms.DateInput(attrs={"type": "date"}))
    start = forms.TimeField(widget=forms.TimeInput(attrs={"type": "time"}))
    end = forms.TimeField(widget=forms.TimeInput(attrs={"type": "time"}))

    # Which service errors land on which field.
    SERVICE_FIELDS = {
        "unit": "unit",
        "responder": "responder",
        "starts_at": "start",
        "ends_at": "end",
    }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Read per form, not at import: units are added while the console runs.
        self.fields["unit"].queryset = Unit.objects.filter(  # type: ignore[attr-defined]
            kind__in=DEPARTMENT_KINDS
        ).order_by("kind", "name")

    def span(self) -> tuple[datetime, datetime]:
        """(starts_at, ends_at), aware, from a valid form."""
        d = self.cleaned_data
        zone = timezone.get_current_timezone()
        starts = timezone.make_aware(datetime.combine(d["day"], d["start"]), zone)
        end_day = d["day"] + timedelta(days=1) if d["end"] <= d["start"] else d["day"]
        ends = timezone.make_aware(datetime.combine(end_day, d["end"]), zone)
        return starts, ends
