"""Rule-set pages: the versions, a version with its rule editor and what-if replay, publication.

Every page works without JavaScript (forms post and redirect); htmx swaps the rule list or
the what-if results in place. Changes are POST-only and each calls one service.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.http import Http404, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.views.decorators.http import require_GET, require_POST
from django_htmx.http import HttpResponseClientRedirect

from triage import services
from triage.engine import RuleSetError
from triage.forms import (
    DraftCreateForm,
    RuleAddForm,
    RuleForm,
    WhatIfForm,
    describe_condition,
    describe_priority,
)
from triage.models import RuleSet
from triage.ruleset_selectors import (
    WHAT_IF_DEFAULT_DAYS,
    WhatIf,
    ruleset_compile,
    ruleset_get,
    ruleset_list,
    ruleset_what_if,
)
from triage.selectors import NoPublishedRuleSet
from triage.services import RuleNotFound, RuleSetNotEditable
from web.http import HtmxHttpRequest

DETAIL_TEMPLATE = "triage/ruleset_detail.html"


# Where a RuleSetError's path points in the rule form.
_ERROR_FIELDS = (
    ("priority.cases", "cases"),
    ("priority", "priority"),
    ("when", "when"),
    ("route", "route"),
    ("note", "note"),
    ("id", "rule_id"),
)


def _version_or_404(version: int) -> RuleSet:
    try:
        return ruleset_get(version)
    except RuleSet.DoesNotExist:
        raise Http404(f"rule set v{version} does not exist") from None


def _published() -> RuleSet | None:
    return RuleSet.objects.filter(status=RuleSet.Status.PUBLISHED).first()


def _error_field(error: RuleSetError) -> str | None:
    for prefix, name in _ERROR_FIELDS:
        if error.path.startswith(prefix):
            return name
    return None


def _sentence(error: Exception) -> str:
    text = str(error)
    return f"{text[:1].upper()}{text[1:]}."


def _call_url(call_id: int) -> str | None:
    # The call page belongs to the dispatch console; without it the id is shown unlinked.
    try:
        return reverse("dispatch:call", args=[call_id])
    except NoReverseMatch:
        return None


@require_GET
@permission_required("triage.edit_ruleset", raise_exception=True)
def rulesets(request: HtmxHttpRequest) -> HttpResponse:
    rulesets = list(ruleset_list())
    published = next((r for r in rulesets if r.status == RuleSet.Status.PUBLISHED), None)
    return render(
        request,
        "triage/ruleset_list.html",
        {"rulesets": rulesets, "published": published, "form": DraftCreateForm()},
    )


@require_POST
@permission_required("triage.edit_ruleset", raise_exception=True)
def ruleset_create(request: HtmxHttpRequest) -> HttpResponse:
    form = DraftCreateForm(request.POST)
    if not form.is_valid():
        messages.error(request, "; ".join(str(e) for errs in form.errors.values() for e in errs))
        return redirect("triage:rulesets")
    try:
        draft = services.ruleset_draft_create(
            by=request.user,
            based_on=form.cleaned_data["based_on"],
            description=form.cleaned_data["description"] or "",
            request=request,
        )
    except RuleSet.DoesNotExist:
        messages.error(request, f"Rule set v{form.cleaned_data['based_on']} does not exist.")
        return redirect("triage:rulesets")
    except NoPublishedRuleSet as error:
        messages.error(request, f"Nothing to copy: {error}.")
        return redirect("triage:rulesets")
    source = draft.based_on
    origin = f" from v{source.version}" if source is not None else ""
    messages.success(request, f"Draft v{draft.version} created{origin}.")
    return redirect("triage:ruleset", version=draft.version)


def _rule_rows(
    ruleset: RuleSet, editable: bool, bound: dict[str, RuleForm] | None
) -> list[dict[str, Any]]:
    rows = []
    count = len(ruleset.rules)
    for index, rule in enumerate(ruleset.rules):
        rule_id = str(rule.get("id", ""))
        form = None
        if editable:
            form = (bound or {}).get(rule_id) or RuleForm(
                initial=RuleForm.initial_for(rule), auto_id=f"id_r{index + 1}_%s"
            )
        rows.append(
            {
                "position": index + 1,
                "id": rule_id,
                "route": rule.get("route", ""),
                "condition": describe_condition(rule.get("when")),
                "priority": describe_priority(rule.get("priority")),
                "note": rule.get("note", ""),
                "raw": RuleForm.initial_for(rule),
                "form": form,
                "open": form is not None and form.is_bound and bool(form.errors),
                "first": index == 0,
                "last": index == count - 1,
            }
        )
    return rows


def _detail_context(
    request: HtmxHttpRequest,
    ruleset: RuleSet,
    *,
    bound: dict[str, RuleForm] | None = None,
    add_form: RuleAddForm | None = None,
    notice: str = "",
) -> dict[str, Any]:
    editable = ruleset.status == RuleSet.Status.DRAFT
    rule_ids = [str(rule.get("id", "")) for rule in ruleset.rules]
    compile_error = None
    if editable:
        try:
            ruleset_compile(ruleset)
        except RuleSetError as error:
            compile_error = str(error)
    published = _published()
    return {
        "ruleset": ruleset,
        "editable": editable,
        "rules": _rule_rows(ruleset, editable, bound),
        "add_form": (add_form or RuleAddForm(rule_ids=rule_ids, auto_id="id_new_%s"))
        if editable
        else None,
        "compile_error": compile_error,
        "published": published,
        "stale_base": editable
        and published is not None
        and ruleset.based_on_id is not None
        and published.pk != ruleset.based_on_id,
        "can_publish": editable and request.user.has_perm("triage.publish_ruleset"),
        "fallback": sorted(ruleset.fallback.items()) if isinstance(ruleset.fallback, dict) else [],
        "notice": notice,
    }


def _what_if_context(request: HtmxHttpRequest, ruleset: RuleSet) -> dict[str, Any]:
    published = _published()
    context: dict[str, Any] = {
        "what_if_possible": published is not None and published.pk != ruleset.pk,
        "what_if": None,
        "what_if_error": "",
        "what_if_changes": [],
    }
    if "days" not in request.GET:
        context["what_if_form"] = WhatIfForm(initial={"days": WHAT_IF_DEFAULT_DAYS})
        return context
    form = WhatIfForm(request.GET)
    context["what_if_form"] = form
    if not form.is_valid() or published is None or published.pk == ruleset.pk:
        return context
    try:
        report: WhatIf = ruleset_what_if(
            candidate=ruleset, baseline=published, days=form.cleaned_data["days"]
        )
    except RuleSetError as error:
        context["what_if_error"] = str(error)
        return context
    context["what_if"] = report
    context["what_if_changes"] = [
        {
            "change": change,
            "examples": [
                {"example": example, "url": _call_url(example.call_id)}
                for example in change.examples
            ],
        }
        for change in report.changes
    ]
    return context


@require_GET
@permission_required("triage.edit_ruleset", raise_exception=True)
def ruleset_page(request: HtmxHttpRequest, version: int) -> HttpResponse:
    ruleset = _version_or_404(version)
    what_if = _what_if_context(request, ruleset)
    if request.htmx and request.htmx.target == "what-if":
        return render(request, f"{DETAIL_TEMPLATE}#what-if", {"ruleset": ruleset, **what_if})
    return render(request, DETAIL_TEMPLATE, {**_detail_context(request, ruleset), **what_if})


def _changed(request: HtmxHttpRequest, ruleset: RuleSet, notice: str) -> HttpResponse:
    """After a successful edit: the new rule list in place (htmx) or the page again."""
    if request.htmx:
        context = _detail_context(request, ruleset, notice=notice)
        return render(request, f"{DETAIL_TEMPLATE}#rules", context)
    messages.success(request, notice)
    return HttpResponseRedirect(reverse("triage:ruleset", args=[ruleset.version]) + "#rules")


def _rejected(request: HtmxHttpRequest, ruleset: RuleSet, **forms: Any) -> HttpResponse:
    """A bad edit: the form as typed with the error beside it; the saved draft unchanged.

    htmx only swaps successful responses, so the in-place answer is a 200; the full page is a
    400 like any rejected form.
    """
    fresh = ruleset_get(ruleset.version)
    context = _detail_context(request, fresh, **forms)
    if request.htmx:
        return render(request, f"{DETAIL_TEMPLATE}#rules", context)
    context.update(_what_if_context(request, fresh))
    return render(request, DETAIL_TEMPLATE, context, status=400)


def _refused(request: HtmxHttpRequest, ruleset: RuleSet, error: Exception) -> HttpResponse:
    """The version cannot be changed (published, retired) or the rule is gone."""
    messages.error(request, _sentence(error))
    url = reverse("triage:ruleset", args=[ruleset.version])
    if request.htmx:
        return HttpResponseClientRedirect(url)
    return HttpResponseRedirect(url)


@require_POST
@permission_required("triage.edit_ruleset", raise_exception=True)
def rule_edit(request: HtmxHttpRequest, version: int) -> HttpResponse:
    ruleset = _version_or_404(version)
    rule_id = request.POST.get("rule", "")
    ids = [str(rule.get("id", "")) for rule in ruleset.rules]
    if rule_id not in ids:
        return _refused(request, ruleset, RuleNotFound(version, rule_id))
    form = RuleForm(request.POST, auto_id=f"id_r{ids.index(rule_id) + 1}_%s")
    if form.is_valid():
        try:
            ruleset = services.ruleset_rule_update(
                version=version, rule_id=rule_id, rule=form.rule(), by=request.user, request=request
            )
        except (RuleSetNotEditable, RuleNotFound) as error:
            return _refused(request, ruleset, error)
        except RuleSetError as error:
            form.add_error(_error_field(error), str(error))
        else:
            return _changed(request, ruleset, f"Saved rule {form.cleaned_data['rule_id']}.")
    return _rejected(request, ruleset, bound={rule_id: form})


@require_POST
@permission_required("triage.edit_ruleset", raise_exception=True)
def rule_add(request: HtmxHttpRequest, version: int) -> HttpResponse:
    ruleset = _version_or_404(version)
    ids = [str(rule.get("id", "")) for rule in ruleset.rules]
    form = RuleAddForm(request.POST, rule_ids=ids, auto_id="id_new_%s")
    if form.is_valid():
        try:
            ruleset = services.ruleset_rule_add(
                version=version,
                rule=form.rule(),
                before=form.before_rule(),
                by=request.user,
                request=request,
            )
        except (RuleSetNotEditable, RuleNotFound) as error:
            return _refused(request, ruleset, error)
        except RuleSetError as error:
            form.add_error(_error_field(error), str(error))
        else:
            return _changed(request, ruleset, f"Added rule {form.cleaned_data['rule_id']}.")
    return _rejected(request, ruleset, add_form=form)


@require_POST
@permission_required("triage.edit_ruleset", raise_exception=True)
def rule_move(request: HtmxHttpRequest, version: int) -> HttpResponse:
    ruleset = _version_or_404(version)
    rule_id = request.POST.get("rule", "")
    direction = request.POST.get("direction", "")
    if direction not in ("up", "down"):
        return HttpResponse("direction must be up or down", status=400)
    try:
        ruleset = services.ruleset_rule_move(
            version=version,
            rule_id=rule_id,
            direction="up" if direction == "up" else "down",
            by=request.user,
            request=request,
        )
    except (RuleSetNotEditable, RuleNotFound) as error:
        return _refused(request, ruleset, error)
    except RuleSetError as error:
        return _refused(request, ruleset, error)
    return _changed(request, ruleset, f"Moved rule {rule_id} {direction}.")


@require_POST
@permission_required("triage.edit_ruleset", raise_exception=True)
def rule_delete(request: HtmxHttpRequest, version: int) -> HttpResponse:
    ruleset = _version_or_404(version)
    rule_id = request.POST.get("rule", "")
    try:
        ruleset = services.ruleset_rule_delete(
            version=version, rule_id=rule_id, by=request.user, request=request
        )
    except (RuleSetNotEditable, RuleNotFound) as error:
        return _refused(request, ruleset, error)
    except RuleSetError as error:
        return _refused(request, ruleset, error)
    return _changed(request, ruleset, f"Deleted rule {rule_id}.")


@require_POST
@permission_required("triage.publish_ruleset", raise_exception=True)
def ruleset_publish(request: HtmxHttpRequest, version: int) -> HttpResponse:
    ruleset = _version_or_404(version)
    try:
        ruleset = services.ruleset_publish(version=version, by=request.user, request=request)
    except RuleSetNotEditable as error:
        messages.error(request, _sentence(error))
    except RuleSetError as error:
        messages.error(request, f"Not published: {error}.")
    else:
        messages.success(
            request, f"Rule set v{ruleset.version} is published; new calls are routed with it."
        )
    return redirect("triage:ruleset", version=ruleset.version)
