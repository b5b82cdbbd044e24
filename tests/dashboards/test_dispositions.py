"""How calls ended, on the dashboards: the field's dispositions beside the phone line's."""

from __future__ import annotations

from datetime import timedelta
from urllib.parse import parse_qs, urlparse

import pytest
from django.utils import timezone

from dashboards import metrics, rollups
from dashboards.drilldown import calls_drill
from dispatch.models import Call
from tests.dashboards.conftest import at

pytestmark = pytest.mark.django_db


@pytest.fixture
def ended(clock, make_call):
    """Six calls in the default period, ended every way there is."""
    made = {}
    for name, day, disposition, ccd in (
        ("field", 10, "resolved_on_scene", ""),
        ("field_referral", 11, "referred_to_care_navigation", ""),
        ("by_phone", 12, "resolved_by_phone", "resolved_by_phone"),
        ("phone_referral", 12, "referred_to_care_navigation", "referred_to_care_navigation"),
        ("converted", 13, "referred_to_care_navigation", "converted_to_field_response"),
        ("988", 14, "transferred_to_988", "transferred_to_988"),
    ):
        call = make_call(at(day, 10), "MENTAL_HEALTH", "CCD", "CCD", disposition=disposition)
        Call.objects.filter(pk=call.pk).update(ccd_disposition=ccd)
        made[name] = call
    make_call(at(15, 10))  # still open: no disposition at all
    return made


@pytest.fixture(params=["live", "rolled up", "rolled up with a live day"])
def table(request, ended, clock):
    if request.param != "live":
        clock.shift(timedelta(minutes=5))
        rollups.rollup_refresh()
    if request.param == "rolled up with a live day":
        Call.objects.filter(pk=ended["by_phone"].pk).update(updated_at=timezone.now())
    return metrics.dashboard_build(metrics.period_default()).tables["dispositions"]


def counts(table) -> dict[tuple[str, str], int]:
    return {(row[0].text, row[1].csv): row[2].value for row in table.rows}


def test_it_counts_each_call_where_it_ended(table):
    found = counts(table)
    field = {code: n for (where, code), n in found.items() if where == "In the field"}
    phone = {code: n for (where, code), n in found.items() if where == "By phone (CCD)"}
    assert field["resolved_on_scene"] == 1
    # Two referrals cleared in the field (one after a conversion); the phone's is the phone's.
    assert field["referred_to_care_navigation"] == 2
    assert field["gone_on_arrival"] == 0 and field[""] == 3
    assert phone == {
        "resolved_by_phone": 1,
        "safety_plan_made": 0,
        "referred_to_care_navigation": 1,
        "transferred_to_988": 1,
        "converted_to_field_response": 1,
        "caller_disconnected": 0,
        "": 4,
    }


def test_it_lists_every_disposition_of_both_and_links_each_to_its_calls(table):
    period = metrics.period_default()
    for row in table.rows:
        if not row[2].url:
            continue  # the totals
        query = {k: v[0] for k, v in parse_qs(urlparse(row[2].url).query).items()}
        drill = calls_drill(period, query)
        assert not drill.errors
        assert drill.queryset.count() == row[2].value, (row[0].text, row[1].text)
    labels = [row[1].text for row in table.rows]
    assert "Resolved on scene" in labels and "Transferred to 988" in labels
    assert "Caller disconnected" in labels and "Converted to field response" in labels


def test_it_refuses_an_unknown_disposition_in_a_drill_down():
    drill = calls_drill(metrics.period_default(), {"ccd_disposition": "teleported"})
    assert "ccd_disposition" in drill.errors
    drill = calls_drill(metrics.period_default(), {"disposition": "resolved_by_phone"})
    assert "disposition" in drill.errors


def test_it_shows_the_table_and_its_csv_to_supervisors(client_for, supervisor, ended):
    client = client_for(supervisor)
    page = client.get("/dashboards/").content.decode()
    assert "How calls ended: in the field and by phone" in page
    csv = client.get("/dashboards/export/dispositions.csv").content.decode()
    assert csv.splitlines()[0] == "Where,Disposition,Calls,Share"
    assert "By phone (CCD),transferred_to_988,1,25.0" in csv
