"""Validation of console input. Errors name the field and the problem."""

from __future__ import annotations

import uuid
from typing import Any

from django import forms
from django.core.validators import MaxLengthValidator
from django.utils import timezone

from dispatch.models import CCD_RESOLUTIONS, DISPOSITIONS, TRANSFERS_988, Unit
from dispatch.outcome_vocabulary import (
    AGE_BANDS,
    DEMOGRAPHICS,
    FLAGS,
    GENDERS,
    HOUSING_STATUSES,
    NOT_COLLECTED,
    RACE_ETHNICITY,
    TRANSPORT_BY,
    TRANSPORT_TO,
    TRANSPORT_VOLUNTARY,
    VETERAN_STATUSES,
)
from dispatch.services import HANDOFF_TARGETS, CallInput, Outcome, Referral
from dispatch.services.calls import NARRATIVE_MAX_CHARS, NARRATIVE_TOO_LONG
from dispatch.services.clearing import NEEDS
from triage.models import CallType
from triage.selectors import call_type_resolve
from triage.vocabulary import ANSWER_CHOICES, ROUTES
from workforce.vocabulary import LANGUAGE_CHOICES

QUESTIONS = {
    "weapon": "Does anyone have a weapon, or one within reach?",
    "violence": "Is anyone being physically violent or hurt right now?",
    "threats": "Has anyone threatened to hurt someone else?",
    "medical": "Is anyone unconscious, not breathing normally, bleeding badly, or overdosed?",
    "fire_hazard": "Any fire, smoke or gas smell?",
    "crime_in_progress": "Is a crime happening right now?",
    "self_harm": "Is anyone thinking about, planning or attempting to hurt themselves?",
    "caller_is_subject": "Is the caller the person in crisis?",
    "wants_in_person": "Does the caller want someone to come in person?",
}
# docs/domain.md section 4: the live form must ask these for behavioral call types.
REQUIRED_FOR_BEHAVIORAL = ("weapon", "violence")


def _answer_field(name: str) -> forms.ChoiceField:
    choices = [("", "— not asked —"), *((v, v) for v in ANSWER_CHOICES[name])]
    return forms.ChoiceField(choices=choices, required=False, label=QUESTIONS[name])


class IntakeContextForm(forms.Form):
    """What the side panel reads of the intake form while it fills: the place and the person.
    Its numbers are the intake form's own fields, so a latitude of ``inf`` or ``1e400`` is an
    error by field here as it is on saving, never a distance computed from infinity."""

    address = forms.CharField(required=False)
    lat = forms.FloatField(required=False, min_value=-90, max_value=90, label="Latitude")
    lon = forms.FloatField(required=False, min_value=-180, max_value=180, label="Longitude")
    caller_name = forms.CharField(required=False)


