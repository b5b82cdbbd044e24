"""Call intake: the keyboard-first form, the live recommendation and the side panel."""

from __future__ import annotations

from typing import Any, cast

from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from dispatch.forms import QUESTIONS, REQUIRED_FOR_BEHAVIORAL, IntakeContextForm, IntakeForm
from dispatch.models import Call
from dispatch.selectors import possible_duplicates, prior_calls
from dispatch.services import IdempotencyConflict, call_create, triage_evaluate
from dispatch.services.calls import NARRATIVE_MAX_CHARS
from dispatch.signals import people_shown
from people.models import Person
from triage.models import CallType, CallTypeMapping
from triage.vocabulary import ANSWER_CHOICES
from web.errors import error_text, errors_to_form
from web.http import HtmxHttpRequest, id_or_none

# The idempotency key of the call just saved, for the next intake page: the browser's draft
# of that call (static/js/intake.js) is dropped rather than restored.
SAVED_KEY = "intake_saved_key"


def _call_type_options() -> list[str]:
    """Type-ahead entries: codes with labels, then the mapped external labels."""
    options = [
        f"{code} — {label}"
        for code, label in CallType.objects.filter(active=True).values_list("code", "label")
    ]
    options += sorted(set(CallTypeMapping.objects.values_list("external_label", flat=True)))
    return options


def _person_context(person_ids: list[int]) -> dict[str, Any]:
    """What the apps above dispatch say about these people (dispatch/signals.py)."""
    context: dict[str, Any] = {"familiar": set(), "open_cases": {}}
    for _receiver, extra in people_shown.send(sender=Call, person_ids=person_ids):
        # django-stubs types a receiver's answer as str | None; Django returns it as given.
        context.update(cast("dict[str, Any]", extra))
    return context


@require_http_methods(["GET", "POST"])
@permission_required("dispatch.log_call", raise_exception=True)
def intake(request: HttpRequest) -> HttpResponse:
    if request.method == "POST":
        form = IntakeForm(request.POST)
        if form.is_valid():
            try:
                call, created = call_create(
                    by=request.user,
                    data=form.call_input(),
                    idempotency_key=form.cleaned_data["idempotency_key"],
                    request=request,
                )
            except ValidationError as exc:
                errors_to_form(form, exc)
            except IdempotencyConflict as exc:
                form.add_error(None, str(exc))
            except PermissionDenied as exc:
                form.add_error("override_route", str(exc))
            else:
                verb = (
                    f"linked to call {call.duplicate_of_id}"
                    if call.duplicate_of_id
                    else f"sent to the CCD phone queue, {call.priority}"
                    if call.route == "CCD"
                    else f"queued for {call.route} {call.priority}"
                )
                messages.success(
                    request,
                    f"Call {call.pk} saved{'' if created else ' (already saved)'}: {verb}.",
                )
                request.session[SAVED_KEY] = form.cleaned_data["idempotency_key"]
                return redirect(reverse("dispatch:intake"))
        status = 400
        saved_key = ""
    else:
        form = IntakeForm.blank()
        status = 200
        saved_key = request.session.pop(SAVED_KEY, "")
    return render(
        request,
        "dispatch/intake.html",
        {
            "form": form,
            "questions": [form[name] for name in QUESTIONS],
            "required_questions": REQUIRED_FOR_BEHAVIORAL,
            "call_type_options": _call_type_options(),
            "recommendation": _recommend(form) if request.method == "POST" else None,
            "saved_key": saved_key,
            "narrative_max": f"{NARRATIVE_MAX_CHARS:,}",
        },
        status=status,
    )


def _recommend(form: IntakeForm) -> dict[str, Any]:
    """The route the rules give for what is on the form now; errors by field, never a 500."""
    data = form.data
    raw_type = (data.get("call_type") or "").strip()
    if not raw_type:
        return {"empty": True}
    probe = IntakeForm(data)
    probe.is_valid()
    code = probe.cleaned_data.get("call_type")
    if not code:
        return {"error": f"call type: {raw_type!r} is not a known call type or mapped label"}
    answers = {q: str(data.get(q)) for q in QUESTIONS if data.get(q)}
    bad = [q for q, v in answers.items() if v not in ANSWER_CHOICES[q]]
    if bad:
        return {"error": f"{bad[0]}: {answers[bad[0]]!r} is not a valid answer"}
    try:
        result = triage_evaluate(
            call_type=code,
            answers=answers,
            received_at=probe.cleaned_data.get("received_at") or timezone.now(),
        )
    except ValidationError as exc:
        return {"error": error_text(exc)}
    family = probe.call_type_family
    missing = [q for q in REQUIRED_FOR_BEHAVIORAL if family == "behavioral" and not answers.get(q)]
    return {"result": result, "missing": missing, "family": family}


@require_POST
@permission_required("dispatch.log_call", raise_exception=True)
def recommend(request: HttpRequest) -> HttpResponse:
    form = IntakeForm(request.POST)
    return render(
        request, "dispatch/intake.html#recommendation", {"recommendation": _recommend(form)}
    )


@require_POST
@permission_required("dispatch.log_call", raise_exception=True)
def context_panel(request: HtmxHttpRequest) -> HttpResponse:
    """Prior calls, duplicates, the person's flags: beside the form, refreshed as it fills."""
    form = IntakeContextForm(request.POST)
    if not form.is_valid():
        # htmx swaps only a 200: the panel then says which field it could not read.
        status = 200 if request.htmx else 400
        return render(
            request, "dispatch/intake.html#context", {"context_form": form}, status=status
        )
    data = form.cleaned_data
    address = data["address"].strip()[:200]
    person_id = id_or_none(request.POST.get("person_id"))
    name = data["caller_name"].strip()
    people = list(Person.objects.filter(name__icontains=name)[:8]) if len(name) >= 3 else []
    if person_id and not any(p.pk == person_id for p in people):
        chosen = Person.objects.filter(pk=person_id).first()
        if chosen is not None:
            people.insert(0, chosen)
    context = {
        "duplicates": possible_duplicates(address=address, lat=data["lat"], lon=data["lon"]),
        "prior": prior_calls(address=address, person_id=person_id) if address or person_id else [],
        "people": people,
        "person_id": person_id,
        **_person_context([p.pk for p in people]),
    }
    return render(request, "dispatch/intake.html#context", context)
