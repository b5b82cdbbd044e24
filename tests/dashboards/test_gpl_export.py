"""The call-level export in the Government Performance Lab data dictionary's shape: its
columns (each documented in docs/data-dictionary.md), one row per call, the outcome fields,
and no names, addresses or narratives."""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from access.audit import AuditEntry
from dashboards.gpl_export import GPL_HEADER
from dispatch.models import CallOutcome, FieldEvent, SafetyCheck
from tests.dashboards.conftest import assign, at

pytestmark = pytest.mark.django_db

DOC = Path(__file__).resolve().parents[2] / "docs" / "data-dictionary.md"


def rows_of(response) -> list[dict[str, str]]:
    return rows_in(b"".join(response.streaming_content).decode())


def rows_in(body: str) -> list[dict[str, str]]:
    reader = csv.reader(io.StringIO(body))
    header = next(reader)
    assert header == GPL_HEADER
    return [dict(zip(header, row, strict=True)) for row in reader]


@pytest.fixture
def two_calls(clock, make_call, units, supervisor):
    cleared = make_call(
        at(10, 14), "MENTAL_HEALTH", processing=30, response=510, scene=3600,
        disposition="transported_crisis_center",
    )  # fmt: skip
    cleared.caller_name, cleared.address, cleared.narrative = "Dana Secret", "9 Hidden Ln", "N!"
    cleared.zone, cleared.external_label = "D2", "MENTALLY ILL PERSON"
    cleared.save()
    assign(cleared, units["HEART-1"])
    FieldEvent.objects.create(call=cleared, kind=FieldEvent.Kind.BACKUP_REQUESTED, at=at(10, 15))
    SafetyCheck.objects.create(
        call=cleared, unit=units["HEART-1"], responder=supervisor, safe=True, at=at(10, 15)
    )
    CallOutcome.objects.create(
        call=cleared,
        arrest=False,
        ivc_petitioned=True,
        transport_by="heart",
        transport_to="crisis_center",
        transport_voluntary="involuntary",
        ed_diverted=True,
        age_band="35_44",
        housing_status="unsheltered",
        recorded_at=at(10, 15),
    )
    waiting = make_call(at(12, 9), "ASSAULT", "POLICE", "POLICE")
    make_call(at(1, 9, month=1))  # outside the period
    return cleared, waiting


def test_it_documents_every_column_in_the_data_dictionary():
    section = DOC.read_text().split("## The export", 1)[1].split("\n## ", 1)[0]
    documented = re.findall(r"^\| `([a-z_]+)` \|", section, flags=re.MULTILINE)
    assert documented == GPL_HEADER


def test_it_exports_one_row_per_call_with_outcomes_and_no_identifying_text(
    client_for, supervisor, two_calls
):
    cleared, waiting = two_calls
    response = client_for(supervisor).get("/dashboards/calls-gpl.csv?from=2026-03-01&to=2026-03-20")
    assert response.status_code == 200
    assert response["Cache-Control"] == "no-store"
    text = b"".join(response.streaming_content).decode()
    rows = rows_in(text)
    assert [r["incident_id"] for r in rows] == [str(cleared.pk), str(waiting.pk)]
    first, second = rows
    assert first["initial_call_type"] == "MENTALLY ILL PERSON"
    assert first["final_call_type"] == "MENTAL_HEALTH"
    assert first["call_type_family"] == "behavioral"
    assert first["eligible_for_alternative_response"] == "yes"
    assert (first["units_dispatched"], first["department_unit_dispatched"]) == ("1", "yes")
    assert first["police_unit_dispatched"] == "no"
    assert (first["call_processing_seconds"], first["response_seconds"]) == ("30.0", "510.0")
    # First on scene (the call says 510 s) to the last clearing (30 + 300 + 1800 s).
    assert first["time_on_scene_seconds"] == "1620.0"
    assert (first["police_backup_requested"], first["responder_felt_safe"]) == ("yes", "yes")
    assert (first["arrest"], first["police_use_of_force"]) == ("no", "")
    assert first["involuntary_commitment_petitioned"] == "yes"
    assert (first["transport_by"], first["transport_destination"]) == ("heart", "crisis_center")
    assert (first["transport_voluntary"], first["ed_diverted"]) == ("involuntary", "yes")
    assert (first["age_band"], first["housing_status"], first["gender"]) == (
        "35_44",
        "unsheltered",
        "not_collected",
    )
    assert second["eligible_for_alternative_response"] == "no"
    assert (second["arrest"], second["age_band"], second["units_dispatched"]) == (
        "",
        "not_collected",
        "0",
    )
    for secret in ("Dana Secret", "9 Hidden Ln", "N!"):
        assert secret not in text
    assert AuditEntry.objects.filter(action="dashboards.export").exists()


def test_it_answers_the_same_file_through_the_api_and_names_a_bad_period(
    supervisor, navigator, two_calls
):
    client = APIClient()
    client.force_authenticate(supervisor)
    response = client.get("/api/v1/exports/calls-gpl/", {"from": "2026-03-01", "to": "2026-03-20"})
    assert response.status_code == 200
    assert len(rows_of(response)) == 2
    bad = client.get("/api/v1/exports/calls-gpl/", {"from": "2026-02-30"})
    assert bad.status_code == 400 and "from" in bad.json()
    client.force_authenticate(navigator)
    assert client.get("/api/v1/exports/calls-gpl/").status_code == 403


def test_it_reads_the_export_in_a_constant_number_of_queries(
    client_for, supervisor, two_calls, make_call
):
    client = client_for(supervisor)
    url = "/dashboards/calls-gpl.csv?from=2026-03-01&to=2026-03-20"

    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            rows_of(client.get(url))
        return len(queries)

    count()  # the first request reads the user's permissions; the process keeps them a while
    before = count()
    for day in range(2, 9):
        make_call(at(day, 10))
    assert count() == before
