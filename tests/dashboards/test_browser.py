"""The dashboard in Debian's Chromium: the charts draw, and the page breaks no CSP rule."""

from datetime import timedelta

import pytest
from django.contrib.auth.models import Group
from django.test import Client
from django.utils import timezone

from dispatch.models import Call
from heart import roles
from heart.dashboards.rollups import rollup_refresh
from tests.factories import UnitFactory, UserFactory

pytestmark = pytest.mark.browser


def _calls():
    """A week of calls ending now: HEART in the day, one eligible call after hours, police."""
    now = timezone.now()
    for days in range(7):
        at = timezone.localtime(now - timedelta(days=days)).replace(hour=10, minute=0)
        for route, eligible, reason, response in (
            ("HEART", "HEART", "", 480),
            ("POLICE", "POLICE", "", 720),
            ("POLICE", "HEART", "outside_hours", 900),
            ("CCD", "CCD", "", None),
        ):
            received = at if reason == "" else at.replace(hour=22)
            Call.objects.create(
                received_at=received,
                created_at=received,
                call_type_id="WELFARE_CHECK" if eligible != "POLICE" else "THEFT",
                eligible_route=eligible,
                route=route,
                unserved_reason=reason,
                first_dispatched_at=received + timedelta(seconds=40),
                first_on_scene_at=received + timedelta(seconds=response) if response else None,
                status=Call.Status.CLOSED,
            )


def _signed_in(context, live_server, user):
    client = Client()
    client.force_login(user)
    context.add_cookies(
        [{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": live_server.url}]
    )


def test_it_draws_the_charts_without_a_csp_error(seeded, live_server, browser, shot):
    _calls()
    UnitFactory(name="HEART-1", kind="HEART")
    rollup_refresh()
    supervisor = UserFactory(username="sam")
    supervisor.groups.set(Group.objects.filter(name=roles.SUPERVISOR))
    context = browser.new_context(viewport={"width": 1366, "height": 768})
    _signed_in(context, live_server, supervisor)
    page = context.new_page()
    problems = []

    def console(message):
        # Chromium asks for /favicon.ico by itself; the layout (not this page) has no icon.
        if message.location.get("url", "").endswith("/favicon.ico"):
            return
        if message.type in ("error", "warning"):
            problems.append(f"{message.text} ({message.location.get('url')})")

    page.on("console", console)
    page.on("pageerror", lambda error: problems.append(str(error)))
    failed = []
    page.on("response", lambda r: failed.append(r.url) if r.status >= 400 else None)

    response = page.goto(f"{live_server.url}/dashboards/")
    assert response.status == 200
    csp = response.headers["content-security-policy"]
    assert "script-src 'self'" in csp and "style-src 'self'" in csp
    page.wait_for_function(
        "() => window.Chart && ['chart-over-time', 'chart-response', 'chart-processing',"
        " 'chart-care'].every(id => Chart.getChart(document.getElementById(id)))"
    )
    charts = page.evaluate(
        "() => ['chart-over-time', 'chart-response', 'chart-processing', 'chart-care'].map(id =>"
        " { const c = Chart.getChart(document.getElementById(id));"
        " return [c.config.type, c.data.datasets.length, c.width > 0, c.height > 0]; })"
    )
    assert charts == [
        ["bar", 3, True, True],
        ["line", 2, True, True],
        ["line", 3, True, True],
        ["bar", 1, True, True],
    ]
    assert "14 of 28 (50.0%)" in page.inner_text(".figures")
    shot(page, "dashboards-01-overview")

    # A cell of the hour-of-week map opens the calls behind it.
    page.click("table.heatmap td.heat-5 a >> nth=0")
    page.wait_for_selector("h1 .count")
    assert page.inner_text("h1 .count") == "1"
    assert "between 22:00 and 22:59" in page.inner_text(".conditions")
    shot(page, "dashboards-02-drill-down")

    page.goto(f"{live_server.url}/dashboards/staffing/")
    page.wait_for_selector(".staffing-compare")
    assert "24/7" in page.inner_text(".staffing-compare thead")
    shot(page, "dashboards-03-staffing")
    assert failed == [], failed
    assert problems == []
    context.close()
