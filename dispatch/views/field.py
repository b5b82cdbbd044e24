"""The CCD phone queue and the responder's phone view (my unit, my call, clearing)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required, permission_required
from django.contrib.staticfiles import finders
from django.contrib.staticfiles.storage import staticfiles_storage
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.templatetags.static import static
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from dispatch import selectors
from dispatch.after_intake_forms import NoteForm
from dispatch.forms import CcdConvertForm, CcdResolveForm, ClearForm, ReasonForm, StatusForm
from dispatch.models import Unit
from dispatch.services import (
    FeltSafe,
    backup_request,
    call_clear,
    call_note_add,
    ccd_convert,
    ccd_resolve,
    unit_status_set,
)
from dispatch.timeline import call_notes
from dispatch.views.people import people_context
from web.errors import error_flash, errors_to_form
from web.http import HtmxHttpRequest

# The latest notes on the call, on the phone view (the call page has them all).
NOTES_SHOWN = 5
RESPONDER_STATUSES = [
    Unit.Status.EN_ROUTE,
    Unit.Status.ON_SCENE,
    Unit.Status.TRANSPORTING,
    Unit.Status.AVAILABLE,
    Unit.Status.OUT_OF_SERVICE,
]


def _ccd_auto_id(call_id: int) -> str:
    """Each call's resolve form on the queue page gets its own element ids."""
    return f"ccd{call_id}_%s"


def _ccd_page(
    request: HtmxHttpRequest,
    *,
    bound: CcdResolveForm | None = None,
    bound_call: int | None = None,
    notice: str = "",
    status: int = 200,
) -> HttpResponse:
    calls = list(selectors.phone_queue())
    person_ids = [c.person_id for c in calls if c.person_id is not None]
    plans = people_context(request.user, person_ids)["safety_plans"]
    cards = [
        (
            call,
            bound
            if call.pk == bound_call and bound is not None
            else CcdResolveForm(auto_id=_ccd_auto_id(call.pk)),
            plans.get(call.person_id),
        )
        for call in calls
    ]
    problem = ""
    if bound is not None and not any(call.pk == bound_call for call in calls):
        # The call left the queue meanwhile (another clinician): its errors go above the queue.
        problem = "; ".join(
            " ".join(str(m) for m in errors) if field == "__all__" else f"{field}: {errors[0]}"
            for field, errors in bound.errors.items()
        )
    context = {"cards": cards, "notice": notice, "problem": problem}
    if request.htmx:
        # htmx does not swap error statuses: the queue with the form's errors is a 200.
        return render(request, "dispatch/ccd_queue.html#queue", context)
    return render(request, "dispatch/ccd_queue.html", context, status=status)


@require_GET
@permission_required("dispatch.work_ccd_queue", raise_exception=True)
def ccd_queue(request: HtmxHttpRequest) -> HttpResponse:
    return _ccd_page(request)


@require_POST
@permission_required("dispatch.work_ccd_queue", raise_exception=True)
def ccd_resolve_view(request: HtmxHttpRequest, call_id: int) -> HttpResponse:
    form = CcdResolveForm(request.POST, auto_id=_ccd_auto_id(call_id))
    if form.is_valid():
        try:
            call = ccd_resolve(
                call_id=call_id,
                disposition=form.cleaned_data["disposition"],
                referral=form.referral(),
                transfer_988=form.cleaned_data["transfer_988"],
                by=request.user,
                request=request,
            )
        except ValidationError as exc:
            errors_to_form(form, exc, fields=form.SERVICE_FIELDS)
        else:
            done = f"Call {call_id} resolved by phone: {call.get_disposition_display()}."
            if call.transfer_988:
                done = done[:-1] + f" ({call.get_transfer_988_display().lower()})."
            if call.referral_consent is True:
                done += " A care-navigation case is open for the person."
            elif call.referral_consent is False:
                done += " The person declined care navigation; the offer is counted."
            if request.htmx:
                return _ccd_page(request, notice=done)
            messages.success(request, done)
            return redirect(reverse("dispatch:ccd_queue"))
    return _ccd_page(request, bound=form, bound_call=call_id, status=400)


@require_POST
@permission_required("dispatch.work_ccd_queue", raise_exception=True)
def ccd_convert_view(request: HttpRequest, call_id: int) -> HttpResponse:
    form = CcdConvertForm(request.POST)
    if not form.is_valid():
        messages.error(request, "reason: at most 500 characters")
        return redirect(reverse("dispatch:ccd_queue"))
    try:
        call = ccd_convert(
            call_id=call_id,
            by=request.user,
            reason=form.cleaned_data["reason"],
            request=request,
        )
        messages.success(request, f"Call {call_id} converted to a field response: {call.route}.")
    except ValidationError as exc:
        error_flash(request, exc)
    return redirect(reverse("dispatch:ccd_queue"))


WORKER = "js/responder-sw.js"


@login_not_required
@require_GET
def responder_worker(request: HttpRequest) -> HttpResponse:
    """The responder app's service worker, from static/ but served under /dispatch/my-unit/:
    a worker's scope is the folder it is served from (docs/responder-app.md). Code only, no
    data: it needs no sign-in (the browser checks it for updates whenever it likes)."""
    found = finders.find(WORKER)
    if isinstance(found, str):
        with open(found, "rb") as source:
            code = source.read()
    elif staticfiles_storage.exists(WORKER):
        with staticfiles_storage.open(WORKER) as source:
            code = source.read()
    else:
        raise Http404("no service worker")
    # no-store like every answer (web/no_store.py): the browser fetches it again to check for
    # an update, and a new version of the worker reaches the phones at their next page load.
    return HttpResponse(code, content_type="text/javascript; charset=utf-8")


