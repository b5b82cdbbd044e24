"""The dashboard in Debian's Chromium: the charts draw, and the page breaks no CSP rule.

Playwright's sync API runs one instance per thread, and tests/browser keeps its own open for
the whole session: this test drives its Chromium from a thread of its own, and asserts on what
the browser saw once it is back.
"""

from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta
from pathlib import Path

import pytest
from django.contrib.auth.models import Group
from django.test import Client
from django.utils import timezone

from access import roles
from dashboards.rollups import rollup_refresh
from dispatch.models import Call
from tests.browser.conftest import CHROMIUM, SCREENSHOTS
from tests.factories import UnitFactory, UserFactory

pytestmark = pytest.mark.browser

CHARTS = ["chart-over-time", "chart-response", "chart-processing", "chart-care"]


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


def _drive(base: str, session: str) -> dict:
    """Everything the browser does, in this thread's own Playwright; returns what it saw."""
    from playwright.sync_api import sync_playwright

    seen: dict = {"problems": [], "failed": []}
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=CHROMIUM, args=["--no-sandbox", "--disable-gpu", "--no-first-run"]
        )
        context = browser.new_context(viewport={"width": 1366, "height": 768})
        context.add_cookies([{"name": "sessionid", "value": session, "url": base}])
        page = context.new_page()

        def console(message):
            # Chromium asks for /favicon.ico by itself; the layout, not this page, has no icon.
            if message.location.get("url", "").endswith("/favicon.ico"):
                return
            if message.type in ("error", "warning"):
                seen["problems"].append(f"{message.text} ({message.location.get('url')})")

        page.on("console", console)
        page.on("pageerror", lambda error: seen["problems"].append(str(error)))
        page.on("response", lambda r: seen["failed"].append(r.url) if r.status >= 400 else None)

        response = page.goto(f"{base}/dashboards/")
        seen["status"] = response.status
        seen["csp"] = response.headers.get("content-security-policy", "")
        drawn = f"{CHARTS}.every(id => Chart.getChart(document.getElementById(id)))"
        page.wait_for_function(f"() => window.Chart && {drawn}")
        seen["charts"] = page.evaluate(
            f"() => {CHARTS}.map(id => {{ const c = Chart.getChart(document.getElementById(id));"
            " return [c.config.type, c.data.datasets.length, c.width > 0, c.height > 0]; })"
        )
        seen["figures"] = page.inner_text(".figures")
        page.screenshot(path=str(SCREENSHOTS / "dashboards-01-overview.png"), full_page=True)

        # A cell of the hour-of-week map opens the calls behind it.
        page.click("table.heatmap td.heat-5 a >> nth=0")
        page.wait_for_selector("h1 .count")
        seen["drill_count"] = page.inner_text("h1 .count")
        seen["drill_conditions"] = page.inner_text(".conditions")
        page.screenshot(path=str(SCREENSHOTS / "dashboards-02-drill-down.png"), full_page=True)

        page.goto(f"{base}/dashboards/staffing/")
        page.wait_for_selector(".staffing-compare")
        seen["staffing_head"] = page.inner_text(".staffing-compare thead")
        page.screenshot(path=str(SCREENSHOTS / "dashboards-03-staffing.png"), full_page=True)
        context.close()
        browser.close()
    return seen


def test_it_draws_the_charts_without_a_csp_error(seeded, live_server):
    if not Path(CHROMIUM).exists():
        pytest.fail(f"Chromium not found at {CHROMIUM}: apt-get install chromium")
    _calls()
    UnitFactory(name="HEART-1", kind="HEART")
    rollup_refresh()
    supervisor = UserFactory(username="sam")
    supervisor.groups.set(Group.objects.filter(name=roles.SUPERVISOR))
    client = Client()
    client.force_login(supervisor)
    with ThreadPoolExecutor(max_workers=1) as pool:
        seen = pool.submit(_drive, live_server.url, client.cookies["sessionid"].value).result()

    assert seen["status"] == 200
    assert "script-src 'self'" in seen["csp"] and "style-src 'self'" in seen["csp"]
    assert seen["charts"] == [
        ["bar", 3, True, True],
        ["line", 2, True, True],
        ["line", 3, True, True],
        ["bar", 1, True, True],
    ]
    assert "14 of 28 (50.0%)" in seen["figures"]
    assert seen["drill_count"] == "1"
    assert "between 22:00 and 22:59" in seen["drill_conditions"]
    assert "24/7" in seen["staffing_head"]
    assert seen["failed"] == []
    assert seen["problems"] == []
