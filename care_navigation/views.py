"""Care-navigation pages: the caseload, the case page, the directory, notifications.

Every page works without JavaScript (forms post and redirect back); htmx swaps the changed
part in place. A form error answers 400 to a plain post and 200 to htmx, which does not swap
error responses.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.core.exceptions import ValidationError
from django.forms import Form
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.cache import cache_control
from django.views.decorators.http import (
    conditional_page,
    require_GET,
    require_http_methods,
    require_POST,
)
from django_htmx.http import HttpResponseClientRedirect

from care_navigation import selectors, services
from care_navigation.forms import (
    AssignForm,
    CaseOpenForm,
    ContactForm,
    ExtendForm,
    NeedForm,
    NeedRequestForm,
    NoteForm,
    PersonConfirmForm,
    ReferralForm,
    ReferralStatusForm,
    ServiceSearchForm,
)
from care_navigation.models import Case, NeedRequest, Referral, Service
from care_navigation.safety_plan_selectors import safety_plan_summaries
from dispatch.models import Call
from people.models import Person
from web.errors import errors_to_form
from web.http import HtmxHttpRequest, id_or_none

WORK = "care_navigation.work_caseload"
NEED_REQUEST_SENT = (
    "This person already has an open case that is not yours: your needs were sent to its "
    "navigator as a request."
)


def _near(case: Case) -> tuple[float, float] | None:
    call = case.call
    if call is not None and call.lat is not None and call.lon is not None:
        return (call.lat, call.lon)
    return None


def _search(request: HttpRequest, case: Case | None) -> dict[str, Any]:
    form = ServiceSearchForm(request.GET or None)
    hits = None
    if form.is_bound and form.is_valid():
        data = form.cleaned_data
        near = (
            (data["lat"], data["lon"])
            if data["lat"] is not None and data["lon"] is not None
            else (_near(case) if case is not None else None)
        )
        hits = selectors.service_search(
            need=data["need"], q=data["q"], near=near, language=data["language"]
        )
    return {"search_form": form, "hits": hits}


def _render_case(
    request: HtmxHttpRequest,
    case: Case,
    *,
    bound: dict[str, Form] | None = None,
    status: int = 200,
) -> HttpResponse:
    detail = selectors.case_detail(case=case, user=request.user, request=request)
    case = detail.case
    forms: dict[str, Form] = {
        "contact": ContactForm(),
        "need": NeedForm(),
        "referral": ReferralForm(),
        "note": NoteForm(),
        "extend": ExtendForm(),
        "assign": AssignForm(initial={"navigator": case.navigator_id}),
        **(bound or {}),
    }
    context = {
        "d": detail,
        "case": case,
        "flags": selectors.case_flags(
            case, familiar=detail.familiar_neighbor, extended=bool(detail.extensions)
        ),
        "forms": forms,
        "statuses": Referral.Status.choices,
        "can_extend": request.user.has_perm("care_navigation.extend_case"),
        "can_assign": request.user.has_perm("care_navigation.assign_case"),
        "safety_plan": safety_plan_summaries(user=request.user, person_ids=[case.person_id]).get(
            case.person_id
        ),
        **_search(request, case),
    }
    if request.htmx:
        # htmx does not swap error statuses: the form with its errors comes back as a 200.
        return render(request, "care_navigation/case.html#case-body", context)
    return render(request, "care_navigation/case.html", context, status=status)


def _case_post(
    request: HtmxHttpRequest,
    case_id: int,
    form: Form,
    key: str,
    act: Callable[[Case, dict[str, Any]], str],
) -> HttpResponse:
    """Validate, act, and answer: the case again (htmx) or a redirect to it (plain post)."""
    case = selectors.case_get_for(
        user=request.user, case_id=case_id, request=request, purpose="write"
    )
    if form.is_valid():
        try:
            message = act(case, form.cleaned_data)
        except ValidationError as exc:
            errors_to_form(form, exc)
        else:
            if request.htmx:
                case.refresh_from_db()
                return _render_case(request, case)
            messages.success(request, message)
            return redirect(reverse("care_navigation:case", args=[case_id]))
    return _render_case(request, case, bound={key: form}, status=400)


@require_GET
@permission_required(WORK, raise_exception=True)
def caseload(request: HtmxHttpRequest) -> HttpResponse:
    navigator_id = request.GET.get("navigator", "")
    load = selectors.caseload_for(
        user=request.user,
        navigator_id=id_or_none(navigator_id),
    )
    context = {
        "load": load,
        "is_supervisor": selectors.can_read_all(request.user),
        "navigators": AssignForm().fields["navigator"].queryset,  # type: ignore[attr-defined]
        "navigator_id": navigator_id,
        "first_contact_hours": settings.CARE_FIRST_CONTACT_HOURS,
    }
    template = "care_navigation/caseload.html"
    return render(request, f"{template}#caseload" if request.htmx else template, context)


@require_GET
@permission_required(WORK, raise_exception=True)
def case_page(request: HtmxHttpRequest, case_id: int) -> HttpResponse:
    case = selectors.case_get_for(user=request.user, case_id=case_id, request=request)
    return _render_case(request, case)


@require_POST
@permission_required(WORK, raise_exception=True)
def contact_add(request: HtmxHttpRequest, case_id: int) -> HttpResponse:
    form = ContactForm(request.POST)

    def act(case: Case, data: dict[str, Any]) -> str:
        services.contact_log(case=case, by=request.user, request=request, **form.service_kwargs())
        return "Contact attempt logged."

    return _case_post(request, case_id, form, "contact", act)


@require_POST
@permission_required(WORK, raise_exception=True)
def need_add(request: HtmxHttpRequest, case_id: int) -> HttpResponse:
    def act(case: Case, data: dict[str, Any]) -> str:
        services.need_add(
            case=case, by=request.user, need=data["need"], detail=data["detail"], request=request
        )
        return "Need recorded."

    return _case_post(request, case_id, NeedForm(request.POST), "need", act)


@require_POST
@permission_required(WORK, raise_exception=True)
def referral_add(request: HtmxHttpRequest, case_id: int) -> HttpResponse:
    def act(case: Case, data: dict[str, Any]) -> str:
        service = None
        if data["service"]:
            service = Service.objects.filter(pk=data["service"]).first()
            if service is None:
                raise ValidationError({"service": ["that service is not in the directory"]})
        referral = services.referral_create(
            case=case,
            by=request.user,
            need=data["need"],
            service=service,
            service_name=data["service_name"],
            note=data["note"],
            request=request,
        )
        return f"Referred to {referral.service_name}."

    return _case_post(request, case_id, ReferralForm(request.POST), "referral", act)


@require_POST
@permission_required(WORK, raise_exception=True)
def referral_change(request: HtmxHttpRequest, referral_id: int) -> HttpResponse:
    referral = Referral.objects.filter(pk=referral_id).only("case_id").first()
    if referral is None:
        raise Http404("no such referral")

    def act(case: Case, data: dict[str, Any]) -> str:
        updated = services.referral_update(
            referral=referral,
            by=request.user,
            status=data["status"],
            scheduled_for=data["scheduled_for"],
            request=request,
        )
        return f"Referral to {updated.service_name}: {updated.status}."

    return _case_post(
        request, referral.case_id, ReferralStatusForm(request.POST), "referral_status", act
    )


@require_POST
@permission_required(WORK, raise_exception=True)
def need_request_decide(request: HtmxHttpRequest, case_id: int, request_id: int) -> HttpResponse:
    """Another navigator's request for needs on this case: its navigator adds them or not."""

    def act(case: Case, data: dict[str, Any]) -> str:
        asked = NeedRequest.objects.filter(pk=request_id, case=case).first()
        if asked is None:
            raise Http404("no such request on this case")
        accept = data["decision"] == "accept"
        services.need_request_decide(
            need_request=asked, by=request.user, accept=accept, request=request
        )
        return "Needs added to the case." if accept else "Request declined."

    return _case_post(request, case_id, NeedRequestForm(request.POST), "need_request", act)