class IntakeForm(forms.Form):
    call_type = forms.CharField(max_length=120, label="Call type")
    address = forms.CharField(max_length=200, required=False)
    lat = forms.FloatField(required=False, min_value=-90, max_value=90, label="Latitude")
    lon = forms.FloatField(required=False, min_value=-180, max_value=180, label="Longitude")
    zone = forms.CharField(max_length=40, required=False, label="Zone or beat")
    # Set by the address type-ahead (static/js/address.js) when a geocoder result is picked.
    location_source = forms.ChoiceField(
        choices=[("", ""), ("address_point", "address point"), ("street", "street")],
        required=False,
        widget=forms.HiddenInput,
    )
    landmark = forms.CharField(
        max_length=200, required=False, label="Landmark or description of the place"
    )
    caller_name = forms.CharField(max_length=200, required=False)
    callback_number = forms.CharField(max_length=40, required=False)
    caller_language = forms.ChoiceField(
        choices=[("", "— not recorded —"), *LANGUAGE_CHOICES],
        required=False,
        label="Caller's language",
    )
    interpreter_used = forms.BooleanField(required=False, label="Interpreter used")
    # A validator, not max_length: max_length puts a maxlength on the textarea, and a browser
    # silently cuts a longer paste there. The counter (static/js/intake.js) shows the limit.
    narrative = forms.CharField(
        required=False,
        validators=[MaxLengthValidator(NARRATIVE_MAX_CHARS, message=NARRATIVE_TOO_LONG)],
        widget=forms.Textarea(attrs={"rows": 3, "data-max-chars": NARRATIVE_MAX_CHARS}),
    )
    person_id = forms.IntegerField(required=False, min_value=1)
    override_route = forms.ChoiceField(
        choices=[("", "— keep the recommendation —"), *((r, r) for r in ROUTES)], required=False
    )
    override_reason = forms.CharField(max_length=500, required=False)
    duplicate_of = forms.IntegerField(required=False, min_value=1)
    received_at = forms.DateTimeField(required=False, widget=forms.HiddenInput)
    idempotency_key = forms.CharField(max_length=200, widget=forms.HiddenInput)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name in QUESTIONS:
            self.fields[name] = _answer_field(name)
        self.call_type_family: str | None = None

    @classmethod
    def blank(cls) -> IntakeForm:
        """A new form: the phone was answered now, and the save carries a fresh key."""
        return cls(
            initial={"received_at": timezone.now().isoformat(), "idempotency_key": uuid.uuid4().hex}
        )

    def clean_call_type(self) -> str:
        raw = self.cleaned_data["call_type"]
        code = call_type_resolve(raw.split(" — ")[0])
        if code is None:
            raise forms.ValidationError(f"{raw!r} is not a known call type or mapped label")
        self.call_type_family = CallType.objects.values_list("family", flat=True).get(code=code)
        return code

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        if self.call_type_family == "behavioral":
            for name in REQUIRED_FOR_BEHAVIORAL:
                if not data.get(name):
                    self.add_error(name, "required for a behavioral call: ask the caller")
        if data.get("override_route") and not (data.get("override_reason") or "").strip():
            self.add_error("override_reason", "a reason is required to override the route")
        lat, lon = data.get("lat"), data.get("lon")
        if (lat is None) != (lon is None):
            self.add_error("lon" if lon is None else "lat", "give both latitude and longitude")
        return data

    def answers(self) -> dict[str, str]:
        return {q: self.cleaned_data[q] for q in QUESTIONS if self.cleaned_data.get(q)}

    def call_input(self) -> CallInput:
        d = self.cleaned_data
        return CallInput(
            call_type=d["call_type"],
            received_at=d.get("received_at"),
            address=d.get("address", "").strip(),
            lat=d.get("lat"),
            lon=d.get("lon"),
            zone=d.get("zone", "").strip(),
            # A point from the geocoder only when the pick's point is still there.
            location_source=d.get("location_source", "") if d.get("lat") is not None else "",
            landmark=d.get("landmark", "").strip(),
            caller_name=d.get("caller_name", "").strip(),
            callback_number=d.get("callback_number", "").strip(),
            narrative=d.get("narrative", "").strip(),
            answers=self.answers(),
            person_id=d.get("person_id"),
            override_route=d.get("override_route", ""),
            override_reason=d.get("override_reason", "").strip(),
            duplicate_of=d.get("duplicate_of"),
            caller_language=d.get("caller_language", ""),
            interpreter_used=bool(d.get("interpreter_used")),
        )


class CallLocationForm(forms.Form):
    """A point for a call, from a click on the map or typed."""

    lat = forms.FloatField(min_value=-90, max_value=90, label="Latitude")
    lon = forms.FloatField(min_value=-180, max_value=180, label="Longitude")


class StatusForm(forms.Form):
    status = forms.ChoiceField(choices=Unit.Status.choices)


class AssignForm(forms.Form):
    unit = forms.IntegerField(min_value=1)


class ReassignForm(forms.Form):
    """The dispatcher moves a call from one unit (on it) to another (available)."""

    from_unit = forms.IntegerField(min_value=1)
    unit = forms.IntegerField(min_value=1)


class ReasonForm(forms.Form):
    reason = forms.CharField(max_length=500)


