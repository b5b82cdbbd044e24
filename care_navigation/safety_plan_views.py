"""Safety-plan pages (docs/ccd.md): a person's plan, its versions and the form for a new one;
and a call's plan, which for a call about no known person starts with who the plan is for.

Reached from the CCD queue, the call page, the responder's view and the case page. Access is
the selectors' (care_navigation/safety_plan_selectors.py): 403 without any role that meets
plans, 404 for a plan that is not the user's to read. Every page works without JavaScript.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.views.decorators.http import require_http_methods

from care_navigation.safety_plan_forms import SafetyPlanForm
from care_navigation.safety_plan_selectors import (
    PlanPage,
    safety_plan_access_for,
    safety_plan_read,
)
from care_navigation.safety_plan_services import safety_plan_create
from dispatch.models import Call
from people.models import Person
from web.errors import errors_to_form
from web.http import id_or_none

TEMPLATE = "care_navigation/safety_plan.html"
# Where the form goes back to after saving, as the page that linked to it said.
BACK = {"ccd": "dispatch:ccd_queue", "responder": "dispatch:responder"}


def _call_from(request: HttpRequest) -> Call | None:
    call_id = id_or_none(request.POST.get("call") or request.GET.get("call"))
    if call_id is None:
        return None
    return Call.objects.select_related("call_type").filter(pk=call_id).first()


def _back(request: HttpRequest) -> str:
    back = request.POST.get("back") or request.GET.get("back") or ""
    return back if back in BACK else ""


def _initial(page: PlanPage) -> dict[str, Any]:
    """A new version starts from the current one's text."""
    if page.plan is None or page.plan.version != page.current_version:
        current = page.current_version
        return {"based_on": current} if current else {}
    text = {code: text for code, _label, text in page.plan.sections()}
    return {"based_on": page.plan.version, **text}


def _saved(request: HttpRequest, plan: Any, person: Person, back: str) -> HttpResponse:
    done = f"Safety plan version {plan.version} saved for {person.name}."
    if back == "ccd":
        done += " Resolve the call with “Safety plan made” when you end it."
    messages.success(request, done)
    if back:
        return redirect(reverse(BACK[back]))
    return redirect(reverse("care_navigation:safety_plan", args=[person.pk]))


def _render(
    request: HttpRequest,
    *,
    page: PlanPage | None,
    form: SafetyPlanForm | None,
    call: Call | None,
    back: str,
    status: int = 200,
) -> HttpResponse:
    context = {
        "page": page,
        "person": page.person if page is not None else None,
        "form": form,
        "call": call,
        "back": back,
        "back_url": reverse(BACK[back]) if back else "",
    }
    return render(request, TEMPLATE, context, status=status)


@require_http_methods(["GET", "POST"])
def safety_plan(request: HttpRequest, person_id: int) -> HttpResponse:
    """A person's safety plan: the current version (or ?version=N), every version, and for
    those who may write, the form for the next one."""
    return _person_plan(request, person_id, call=_call_from(request), back=_back(request))


def _person_plan(
    request: HttpRequest, person_id: int, *, call: Call | None, back: str
) -> HttpResponse:
    if request.method == "POST":
        safety_plan_access_for(
            user=request.user, person_id=person_id, request=request, purpose="write"
        )
        form = SafetyPlanForm(request.POST)
        if form.is_valid():
            try:
                plan = safety_plan_create(
                    by=request.user,
                    person=Person.objects.get(pk=person_id),
                    call=call,
                    sections=form.sections(),
                    based_on=form.cleaned_data["based_on"],
                    request=request,
                )
            except ValidationError as exc:
                errors_to_form(form, exc)
            else:
                return _saved(request, plan, plan.person, back)
        page = safety_plan_read(user=request.user, person_id=person_id, request=request)
        return _render(request, page=page, form=form, call=call, back=back, status=400)
    version = id_or_none(request.GET.get("version"))
    page = safety_plan_read(
        user=request.user, person_id=person_id, version=version, request=request
    )
    blank = SafetyPlanForm(initial=_initial(page)) if page.access.write else None
    return _render(request, page=page, form=blank, call=call, back=back)


def _may_write_for_anyone(user: Any) -> bool:
    return bool(
        user.has_perm("dispatch.work_ccd_queue") or user.has_perm("care_navigation.view_all_cases")
    )


@require_http_methods(["GET", "POST"])
def call_safety_plan(request: HttpRequest, call_id: int) -> HttpResponse:
    """The safety plan of a call's person. A call about someone known goes to their plan; for
    a call about no known person a CCD clinician (or supervisor) writes a first plan, naming
    who it is for (a new person, linked to the call)."""
    call = Call.objects.select_related("call_type").filter(pk=call_id).first()
    back = _back(request)
    if call is not None and call.person_id is not None:
        # Who the call is about is the plan's readers' to know: check before saying it.
        safety_plan_access_for(user=request.user, person_id=call.person_id, request=request)
        params = {"call": str(call.pk), **({"back": back} if back else {})}
        query = urlencode(params)
        target = reverse("care_navigation:safety_plan", args=[call.person_id])
        if request.method == "GET":
            return redirect(f"{target}?{query}")
        return _person_plan(request, call.person_id, call=call, back=back)
    if not _may_write_for_anyone(request.user):
        # Nobody to read a plan of: 403 without a role that meets plans, else 404.
        safety_plan_access_for(user=request.user, person_id=0, request=request)
        raise Http404("no safety plan you may read for this call")
    if call is None:
        raise Http404("no such call")
    if request.method == "POST":
        form = SafetyPlanForm(request.POST, new_person=True)
        if form.is_valid():
            try:
                plan = safety_plan_create(
                    by=request.user,
                    call=call,
                    new_person=form.person(),
                    sections=form.sections(),
                    based_on=None,
                    request=request,
                )
            except ValidationError as exc:
                errors_to_form(form, exc)
            else:
                return _saved(request, plan, plan.person, back)
        return _render(request, page=None, form=form, call=call, back=back, status=400)
    caller_is_subject = (call.answers or {}).get("caller_is_subject") == "yes"
    initial = {"phone": call.callback_number} if caller_is_subject else {}
    if caller_is_subject:
        initial["person_name"] = call.caller_name
    form = SafetyPlanForm(initial=initial, new_person=True)
    return _render(request, page=None, form=form, call=call, back=back)
