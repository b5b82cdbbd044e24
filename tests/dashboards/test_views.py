"""The dashboard pages: who may see them, the period selector, drill-downs and CSV exports."""

import csv
import io
import re
from html import unescape
from urllib.parse import parse_qs, urlsplit

import pytest
from django.test import Client
from django.urls import reverse

from access import roles
from access.models import AuditEntry
from dashboards import metrics
from dashboards.exports import cell
from dashboards.metrics import REFERENCES

pytestmark = pytest.mark.django_db


def csv_rows(response):
    body = b"".join(response.streaming_content) if response.streaming else response.content
    return list(csv.reader(io.StringIO(body.decode())))


def test_it_reverses_the_navigation_name_to_the_dashboard():
    assert reverse("dashboards") == "/dashboards/"


@pytest.mark.parametrize(
    "url",
    [
        "/dashboards/",
        "/dashboards/calls/",
        "/dashboards/calls.csv",
        "/dashboards/cases/",
        "/dashboards/cases.csv",
        "/dashboards/export/routes.csv",
        "/dashboards/staffing/",
        "/dashboards/staffing.csv",
    ],
)
def test_it_lets_only_supervisors_in(
    url, client_for, call_taker, dispatcher, responder, ccd_clinician, navigator, outsider,
    admin_user_role, supervisor,
):  # fmt: skip
    for user in (call_taker, dispatcher, responder, ccd_clinician, navigator, outsider):
        assert client_for(user).get(url).status_code == 403, user
    assert client_for(admin_user_role).get(url).status_code == 403
    assert Client().get(url).status_code == 302  # to the login page
    assert client_for(supervisor).get(url).status_code == 200


def test_it_shows_the_dashboards_link_to_supervisors_only(client_for, supervisor, dispatcher):
    assert 'href="/dashboards/"' in client_for(supervisor).get("/").content.decode()
    assert 'href="/dashboards/"' not in client_for(dispatcher).get("/").content.decode()


def test_it_shows_every_figure_beside_its_published_reference(dataset, client_for, supervisor):
    response = client_for(supervisor).get("/dashboards/")
    page = unescape(response.content.decode())
    assert response.status_code == 200
    assert response["Cache-Control"] == "no-store"
    assert "19 Feb 2026 to 20 Mar 2026 (30 days)" in page
    for reference in REFERENCES.values():
        assert reference in page
    for text in ("6 of 12 (50.0%)", "4 of 9 (44.4%)", "62.5% of 8 dispatched", "3.6 hours"):
        assert text in page
    # The charts' data travels as JSON, never as an inline script.
    assert '<script id="dashboard-data" type="application/json">' in page
    for tag in re.findall(r"<script[^>]*>", page):
        assert " src=" in tag or 'type="application/json"' in tag, tag
    assert 'style="' not in page
    for canvas in ("chart-over-time", "chart-response", "chart-processing", "chart-care"):
        assert f'id="{canvas}"' in page
    assert page.count('class="heat-') >= 7 * 24


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("from=yesterday", "from: 'yesterday' is not a date (YYYY-MM-DD)"),
        ("to=2026-02-30", "to: '2026-02-30' is not a date (YYYY-MM-DD)"),
        ("from=2026-03-10&to=2026-03-01", "to: 2026-03-01 is before from (2026-03-10)"),
        ("from=1990-01-01&to=2026-03-01", "from: the period is at most 3700 days"),
        ("source=" + "x" * 41, "source: at most 40 characters"),
    ],
)
def test_it_names_the_field_of_a_bad_period(dataset, client_for, supervisor, query, message):
    response = client_for(supervisor).get(f"/dashboards/?{query}")
    assert response.status_code == 400
    page = unescape(response.content.decode())
    assert message in page
    assert 'role="alert"' in page
    assert 'id="dashboard-data"' not in page  # no figures for a period that is not one


def test_it_reads_the_period_and_source_asked_for(dataset, client_for, supervisor):
    page = unescape(
        client_for(supervisor).get("/dashboards/?from=2026-03-14&to=2026-03-14").content.decode()
    )
    assert "14 Mar 2026 to 14 Mar 2026 (1 days)" in page
    assert "1 of 2 (50.0%)" in page  # c8 police, c9 handed to HEART
    page = unescape(client_for(supervisor).get("/dashboards/?source=durham").content.decode())
    assert "1 of 1 (100.0%)" in page
    assert '<option value="durham" selected>' in page


