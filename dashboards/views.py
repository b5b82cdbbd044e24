"""The overview page, and the supervisor dashboards: the metrics page, drill-downs, CSV
exports and the staffing model.

Views only read: they check the parameters (a bad one is a 400 naming it), call one selector
and render. The dashboards need dashboards.view_dashboards (supervisors); others get 403.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django.conf import settings
from django.contrib.auth.decorators import permission_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_GET

from access.audit import audit_record
from background.selectors import worker_last_seen
from dashboards import exports, metrics, staffing
from dashboards.drilldown import Drill, calls_drill, cases_drill
from dashboards.gpl_export import GPL_HEADER, gpl_calls, gpl_rows
from dashboards.overview import overview_counts

PERMISSION = "dashboards.view_dashboards"
PAGE_SIZE = 100


def _no_store(response: HttpResponse) -> HttpResponse:
    # Figures about people and calls: never kept by a shared cache or the browser's history.
    response["Cache-Control"] = "no-store"
    return response


@require_GET
def home(request: HttpRequest) -> HttpResponse:
    """The overview every signed-in user lands on: open calls and units by status, and when a
    worker last ran a task."""
    return render(
        request,
        "dashboards/home.html",
        {"counts": overview_counts(), "heartbeat": worker_last_seen()},
    )


@require_GET
@permission_required(PERMISSION, raise_exception=True)
def dashboard(request: HttpRequest) -> HttpResponse:
    period, errors = metrics.period_parse(request.GET)
    context: dict[str, Any] = {
        "period": period,
        "errors": errors,
        "values": _values(request, period, errors),
        "presets": _presets(),
    }
    if errors:
        context["sources"] = metrics.sources_known()
        return _no_store(render(request, "dashboards/dashboard.html", context, status=400))
    board = metrics.dashboard_build(period)
    figures = {f.key: f for f in board.figures}
    context.update(
        {
            "board": board,
            "figures": board.figures,
            "figure": figures,
            "tables": board.tables,
            "sources": board.sources,
            "export_query": "?" + _query(period),
            "charts": board.charts,
        }
    )
    return _no_store(render(request, "dashboards/dashboard.html", context))


def _values(request: HttpRequest, period: metrics.Period, errors: dict[str, str]) -> dict[str, str]:
    """What the period form shows: the input as typed when it has errors."""
    if errors:
        return {k: request.GET.get(k, "") for k in ("from", "to", "source")}
    return {"source": "", **period.params()}


def _query(period: metrics.Period) -> str:
    return urlencode(period.params())


def _presets() -> list[dict[str, str]]:
    out = []
    for label, days in (("30 days", 30), ("90 days", 90), ("12 months", 365)):
        p = metrics.period_default(days=days)
        out.append({"label": label, "url": f"{reverse('dashboards')}?{_query(p)}"})
    return out


@require_GET
@permission_required(PERMISSION, raise_exception=True)
def export(request: HttpRequest, table: str) -> HttpResponse:
    period, errors = metrics.period_parse(request.GET)
    if errors:
        return HttpResponse("\n".join(errors.values()), status=400, content_type="text/plain")
    board = metrics.dashboard_build(period)
    tables = {**board.tables, "figures": metrics.figures_table(board)}
    if table not in tables:
        raise Http404(f"no table {table!r}; tables: {', '.join(sorted(tables))}")
    audit_record(
        action="dashboards.export",
        user=request.user,
        request=request,
        detail={"table": table, **period.params()},
    )
    stem = f"dashboard-{period.start}-{period.end}"
    return exports.table_response(tables[table], stem=stem)


def _drill_page(
    request: HttpRequest, drill: Drill, period: metrics.Period, csv_name: str
) -> HttpResponse:
    status = 400 if drill.errors else 200
    page = Paginator(drill.queryset, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return _no_store(
        render(
            request,
            "dashboards/drill.html",
            {
                "drill": drill,
                "period": period,
                "page": page,
                "query": query.urlencode(),
                "csv_url": f"{reverse(csv_name)}?{query.urlencode()}",
                "back_url": f"{reverse('dashboards')}?{_query(period)}",
            },
            status=status,
        )
    )


@require_GET
@permission_required(PERMISSION, raise_exception=True)
def calls(request: HttpRequest) -> HttpResponse:
    period, errors = metrics.period_parse(request.GET)
    drill = calls_drill(period, request.GET)
    drill.errors.update(errors)
    return _drill_page(request, drill, period, "dashboards_calls_csv")


@require_GET
@permission_required(PERMISSION, raise_exception=True)
def calls_csv(request: HttpRequest) -> Any:
    return _list_csv(request, "calls", calls_drill, exports.CALL_HEADER, exports.call_rows)


@require_GET
@permission_required(PERMISSION, raise_exception=True)
def cases(request: HttpRequest) -> HttpResponse:
    period, errors = metrics.period_parse(request.GET)
    drill = cases_drill(period, request.GET)
    drill.errors.update(errors)
    # A list of care-navigation cases is a read of navigation records: audited.
    audit_record(
        action="dashboards.cases.read",
        user=request.user,
        request=request,
        detail=request.GET.dict(),
    )
    return _drill_page(request, drill, period, "dashboards_cases_csv")


@require_GET
@permission_required(PERMISSION, raise_exception=True)
def cases_csv(request: HttpRequest) -> Any:
    return _list_csv(request, "cases", cases_drill, exports.CASE_HEADER, exports.case_rows)


@require_GET
@permission_required(PERMISSION, raise_exception=True)
def gpl_csv(request: HttpRequest) -> Any:
    """Every call of the period, one row each, in the Government Performance Lab data
    dictionary's shape (docs/data-dictionary.md); a bad period is a 400 naming the parameter;
    audited like every export. GET /api/v1/exports/calls-gpl/ answers the same file."""
    period, errors = metrics.period_parse(request.GET)
    if errors:
        return HttpResponse("\n".join(errors.values()), status=400, content_type="text/plain")
    audit_record(
        action="dashboards.export",
        user=request.user,
        request=request,
        detail={"list": "gpl", **period.params()},
    )
    return exports.csv_response(
        f"calls-gpl-{period.start}-{period.end}.csv", GPL_HEADER, gpl_rows(gpl_calls(period))
    )


def _list_csv(
    request: HttpRequest, name: str, drill_for: Any, header: Any, rows_of: Any
) -> HttpResponse | StreamingHttpResponse:
    """A drill-down list as CSV: refused by field on a bad period or filter, and audited."""
    period, errors = metrics.period_parse(request.GET)
    drill = drill_for(period, request.GET)
    errors.update(drill.errors)
    if errors:
        return HttpResponse("\n".join(errors.values()), status=400, content_type="text/plain")
    audit_record(
        action="dashboards.export",
        user=request.user,
        request=request,
        detail={"list": name, **request.GET.dict()},
    )
    return exports.csv_response(
        f"{name}-{period.start}-{period.end}.csv", header, rows_of(drill.queryset)
    )


# The staffing model.


def _staffing_inputs(
    request: HttpRequest,
) -> tuple[metrics.Period, staffing.Schedule, int, int, str, dict[str, str]]:
    # The model replays real calls: by default over the (at most 365) days that hold some.
    default = metrics.period_of_calls(days=365)
    period, errors = metrics.period_parse(request.GET, default_days=365, default=default)
    target = _minutes(request.GET.get("target"), "target", 10, 1, 240, errors)
    hold = _minutes(request.GET.get("hold"), "hold", settings.DISPATCH_HOLD_MINUTES, 0, 240, errors)
    text = request.GET.get("schedule")
    if text is None or not text.strip():
        text = staffing.schedule_current().text()
    proposal, schedule_errors = staffing.schedule_parse(text)
    if schedule_errors:
        errors["schedule"] = "; ".join(schedule_errors)
    return period, proposal, target, hold, text, errors


def _minutes(
    raw: str | None, name: str, default: int, low: int, high: int, errors: dict[str, str]
) -> int:
    value = (raw or "").strip()
    if not value:
        return default
    if not (value.isascii() and value.isdigit()) or not low <= int(value) <= high:
        errors[name] = f"{name}: {value!r} is not a whole number of minutes from {low} to {high}"
        return default
    return int(value)


@require_GET
@permission_required(PERMISSION, raise_exception=True)
def staffing_page(request: HttpRequest) -> HttpResponse:
    period, proposal, target, hold, text, errors = _staffing_inputs(request)
    context: dict[str, Any] = {
        "period": period,
        "errors": errors,
        "values": _values(request, period, errors),
        "target": target,
        "hold": hold,
        "schedule_text": text,
        "current": staffing.schedule_current(),
        "cost_per_team_hour": settings.COST_PER_TEAM_HOUR,
        "reference": metrics.REFERENCES["hours"],
    }
    if errors:
        return _no_store(render(request, "dashboards/staffing.html", context, status=400))
    comparison = staffing.staffing_compare(
        period=period, proposal=proposal, target_minutes=target, hold_minutes=hold
    )
    rows = staffing.comparison_rows(comparison)
    query = request.GET.copy()
    context.update(
        {
            "comparison": comparison,
            "side_by_side": _side_by_side(comparison, rows),
            "demand": [comparison.demand[s] for s in staffing.SERVICES],
            "csv_url": f"{reverse('dashboards_staffing_csv')}?{query.urlencode()}",
            "sim_ms": round(sum(r["simulation_ms"] for r in rows if r["service"] == "All"), 1),
        }
    )
    return _no_store(render(request, "dashboards/staffing.html", context))


STAFFING_MEASURES = [
    ("eligible_calls", "Eligible calls", "{:,}"),
    ("served_within_target_pct", "Served within the target", "{:.1f}%"),
    ("served_pct", "Served within the hold", "{:.1f}%"),
    ("unserved_outside_hours", "Unserved: outside hours", "{:,}"),
    ("unserved_no_unit", "Unserved: no team free", "{:,}"),
    ("mean_wait_min", "Mean wait for a team (min)", "{:.1f}"),
    ("team_hours_per_week", "Team-hours per week", "{:,.1f}"),
    ("utilisation_pct", "Teams busy (share of time on duty)", "{:.1f}%"),
    ("yearly_cost", "Yearly cost", "${:,.0f}"),
]


def _side_by_side(
    comparison: staffing.Comparison, rows: list[dict[str, Any]]
) -> list[dict[str, Any]]:
    """Per service (all, then each): one line per measure, one column per scenario."""
    names = [s.schedule.name for s in comparison.scenarios]
    by_key = {(r["scenario"], r["service"]): r for r in rows}
    groups = []
    for service in ("All", *staffing.SERVICES):
        lines = []
        for key, label, fmt in STAFFING_MEASURES:
            values = [by_key[(name, service)][key] for name in names]
            lines.append(
                {"label": label, "values": ["—" if v is None else fmt.format(v) for v in values]}
            )
        groups.append({"service": service, "lines": lines})
    return groups


@require_GET
@permission_required(PERMISSION, raise_exception=True)
def staffing_csv(request: HttpRequest) -> HttpResponse:
    period, proposal, target, hold, _text, errors = _staffing_inputs(request)
    if errors:
        return HttpResponse("\n".join(errors.values()), status=400, content_type="text/plain")
    comparison = staffing.staffing_compare(
        period=period, proposal=proposal, target_minutes=target, hold_minutes=hold
    )
    rows = staffing.comparison_rows(comparison)
    header = list(rows[0]) if rows else []
    table = metrics.Table(
        "staffing",
        "Staffing model",
        header,
        [[metrics.Cell(str(r[k]), value=r[k]) for k in header] for r in rows],
    )
    return exports.table_response(table, stem=f"staffing-{period.start}-{period.end}")
