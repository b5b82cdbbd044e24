"""Replay real calls (tests/fixtures/README.md) through the published rule set.

Durham's excerpt holds only the six crisis natures of a 2021 study, in Durham's own zone; San
Diego's holds all of 1,000 calls of January 2023, in Pacific time. Every label in both is
mapped by triage/data/label_mappings.csv, so every row must route. Run with -s to see the
share of calls per route.
"""

from __future__ import annotations

import csv
import io
from collections import Counter
from datetime import datetime
from pathlib import Path

import pytest
from django.core.management import call_command

from triage.models import CallType, CallTypeMapping
from triage.selectors import engine_invalidate

pytestmark = pytest.mark.django_db

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"
DEPARTMENT = {"HEART", "CO_RESPONSE", "CCD"}
# What the published version (2) does with an unanswered behavioral call: HEART, or down its
# fallback chain HEART -> CO_RESPONSE -> POLICE when off duty (HEART 07-19, co-response 09-21).
R8_PRIORITY = {"SUICIDE_THREAT": "P1", "TRESPASS": "P3", "PANHANDLING": "P3", "INDECENCY": "P3"}


@pytest.fixture(autouse=True)
def fresh_engine():
    engine_invalidate()
    yield
    engine_invalidate()


def replay(name: str, tmp_path: Path, *options: str) -> tuple[list[dict[str, str]], str]:
    target = tmp_path / f"{name}.out.csv"
    out = io.StringIO()
    # call_command raises CommandError, the exit status 1 of manage.py, if any row fails.
    call_command("triage_replay", str(FIXTURES / f"{name}.csv"), str(target), *options, stdout=out)
    with target.open(newline="", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    summary = out.getvalue()
    print(f"\n{name}:\n{summary}")
    return rows, summary


def shares(rows: list[dict[str, str]], column: str) -> dict[str, float]:
    counts = Counter(r[column] for r in rows)
    return {key: round(100 * n / len(rows), 1) for key, n in counts.most_common()}


def test_it_routes_every_durham_crisis_call_to_the_department_or_its_fallback(tmp_path):
    rows, summary = replay("durham_calls_excerpt", tmp_path)

    assert len(rows) == 600
    assert "rows: 600, routed: 600, errors: 0" in summary
    assert all(r["error"] == "" for r in rows)
    codes = {
        m.external_label: m.call_type_id for m in CallTypeMapping.objects.filter(source="durham")
    }
    for row in rows:
        code = codes[row["call_type"]]
        hour = datetime.fromisoformat(row["received_at"]).hour  # Durham wall-clock time
        if 7 <= hour < 19:
            expected = ("HEART", "")
        elif 19 <= hour < 21:
            expected = ("CO_RESPONSE", "outside_hours")
        else:
            expected = ("POLICE", "outside_hours")
        assert row["eligible_route"] == "HEART", row
        assert (row["route"], row["unserved_reason"]) == expected, row
        assert (row["rule"], row["priority"]) == ("R8-community", R8_PRIORITY.get(code, "P2")), row
    assert not {r["route"] for r in rows} & {"FIRE", "EMS"}
    print("durham eligible route shares %:", shares(rows, "eligible_route"))
    print("durham route shares %:", shares(rows, "route"))


def test_it_routes_every_san_diego_call_by_its_family(tmp_path):
    rows, summary = replay("san_diego_calls_excerpt", tmp_path, "--tz", "America/Los_Angeles")

    assert len(rows) == 1000
    assert "rows: 1000, routed: 1000, errors: 0" in summary
    assert "read in America/Los_Angeles" in summary
    families = dict(CallType.objects.values_list("code", "family"))
    family_of = {
        m.external_label.upper(): families[m.call_type_id]
        for m in CallTypeMapping.objects.filter(source="san_diego")
    }
    by_family: Counter[str] = Counter()
    for row in rows:
        assert row["error"] == "" and row["ruleset_version"] == "2", row
        family = family_of[row["call_type"].strip().upper()]
        by_family[family] += 1
        eligible, route = row["eligible_route"], row["route"]
        if family == "behavioral":
            # Unanswered behavioral calls are the department's; off duty, they fall back.
            assert (eligible, row["rule"]) == ("HEART", "R8-community"), row
            assert route in {"HEART", "CO_RESPONSE", "POLICE"}, row
            assert (route != eligible) == (row["unserved_reason"] == "outside_hours"), row
        else:
            expected = {"police": "POLICE", "fire": "FIRE", "ems": "EMS"}[family]
            assert eligible == route == expected and row["unserved_reason"] == "", row
    # tests/fixtures/README.md: 193 of the sampled calls carry a behavioral code.
    assert by_family["behavioral"] == 193
    assert sum(r["eligible_route"] in DEPARTMENT for r in rows) == 193
    print("san diego families:", dict(by_family))
    print("san diego eligible route shares %:", shares(rows, "eligible_route"))
    print("san diego route shares %:", shares(rows, "route"))
