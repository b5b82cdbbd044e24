"""988 transfers (warm, cold) beside the CCD line, and police arriving uninvited, on the
dashboards: live from the calls table, from the rollups, and with a live day among rolled-up
ones; each count opens the calls behind it."""

from __future__ import annotations

from datetime import timedelta
from urllib.parse import parse_qs, urlparse

import pytest
from django.utils import timezone

from dashboards import metrics, rollups
from dashboards.drilldown import calls_drill
from dashboards.models import CallRollup, DispositionRollup
from dispatch.models import Call, FieldEvent
from tests.dashboards.conftest import assign, at

pytestmark = pytest.mark.django_db


@pytest.fixture
def happened(clock, make_call, units):
    """Three CCD calls sent to 988 (two warm, one cold), one a dispatcher sent (cold), one CCD
    call resolved otherwise; two uninvited police arrivals on one HEART call, one on another."""
    made = {}
    for name, day, ccd, transfer in (
        ("ccd_warm_1", 10, "transferred_to_988", "warm"),
        ("ccd_warm_2", 11, "transferred_to_988", "warm"),
        ("ccd_cold", 12, "transferred_to_988", "cold"),
        ("dispatch_cold", 13, "", "cold"),
        ("by_phone", 13, "resolved_by_phone", ""),
    ):
        disposition = ccd or "transferred_to_988" if transfer else ccd
        call = make_call(at(day, 10), "MENTAL_HEALTH", "CCD", "CCD", disposition=disposition)
        Call.objects.filter(pk=call.pk).update(ccd_disposition=ccd, transfer_988=transfer)
        made[name] = call
    for name, day, arrivals in (("heart_a", 14, 2), ("heart_b", 15, 1), ("heart_c", 16, 0)):
        call = make_call(at(day, 10), processing=30, response=400, scene=1800)
        assign(call, units["HEART-1"])
        for n in range(arrivals):
            FieldEvent.objects.create(
                call=call, kind="police_uninvited", at=at(day, 10) + timedelta(minutes=n + 5)
            )
        made[name] = call
    return made


@pytest.fixture(params=["live", "rolled up", "rolled up with a live day"])
def board(request, happened, clock):
    if request.param != "live":
        clock.shift(timedelta(minutes=5))
        rollups.rollup_refresh()
        assert DispositionRollup.objects.filter(transfer_988="warm").exists()
        assert CallRollup.objects.filter(police_uninvited__gt=0).exists()
    if request.param == "rolled up with a live day":
        Call.objects.filter(pk=happened["ccd_cold"].pk).update(updated_at=timezone.now())
        Call.objects.filter(pk=happened["heart_a"].pk).update(updated_at=timezone.now())
    return metrics.dashboard_build(metrics.period_default())


def test_it_counts_988_transfers_warm_and_cold_by_who_made_them(board):
    figure = {f.key: f for f in board.figures}["transfers_988"]
    assert figure.text == "4 (2 warm, 2 cold)"
    # Three of the four calls the CCD line ended went to 988.
    assert figure.detail == "75.0% of 4 calls the CCD line ended"
    rows = {(r[0].text, r[1].csv): r[2].value for r in board.tables["transfers_988"].rows}
    assert rows == {
        ("By phone (CCD clinician)", "warm"): 2,
        ("By phone (CCD clinician)", "cold"): 1,
        ("By a dispatcher", "warm"): 0,
        ("By a dispatcher", "cold"): 1,
        ("All", ""): 4,
    }


def test_it_counts_police_arriving_uninvited(board):
    figure = {f.key: f for f in board.figures}["police_uninvited"]
    assert figure.value == 3
    assert figure.text == "3 for 3 department responses (100.0%)"
    [row] = [r for r in board.tables["field"].rows if r[0].text.startswith("Police arriving")]
    assert row[1].value == 3


def test_every_count_opens_its_calls(board):
    period = metrics.period_default()
    links = [r[2] for r in board.tables["transfers_988"].rows if r[2].url]
    links += [r[1] for r in board.tables["field"].rows if r[0].text.startswith("Police arriving")]
    for cell in links:
        query = {k: v[0] for k, v in parse_qs(urlparse(cell.url).query).items()}
        drill = calls_drill(period, query)
        assert not drill.errors
        expected = 2 if query.get("has") == "police_uninvited" else cell.value
        assert drill.queryset.count() == expected, cell.url  # calls, not arrivals
    figure = {f.key: f for f in board.figures}["transfers_988"]
    query = {k: v[0] for k, v in parse_qs(urlparse(figure.url).query).items()}
    assert calls_drill(period, query).queryset.count() == 4


def test_it_refuses_an_unknown_transfer_in_a_drill_down():
    drill = calls_drill(metrics.period_default(), {"transfer_988": "lukewarm"})
    assert "transfer_988" in drill.errors


def test_it_shows_the_table_to_supervisors(client_for, supervisor, happened):
    page = client_for(supervisor).get("/dashboards/").content.decode()
    assert "Transfers to the 988 center" in page and "Police arriving uninvited" in page