def _links(board):
    """(figure, url) for every number on the page that links to its calls or cases."""
    for table in board.tables.values():
        for row in table.rows:
            for c in row:
                if c.url and isinstance(c.value, int):
                    yield c.value, c.url
    for row in board.heatmap:
        for c in row["cells"]:
            yield c["eligible"], c["url"]


def test_it_drills_every_figure_down_to_as_many_calls_or_cases(dataset, client_for, supervisor):
    client = client_for(supervisor)
    board = metrics.dashboard_build(metrics.period_default())
    checked = 0
    for value, url in _links(board):
        parts = urlsplit(url)
        query = parse_qs(parts.query)
        export = parts.path.rstrip("/") + ".csv"
        rows = csv_rows(client.get(f"{export}?{parts.query}"))
        header, body = rows[0], rows[1:]
        if query.get("familiar") == ["people"]:
            counted = len({r[header.index("person_id")] for r in body})
        elif (
            query.get("has", ["referral_declined"]) != ["referral_declined"] or "familiar" in query
        ):
            # Counts of things on the calls (answers, requests, responses): summed per call.
            counted = sum(int(r[header.index("count")]) for r in body)
        else:
            counted = len(body)
        assert counted == value, (url, value, counted)
        checked += 1
    assert checked > 100


def test_it_lists_the_calls_behind_a_figure_with_links_to_the_call_pages(
    dataset, client_for, supervisor
):
    c = dataset.calls
    response = client_for(supervisor).get("/dashboards/calls/?eligible=1&outcome=unserved")
    page = unescape(response.content.decode())
    assert response.status_code == 200
    assert '<span class="count">4</span>' in page
    for name in ("c3", "c4", "c5", "c11"):
        assert f'href="/dispatch/calls/{c[name].pk}/"' in page
    assert "eligible for a department service" in page and "not served by that service" in page
    assert f'href="/dispatch/calls/{c["c1"].pk}/"' not in page


def test_it_lists_the_calls_of_one_hour_of_the_week(dataset, client_for, supervisor):
    page = client_for(supervisor).get("/dashboards/calls/?eligible=1&weekday=3&hour=22").content
    assert f'href="/dispatch/calls/{dataset.calls["c3"].pk}/"'.encode() in page
    assert b'<span class="count">1</span>' in page


def test_it_lists_the_cases_behind_a_figure_with_links_to_the_case_pages(
    dataset, client_for, supervisor
):
    response = client_for(supervisor).get("/dashboards/cases/?stage=contact_late")
    page = response.content.decode()
    assert response.status_code == 200
    k = dataset.cases
    assert (
        f'href="/care/cases/{k["k2"].pk}/"' in page and f'href="/care/cases/{k["k3"].pk}/"' in page
    )
    assert f'href="/care/cases/{k["k1"].pk}/"' not in page
    entry = AuditEntry.objects.get(action="dashboards.cases.read")
    assert entry.detail == {"stage": "contact_late"}


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("route=BOAT", "route: 'BOAT' is not one of POLICE, FIRE, EMS, HEART, CO_RESPONSE, CCD"),
        ("hour=24", "hour: '24' is not a whole number from 0 to 23"),
        ("weekday=0", "weekday: '0' is not a whole number from 1 to 7"),
        ("has=coffee", "has: 'coffee' is not one of"),
        ("day=soon", "day: 'soon' is not a date (YYYY-MM-DD)"),
        ("from=never", "from: 'never' is not a date (YYYY-MM-DD)"),
    ],
)
def test_it_names_a_bad_drill_down_parameter(dataset, client_for, supervisor, query, message):
    client = client_for(supervisor)
    response = client.get(f"/dashboards/calls/?{query}")
    assert response.status_code == 400
    assert message in unescape(response.content.decode())
    csv_response = client.get(f"/dashboards/calls.csv?{query}")
    assert csv_response.status_code == 400
    assert message in csv_response.content.decode()