@require_GET
@permission_required("dispatch.respond_call", raise_exception=True)
def responder(request: HttpRequest) -> HttpResponse:
    unit = selectors.unit_of(request.user)
    assignment = selectors.open_assignment(unit) if unit else None
    crew = selectors.clearing_crew(unit, assignment) if unit and assignment else []
    return _responder_page(request, unit, assignment, ClearForm(members=crew))


def _responder_page(
    request: HttpRequest,
    unit: Unit | None,
    assignment: Any,
    form: ClearForm,
    status: int = 200,
    note_form: NoteForm | None = None,
) -> HttpResponse:
    person_id = assignment.call.person_id if assignment is not None else None
    notes = list(call_notes(assignment.call))[-NOTES_SHOWN:] if assignment is not None else []
    plans = people_context(request.user, [person_id] if person_id else [])["safety_plans"]
    return render(
        request,
        "dispatch/responder.html",
        {
            "unit": unit,
            "assignment": assignment,
            "statuses": [(s.value, s.label) for s in RESPONDER_STATUSES],
            "clear_form": form,
            "safety_plan": plans.get(person_id),
            # The phone shares the unit's position while on duty (static/js/share_location.js).
            "on_duty": unit is not None and unit.status != Unit.Status.OFF_DUTY,
            "note_form": note_form or NoteForm(auto_id="note_%s"),
            "notes": notes,
            "rendered_at": timezone.now().isoformat(),
            "worker_url": reverse("dispatch:responder_worker"),
            "scope": reverse("dispatch:responder"),
            "manifest_url": static("responder/manifest.webmanifest"),
        },
        status=status,
    )


@require_POST
@permission_required("dispatch.respond_call", raise_exception=True)
def responder_status(request: HttpRequest) -> HttpResponse:
    unit = selectors.unit_of(request.user)
    form = StatusForm(request.POST)
    if unit is None:
        messages.error(request, "unit: you are not a member of any unit")
    elif not form.is_valid():
        messages.error(request, "status: choose one of the unit statuses")
    else:
        try:
            unit_status_set(
                unit_id=unit.pk,
                status=form.cleaned_data["status"],
                by=request.user,
                request=request,
            )
        except ValidationError as exc:
            error_flash(request, exc)
    return redirect(reverse("dispatch:responder"))


@require_POST
@permission_required("dispatch.respond_call", raise_exception=True)
def responder_backup(request: HttpRequest) -> HttpResponse:
    unit = selectors.unit_of(request.user)
    assignment = selectors.open_assignment(unit) if unit else None
    form = ReasonForm(request.POST)
    if assignment is None or unit is None:
        messages.error(request, "call: your unit is not on a call")
    elif not form.is_valid():
        messages.error(request, "reason: say why you need police backup")
    else:
        try:
            backup_request(
                call_id=assignment.call_id,
                unit_id=unit.pk,
                reason=form.cleaned_data["reason"],
                by=request.user,
                request=request,
            )
            messages.warning(request, "Police backup requested: dispatch has been alerted.")
        except ValidationError as exc:
            error_flash(request, exc)
    return redirect(reverse("dispatch:responder"))


@require_POST
@permission_required("dispatch.respond_call", raise_exception=True)
def responder_note(request: HttpRequest) -> HttpResponse:
    """A field note on the unit's call from the phone view: what the radio used to carry."""
    unit = selectors.unit_of(request.user)
    assignment = selectors.open_assignment(unit) if unit else None
    if unit is None or assignment is None:
        messages.error(request, "call: your unit is not on a call")
        return redirect(reverse("dispatch:responder"))
    form = NoteForm(request.POST, auto_id="note_%s")
    if form.is_valid():
        try:
            call_note_add(
                call_id=assignment.call_id,
                text=form.cleaned_data["text"],
                by=request.user,
                request=request,
            )
        except ValidationError as exc:
            errors_to_form(form, exc)
        else:
            messages.success(request, f"Note added to call {assignment.call_id}.")
            return redirect(reverse("dispatch:responder"))
    members = list(unit.members.all())
    return _responder_page(
        request, unit, assignment, ClearForm(members=members), note_form=form, status=400
    )


def clear_inputs(form: ClearForm) -> dict[str, Any]:
    """The service arguments from a valid clearing form."""
    d = form.cleaned_data
    felt = [FeltSafe(responder_id=m.pk, safe=d[f"safe_{m.pk}"] == "yes") for m in form.members]
    return {
        "disposition": d["disposition"],
        "felt_safe": felt,
        "referral": form.referral(),
        "outcome": form.outcome(),
    }


@require_POST
@permission_required("dispatch.respond_call", raise_exception=True)
def responder_clear(request: HttpRequest) -> HttpResponse:
    unit = selectors.unit_of(request.user)
    assignment = selectors.open_assignment(unit) if unit else None
    if unit is None or assignment is None:
        messages.error(request, "call: your unit is not on a call")
        return redirect(reverse("dispatch:responder"))
    form = ClearForm(request.POST, members=selectors.clearing_crew(unit, assignment))
    if form.is_valid():
        try:
            call = call_clear(
                call_id=assignment.call_id,
                unit_id=unit.pk,
                by=request.user,
                request=request,
                **clear_inputs(form),
            )
        except ValidationError as exc:
            errors_to_form(form, exc, fields=form.SERVICE_FIELDS)
        else:
            messages.success(request, f"Call {call.pk} cleared: {call.get_disposition_display()}.")
            return redirect(reverse("dispatch:responder"))
    return _responder_page(request, unit, assignment, form, status=400)