class ReferralFields(forms.Form):
    """The referral to care navigation, as a responder clearing or a CCD clinician resolving
    a call records it: the person's answer, their needs, and how to find them."""

    referral_consent = forms.ChoiceField(
        choices=[("", "— no referral —"), ("yes", "yes, consented"), ("no", "declined")],
        required=False,
        label="Referral to care navigation",
    )
    needs = forms.MultipleChoiceField(
        choices=[(n, n.replace("_", " ")) for n in NEEDS],
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    person_name = forms.CharField(max_length=200, required=False)
    date_of_birth = forms.DateField(required=False)
    phone = forms.CharField(max_length=40, required=False)

    # The service's error keys, as the fields of this form that carry them (web.errors).
    SERVICE_FIELDS = {"referral": "referral_consent", "referral.needs": "needs"}

    def referral(self) -> Referral | None:
        """The service's Referral from the cleaned form; None when no referral was answered."""
        d = self.cleaned_data
        if d.get("referral_consent") not in ("yes", "no"):
            return None
        return Referral(
            consent=d["referral_consent"] == "yes",
            needs=list(d.get("needs") or []),
            person_name=(d.get("person_name") or "").strip(),
            date_of_birth=d.get("date_of_birth"),
            phone=(d.get("phone") or "").strip(),
        )


YES_NO_BLANK = [("", "— not recorded —"), ("yes", "yes"), ("no", "no")]


def _yes_no(value: str) -> bool | None:
    return {"yes": True, "no": False}.get(value)


class OutcomeFields(forms.Form):
    """The outcomes and self-reported demographics of a clearing (docs/data-dictionary.md),
    every one optional: blank is "not recorded" / "not collected"."""

    arrest = forms.ChoiceField(choices=YES_NO_BLANK, required=False, label=FLAGS["arrest"])
    use_of_force = forms.ChoiceField(
        choices=YES_NO_BLANK, required=False, label=FLAGS["use_of_force"]
    )
    ivc_petitioned = forms.ChoiceField(
        choices=YES_NO_BLANK, required=False, label=FLAGS["ivc_petitioned"]
    )
    transport_by = forms.ChoiceField(
        choices=[("", "— not recorded —"), *TRANSPORT_BY], required=False, label="Transport by"
    )
    transport_to = forms.ChoiceField(
        choices=[("", "—"), *TRANSPORT_TO], required=False, label="Transport to"
    )
    transport_voluntary = forms.ChoiceField(
        choices=[("", "—"), *TRANSPORT_VOLUNTARY], required=False, label="Transport was"
    )
    ed_diverted = forms.ChoiceField(
        choices=YES_NO_BLANK, required=False, label=FLAGS["ed_diverted"]
    )
    age_band = forms.ChoiceField(choices=AGE_BANDS, required=False, initial=NOT_COLLECTED)
    race_ethnicity = forms.ChoiceField(
        choices=RACE_ETHNICITY, required=False, initial=NOT_COLLECTED, label="Race and ethnicity"
    )
    gender = forms.ChoiceField(choices=GENDERS, required=False, initial=NOT_COLLECTED)
    housing_status = forms.ChoiceField(
        choices=HOUSING_STATUSES, required=False, initial=NOT_COLLECTED
    )
    veteran = forms.ChoiceField(
        choices=VETERAN_STATUSES, required=False, initial=NOT_COLLECTED, label="Veteran status"
    )

    OUTCOME_FIELDS = [*FLAGS, "transport_by", "transport_to", "transport_voluntary", *DEMOGRAPHICS]

    def outcome(self) -> Outcome:
        """The service's Outcome. A demographic left at "not collected" is not given, so that
        a second unit clearing the call does not erase what the first recorded (the row's
        default is "not collected" anyway)."""
        d = self.cleaned_data
        given: dict[str, Any] = {name: _yes_no(d.get(name) or "") for name in FLAGS}
        for name in ("transport_by", "transport_to", "transport_voluntary"):
            given[name] = d.get(name) or ""
        for name in DEMOGRAPHICS:
            given[name] = "" if d.get(name) == NOT_COLLECTED else d.get(name) or ""
        return Outcome(**given)

    def outcome_fields(self) -> list[Any]:
        return [self[name] for name in self.OUTCOME_FIELDS if name not in DEMOGRAPHICS]

    def demographic_fields(self) -> list[Any]:
        return [self[name] for name in DEMOGRAPHICS]


class ClearForm(ReferralFields, OutcomeFields):
    """Clearing a department response: disposition, felt-safe per member, optional referral,
    optional outcomes and demographics."""

    disposition = forms.ChoiceField(choices=[("", "— choose —"), *DISPOSITIONS])

    field_order = ["disposition"]
    SERVICE_FIELDS = {
        **ReferralFields.SERVICE_FIELDS,
        **{f"outcome.{name}": name for name in OutcomeFields.OUTCOME_FIELDS},
    }

    def __init__(self, *args: Any, members: list[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.members = members
        for member in members:
            self.fields[f"safe_{member.pk}"] = forms.ChoiceField(
                choices=[("", "—"), ("yes", "yes"), ("no", "no")],
                label=f"Did {member.get_full_name() or member.get_username()} feel safe?",
            )

    def safe_fields(self) -> list[Any]:
        return [self[f"safe_{m.pk}"] for m in self.members]


class CcdResolveForm(ReferralFields):
    """A call resolved by phone: the phone line's disposition and, when referred, the
    person's answer; a transfer to 988, warm or cold. (Converting to a field response is the
    queue's other form.)"""

    disposition = forms.ChoiceField(choices=[("", "— choose —"), *CCD_RESOLUTIONS])
    transfer_988 = forms.ChoiceField(
        choices=[("", "— not transferred —"), *TRANSFERS_988],
        required=False,
        label="Transfer to 988",
    )

    field_order = ["disposition", "transfer_988"]


TARGET_CHOICES = [
    (t, {"HEART": "HEART team", "CO_RESPONSE": "Co-response pair"}[t]) for t in HANDOFF_TARGETS
]


class HandoffForm(forms.Form):
    """A dispatcher records that police handed a call to the department."""

    reason = forms.CharField(max_length=500)
    target = forms.ChoiceField(choices=TARGET_CHOICES, initial="HEART")


class Transfer988Form(forms.Form):
    transfer_988 = forms.ChoiceField(
        choices=[("", "— warm or cold? —"), *TRANSFERS_988], label="Transfer to 988"
    )
    reason = forms.CharField(max_length=500, required=False)


class PoliceArrivalForm(forms.Form):
    """Police arrived on a department call uninvited: what happened, and which unit if known."""

    note = forms.CharField(max_length=500, required=False)
    unit = forms.ModelChoiceField(
        queryset=Unit.objects.filter(kind="POLICE"),
        required=False,
        label="Police unit",
        empty_label="— not known —",
    )


POLICE_QUESTIONS = ("weapon", "violence", "threats", "medical", "self_harm", "crime_in_progress")


class PoliceHandoffForm(forms.Form):
    """Police ask the department to take a call: one they hold in the console (its number), or
    a new one they describe. The screening answers are what police found on scene."""

    target = forms.ChoiceField(choices=TARGET_CHOICES, initial="HEART", label="Hand to")
    reason = forms.CharField(max_length=500, label="Why the department")
    call_id = forms.IntegerField(required=False, min_value=1, label="Call number (if logged)")
    call_type = forms.CharField(max_length=120, required=False, label="Call type")
    address = forms.CharField(max_length=200, required=False)
    zone = forms.CharField(max_length=40, required=False, label="Zone or beat")
    caller_name = forms.CharField(max_length=200, required=False, label="Person's name")
    callback_number = forms.CharField(max_length=40, required=False, label="Callback number")
    narrative = forms.CharField(
        required=False,
        validators=[MaxLengthValidator(NARRATIVE_MAX_CHARS, message=NARRATIVE_TOO_LONG)],
        widget=forms.Textarea(attrs={"rows": 3}),
        label="What police found",
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name in POLICE_QUESTIONS:
            self.fields[name] = _answer_field(name)

    def clean(self) -> dict[str, Any]:
        super().clean()
        d = self.cleaned_data
        raw = (d.get("call_type") or "").strip()
        if d.get("call_id") and raw:
            self.add_error("call_id", "give a call number or a new call's type, not both")
        elif not d.get("call_id") and not raw:
            self.add_error("call_type", "required for a new call (or give the call number)")
        elif raw:
            code = call_type_resolve(raw.split(" — ")[0])
            if code is None:
                self.add_error("call_type", f"{raw!r} is not a known call type or mapped label")
            else:
                d["call_type"] = code
        return d

    def call_input(self) -> CallInput | None:
        d = self.cleaned_data
        if d.get("call_id"):
            return None
        return CallInput(
            call_type=d["call_type"],
            address=d.get("address", "").strip(),
            zone=d.get("zone", "").strip(),
            caller_name=d.get("caller_name", "").strip(),
            callback_number=d.get("callback_number", "").strip(),
            narrative=d.get("narrative", "").strip(),
            answers={q: d[q] for q in POLICE_QUESTIONS if d.get(q)},
        )


class CcdConvertForm(forms.Form):
    reason = forms.CharField(max_length=500, required=False)