@require_POST
@permission_required(WORK, raise_exception=True)
def note_add(request: HtmxHttpRequest, case_id: int) -> HttpResponse:
    def act(case: Case, data: dict[str, Any]) -> str:
        services.note_add(case=case, by=request.user, text=data["text"], request=request)
        return "Note added."

    return _case_post(request, case_id, NoteForm(request.POST), "note", act)


@require_POST
@permission_required("care_navigation.extend_case", raise_exception=True)
def case_extend(request: HtmxHttpRequest, case_id: int) -> HttpResponse:
    def act(case: Case, data: dict[str, Any]) -> str:
        extension = services.case_extend(
            case=case,
            by=request.user,
            closes_at=case.closes_at + timedelta(days=data["days"]),
            reason=data["reason"],
            request=request,
        )
        return f"Case extended to {extension.closes_at:%Y-%m-%d}."

    return _case_post(request, case_id, ExtendForm(request.POST), "extend", act)


@require_POST
@permission_required("care_navigation.assign_case", raise_exception=True)
def case_assign(request: HtmxHttpRequest, case_id: int) -> HttpResponse:
    def act(case: Case, data: dict[str, Any]) -> str:
        services.case_assign(
            case=case, by=request.user, navigator=data["navigator"], request=request
        )
        return f"Case assigned to {selectors.navigator_name(data['navigator'])}."

    return _case_post(request, case_id, AssignForm(request.POST), "assign", act)


@require_POST
@permission_required(WORK, raise_exception=True)
def case_claim(request: HtmxHttpRequest, case_id: int) -> HttpResponse:
    if services.case_claim(case_id=case_id, by=request.user, request=request):
        messages.success(request, f"Case {case_id} is yours.")
        return redirect(reverse("care_navigation:case", args=[case_id]))
    messages.error(request, f"Case {case_id} was taken by someone else or is closed.")
    return redirect(reverse("care_navigation:caseload"))