def test_it_exports_each_table_as_csv(dataset, client_for, supervisor):
    client = client_for(supervisor)
    response = client.get("/dashboards/export/routes.csv")
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert (
        'filename="dashboard-2026-02-19-2026-03-20-routes.csv"' in response["Content-Disposition"]
    )
    assert csv_rows(response) == [
        ["Route", "Calls", "Share"],
        ["POLICE", "6", "50.0"],
        ["FIRE", "0", "0.0"],
        ["EMS", "0", "0.0"],
        ["HEART", "5", "41.7"],
        ["CO_RESPONSE", "0", "0.0"],
        ["CCD", "1", "8.3"],
        ["All calls", "12", "100.0"],
    ]
    figures = csv_rows(client.get("/dashboards/export/figures.csv"))
    assert figures[0] == ["Metric", "Value", "Figure", "Detail", "Published reference"]
    by_key = {row[0]: row for row in figures[1:]}
    assert by_key["processing"][1:3] == ["62.5", "62.5% of 8 dispatched"]
    assert by_key["processing"][4] == REFERENCES["processing"]
    times = csv_rows(client.get("/dashboards/export/times.csv"))
    heart = next(row for row in times if row[0] == "HEART")
    assert heart[5:] == ["510.0", "510.0", "762.0"]  # seconds in the CSV
    for key in ("eligible", "over_time", "field", "police_hours", "care", "familiar", "hours"):
        rows = csv_rows(client.get(f"/dashboards/export/{key}.csv"))
        assert len(rows) > 1, key
    assert client.get("/dashboards/export/nothing.csv").status_code == 404
    assert AuditEntry.objects.filter(action="dashboards.export").count() == 10


def test_it_exports_the_calls_of_a_drill_down(dataset, client_for, supervisor):
    rows = csv_rows(client_for(supervisor).get("/dashboards/calls.csv?route=HEART"))
    assert rows[0][:3] == ["call_id", "received_at", "source"]
    assert sorted(int(r[0]) for r in rows[1:]) == sorted(
        dataset.calls[n].pk for n in ("c1", "c2", "c9", "c10", "c12")
    )
    first = next(r for r in rows[1:] if int(r[0]) == dataset.calls["c1"].pk)
    assert first[1] == "2026-03-10T14:00:00-04:00"
    assert first[9:11] == ["30.0", "510.0"]


def test_it_exports_the_cases_of_a_drill_down(dataset, client_for, supervisor):
    rows = csv_rows(client_for(supervisor).get("/dashboards/cases.csv?stage=closed"))
    assert rows[0][0] == "case_id"
    assert sorted(r[8] for r in rows[1:]) == ["connected", "not_connected", "unable_to_reach"]


def test_it_keeps_spreadsheet_formulas_out_of_csv_cells():
    assert cell("=HYPERLINK(1)") == "'=HYPERLINK(1)"
    assert cell("+1") == "'+1" and cell("@sum") == "'@sum"
    assert cell(-3) == -3 and cell(None) == "" and cell("HEART") == "HEART"


def test_it_pages_long_drill_downs(dataset, client_for, supervisor, make_call):
    from tests.dashboards.conftest import at

    for _ in range(105):
        make_call(at(18, 9))
    client = client_for(supervisor)
    first = client.get("/dashboards/calls/?day=2026-03-18").content.decode()
    assert "Page 1 of 2" in first and "page=2" in first
    second = client.get("/dashboards/calls/?day=2026-03-18&page=2").content.decode()
    assert "Page 2 of 2" in second
    assert len(csv_rows(client.get("/dashboards/calls.csv?day=2026-03-18"))) == 106


def test_the_overview_tells_an_api_only_partner_where_its_work_is(make_user, client_for, outsider):
    partner = make_user("ecc", roles.PARTNER)
    work = client_for(partner).get("/").content.decode().split("<h2>Your work</h2>", 1)[1]
    work = work.split("</section>", 1)[0]
    assert "works through the API" in work and 'href="/api/v1/docs/"' in work
    nobody = client_for(outsider).get("/").content.decode().split("<h2>Your work</h2>", 1)[1]
    assert "no role yet" in nobody.split("</section>", 1)[0]
