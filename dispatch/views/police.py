"""Police and the department (docs/police_and_988.md): the police's handoff page, and on the
call page and the responder's view, handoffs, transfers to 988 and uninvited police."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST

from dispatch import selectors
from dispatch.forms import (
    POLICE_QUESTIONS,
    HandoffForm,
    PoliceArrivalForm,
    PoliceHandoffForm,
    Transfer988Form,
)
from dispatch.models import POLICE_HANDOFF_SOURCE, Call, FieldEvent
from dispatch.services import (
    HandoffDeclined,
    HandoffResult,
    call_transfer_988,
    handoff_record,
    police_arrival_record,
    police_handoff_request,
)
from dispatch.services.assignments import FIELD_DEPARTMENT_KINDS, OPEN_STATUSES
from triage.models import CallType
from web.errors import error_flash, error_text, errors_to_form

RECENT = 10
DETAILS = ("address", "zone", "caller_name", "callback_number", "narrative")


def police_context(call: Call) -> dict[str, Any]:
    """What the call page needs for the police actions, from the prefetched assignments."""
    kinds = {a.unit.kind for a in call.assignments.all()}
    is_open = call.status in OPEN_STATUSES
    open_units = any(a.cleared_at is None for a in call.assignments.all())
    return {
        "can_hand_off": is_open and (call.route == "POLICE" or "POLICE" in kinds),
        "handoff_form": HandoffForm(auto_id="handoff-%s"),
        "department_call": is_open
        and (call.route in FIELD_DEPARTMENT_KINDS or bool(kinds & set(FIELD_DEPARTMENT_KINDS))),
        "arrival_form": PoliceArrivalForm(auto_id="arrival-%s"),
        "can_transfer_988": is_open and not open_units and call.status != Call.Status.PHONE,
        "transfer_form": Transfer988Form(auto_id="transfer-%s"),
    }


def _back(call_id: int) -> HttpResponse:
    return redirect(reverse("dispatch:call", args=[call_id]))


def _result_message(request: HttpRequest, result: HandoffResult) -> None:
    if result.handed_off:
        messages.success(request, f"Call {result.call.pk} handed to {result.route}: {result.note}.")
    else:
        messages.warning(
            request, f"Call {result.call.pk} stays with {result.route}: {result.note}."
        )


def _recent_requests(user: Any) -> list[Call]:
    """The officer's recent requests: calls they logged here, or handed off."""
    asked = FieldEvent.objects.filter(kind=FieldEvent.Kind.HANDOFF, by=user).values("call_id")
    return list(
        Call.objects.filter(Q(created_by=user, source=POLICE_HANDOFF_SOURCE) | Q(pk__in=asked))
        .select_related("call_type")
        .order_by("-received_at")[:RECENT]
    )


@require_http_methods(["GET", "POST"])
@permission_required("dispatch.request_handoff", raise_exception=True)
def police_handoff(request: HttpRequest) -> HttpResponse:
    """Police ask the department to take a call: one logged here, or a new one."""
    form = PoliceHandoffForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            d = form.cleaned_data
            try:
                result = police_handoff_request(
                    by=request.user,
                    reason=d["reason"].strip(),
                    target=d["target"],
                    call_id=d.get("call_id"),
                    data=form.call_input(),
                    request=request,
                )
            except ValidationError as exc:
                errors_to_form(form, exc, fields={"call": "call_id"})
            else:
                _result_message(request, result)
                return redirect(reverse("dispatch:police_handoff"))
        status = 400
    return render(
        request,
        "dispatch/police_handoff.html",
        {
            "form": form,
            "details": [form[n] for n in DETAILS],
            "questions": [form[q] for q in POLICE_QUESTIONS],
            "call_types": CallType.objects.filter(active=True).values_list("code", "label"),
            "recent": _recent_requests(request.user),
        },
        status=status,
    )


@require_POST
@permission_required("dispatch.dispatch_call", raise_exception=True)
def handoff(request: HttpRequest, call_id: int) -> HttpResponse:
    """A dispatcher records that police on a call hand it to the department."""
    form = HandoffForm(request.POST)
    if not form.is_valid():
        messages.error(request, error_text(ValidationError(_form_errors(form))))
        return _back(call_id)
    try:
        event = handoff_record(
            call_id=call_id,
            reason=form.cleaned_data["reason"],
            target=form.cleaned_data["target"],
            by=request.user,
            request=request,
        )
    except HandoffDeclined as exc:
        messages.warning(request, f"Call {call_id} stays with police: {error_text(exc)}")
    except ValidationError as exc:
        error_flash(request, exc)
    else:
        route = Call.objects.values_list("route", flat=True).get(pk=event.call_id)
        messages.success(request, f"Handoff recorded: call {call_id} now routed to {route}.")
    return _back(call_id)


@require_POST
@permission_required("dispatch.dispatch_call", raise_exception=True)
def transfer_988(request: HttpRequest, call_id: int) -> HttpResponse:
    form = Transfer988Form(request.POST)
    if not form.is_valid():
        messages.error(request, "transfer_988: choose warm or cold")
        return _back(call_id)
    try:
        call = call_transfer_988(
            call_id=call_id,
            transfer_988=form.cleaned_data["transfer_988"],
            reason=form.cleaned_data["reason"],
            by=request.user,
            request=request,
        )
    except ValidationError as exc:
        error_flash(request, exc)
    else:
        messages.success(
            request, f"Call {call_id} transferred to 988 ({call.get_transfer_988_display()})."
        )
    return _back(call_id)


def _record_arrival(request: HttpRequest, call_id: int, form: PoliceArrivalForm) -> None:
    if not form.is_valid():
        messages.error(request, error_text(ValidationError(_form_errors(form))))
        return
    police = form.cleaned_data["unit"]
    try:
        police_arrival_record(
            call_id=call_id,
            note=form.cleaned_data["note"],
            unit_id=police.pk if police else None,
            by=request.user,
            request=request,
        )
    except ValidationError as exc:
        error_flash(request, exc)
    else:
        messages.warning(request, f"Recorded: police arrived uninvited on call {call_id}.")


def _form_errors(form: Any) -> dict[str, list[str]]:
    return {k: [str(e.message) for e in v] for k, v in form.errors.as_data().items()}


@require_POST
@permission_required("dispatch.dispatch_call", raise_exception=True)
def police_arrived(request: HttpRequest, call_id: int) -> HttpResponse:
    _record_arrival(request, call_id, PoliceArrivalForm(request.POST))
    return _back(call_id)


@require_POST
@permission_required("dispatch.respond_call", raise_exception=True)
def responder_police_arrived(request: HttpRequest) -> HttpResponse:
    unit = selectors.unit_of(request.user)
    assignment = selectors.open_assignment(unit) if unit else None
    if assignment is None:
        messages.error(request, "call: your unit is not on a call")
    else:
        _record_arrival(request, assignment.call_id, PoliceArrivalForm(request.POST))
    return redirect(reverse("dispatch:responder"))