@require_POST
@permission_required(WORK, raise_exception=True)
def person_confirm(request: HtmxHttpRequest, case_id: int) -> HttpResponse:
    case = selectors.case_get_for(
        user=request.user, case_id=case_id, request=request, purpose="write"
    )
    form = PersonConfirmForm(request.POST)
    if form.is_valid():
        try:
            if form.cleaned_data["action"] == "keep":
                result = services.case_person_keep(case=case, by=request.user, request=request)
                message = f"{result.person.name} confirmed as a new person."
            else:
                person = Person.objects.filter(pk=form.cleaned_data["person"]).first()
                if person is None:
                    raise ValidationError({"person": ["no such person"]})
                result = services.case_person_merge(
                    case=case, by=request.user, person=person, request=request
                )
                message = f"Merged into {person.name}" + (
                    f"; this referral joined their open case {result.pk}."
                    if result.pk != case.pk
                    else "."
                )
        except ValidationError as exc:
            errors_to_form(form, exc)
        else:
            messages.success(request, message)
            target = reverse("care_navigation:case", args=[result.pk])
            visible = selectors.cases_visible_to(request.user).filter(pk=result.pk).exists()
            return _go(request, target if visible else reverse("care_navigation:caseload"))
    return _render_case(request, case, bound={"person": form}, status=400)


def _go(request: HtmxHttpRequest, url: str) -> HttpResponse:
    return HttpResponseClientRedirect(url) if request.htmx else redirect(url)


@require_http_methods(["GET", "POST"])
@permission_required(WORK, raise_exception=True)
def case_new(request: HtmxHttpRequest) -> HttpResponse:
    """Open a case from a call: the person agreed to navigation when the navigator met them."""
    form = CaseOpenForm(request.POST or None, initial={"call": request.GET.get("call", "")})
    call = None
    call_id = id_or_none(request.POST.get("call") or request.GET.get("call"))
    if call_id is not None:
        call = Call.objects.select_related("person", "call_type").filter(pk=call_id).first()
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        if call is None:
            form.add_error("call", f"there is no call {data['call']}")
        else:
            try:
                case = services.case_open_from_call(
                    call=call,
                    by=request.user,
                    needs=data["needs"],
                    person_name=data["person_name"],
                    date_of_birth=data["date_of_birth"],
                    phone=data["phone"],
                    request=request,
                )
            except ValidationError as exc:
                errors_to_form(form, exc)
            else:
                if isinstance(case, NeedRequest):
                    messages.info(request, NEED_REQUEST_SENT)
                    return _go(request, reverse("care_navigation:caseload"))
                messages.success(request, f"Case {case.pk} is open for {case.person.name}.")
                return _go(request, reverse("care_navigation:case", args=[case.pk]))
    status = 400 if request.method == "POST" else 200
    return render(
        request, "care_navigation/case_new.html", {"form": form, "call": call}, status=status
    )


@require_GET
@permission_required(WORK, raise_exception=True)
def directory(request: HtmxHttpRequest) -> HttpResponse:
    """The service directory: by need, name and distance (from a point or a case's call)."""
    case = None
    case_id = id_or_none(request.GET.get("case"))
    if case_id is not None:
        case = selectors.case_get_for(user=request.user, case_id=case_id, request=request)
    context = {"case": case, **_search(request, case)}
    if context["hits"] is None:
        context["hits"] = selectors.service_search(limit=20)
    template = "care_navigation/directory.html"
    return render(request, f"{template}#results" if request.htmx else template, context)


@require_GET
@permission_required(WORK, raise_exception=True)
def notifications(request: HtmxHttpRequest) -> HttpResponse:
    return _notification_list(request)


def _notification_list(request: HtmxHttpRequest) -> HttpResponse:
    unread_only = request.GET.get("unread") == "1"
    context = {
        "items": selectors.notification_list(user=request.user, unread_only=unread_only),
        "unread_only": unread_only,
    }
    template = "care_navigation/notifications.html"
    return render(request, f"{template}#list" if request.htmx else template, context)


@require_POST
@permission_required(WORK, raise_exception=True)
def notifications_read(request: HtmxHttpRequest) -> HttpResponse:
    ids = [i for i in map(id_or_none, request.POST.getlist("id")) if i is not None]
    if request.POST.get("all") == "1":
        ids = list(selectors.notifications_for(user=request.user).values_list("pk", flat=True))
    marked = services.notification_mark_read(user=request.user, notification_ids=ids)
    if request.htmx:
        return _notification_list(request)
    messages.success(request, f"{marked} marked read.")
    return redirect(reverse("care_navigation:notifications"))


@require_GET
@cache_control(private=True, no_cache=True)  # a count: revalidated, never from a shared cache
@conditional_page
def notification_badge(request: HtmxHttpRequest) -> HttpResponse:
    """The header's unread count, polled by htmx; 304 while it has not changed."""
    return render(
        request,
        "care_navigation/badge.html",
        {"care_unread": selectors.notification_unread_count(user=request.user)},
    )
