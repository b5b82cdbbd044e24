"""Replaying past calls from CSV: results, row errors, pass-through columns."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest

from triage.default_policy import default_coverage, default_ruleset
from triage.replay import OUTPUT_COLUMNS, ReplayError, ReplaySummary, copy_csv, replay_csv

RULES = default_ruleset()
COVERAGE = default_coverage()
LABELS = {"MENTALLY ILL PERSON": "MENTAL_HEALTH", " Check Welfare ": "welfare_check"}


def replay(
    text: str, labels: dict[str, str] | None = None
) -> tuple[list[dict[str, str]], ReplaySummary]:
    out = io.StringIO()
    summary = replay_csv(
        io.StringIO(text),
        out,
        compiled=RULES,
        coverage=COVERAGE,
        label_map=LABELS if labels is None else labels,
        tz="America/New_York",
    )
    out.seek(0)
    return list(csv.DictReader(out)), summary


def results(row: dict[str, str]) -> tuple[str, ...]:
    return tuple(row[name] for name in OUTPUT_COLUMNS)


GOOD = """\
id,zone,call_type,received_at,weapon,violence,threats,medical,fire_hazard,crime_in_progress,self_harm,caller_is_subject,wants_in_person,narrative
1,Z1,WELFARE_CHECK,2026-05-04T10:00:00-04:00,no,no,,,,,,,,"asleep in a doorway, \"\"fine\"\""
2,Z2,mentally ill person,2026-05-04T20:15:00-04:00,unknown,no,,,,,,,,
3,Z3,  check welfare ,2026-05-04 23:30:00,no,no,,,,,,yes,no,
4,Z4,THEFT,2026-05-05T02:00:00Z,,,,,,,,,,
5,Z5,Unconscious,2026-05-04T10:00:00-04:00,,yes,,,,,,,,
"""


def test_it_replays_good_rows_with_their_routes() -> None:
    rows, summary = replay(GOOD)
    assert summary == ReplaySummary(rows=5, routed=5, errors=0)
    assert [results(row) for row in rows] == [
        ("HEART", "HEART", "P2", "R8-community", "1", "", ""),
        ("CO_RESPONSE", "CO_RESPONSE", "P2", "R5-elevated-risk", "1", "", ""),
        ("CCD", "CCD", "P2", "R7-phone", "1", "", ""),
        ("POLICE", "POLICE", "P3", "R4-police-type", "1", "", ""),
        ("EMS", "EMS", "P1", "R2-medical", "1", "", ""),
    ]


def test_it_passes_other_columns_through_unchanged_and_in_order() -> None:
    out = io.StringIO()
    replay_csv(
        io.StringIO(GOOD),
        out,
        compiled=RULES,
        coverage=COVERAGE,
        label_map=LABELS,
        tz="America/New_York",
    )
    written = list(csv.reader(io.StringIO(out.getvalue())))
    given = list(csv.reader(io.StringIO(GOOD)))
    assert written[0] == [*given[0], *OUTPUT_COLUMNS]
    for before, after in zip(given[1:], written[1:], strict=True):
        assert after[: len(before)] == before
    assert written[1][13] == 'asleep in a doorway, "fine"'


def test_it_falls_back_outside_hours() -> None:
    rows, _ = replay(
        "id,call_type,received_at,weapon,violence\n"
        "1,WELFARE_CHECK,2026-05-04T20:00:00-04:00,no,no\n"
        "2,WELFARE_CHECK,2026-05-04T22:00:00,no,no\n"
    )
    assert results(rows[0]) == (
        "HEART",
        "CO_RESPONSE",
        "P2",
        "R8-community",
        "1",
        "outside_hours",
        "",
    )
    assert results(rows[1])[:2] == ("HEART", "POLICE")


def test_it_reads_missing_answer_columns_as_not_asked() -> None:
    rows, summary = replay("id,call_type,received_at\n7,SUICIDE_THREAT,2026-05-04T10:00:00-04:00\n")
    assert summary.routed == 1
    assert results(rows[0]) == ("HEART", "HEART", "P1", "R8-community", "1", "", "")


def test_it_reports_bad_rows_by_field_and_goes_on() -> None:
    rows, summary = replay(
        "id,call_type,received_at,weapon,violence\n"
        "1,UFO SIGHTING,2026-05-04T10:00:00-04:00,no,no\n"
        "2,WELFARE_CHECK,yesterday,no,no\n"
        "3,WELFARE_CHECK,2026-05-04T10:00:00-04:00,maybe,no\n"
        "4,WELFARE_CHECK,2026-05-04T10:00:00-04:00,no,no\n"
        "5,WELFARE_CHECK,2026-02-30T10:00:00-04:00,no,no\n"
    )
    assert summary == ReplaySummary(rows=5, routed=1, errors=4)
    errors = [row["error"] for row in rows]
    assert (
        errors[0] == "call_type: 'UFO SIGHTING' is neither a call type code nor a mapped CAD label"
    )
    assert (
        errors[1]
        == "received_at: 'yesterday' has no time of day (expected e.g. 2026-03-08T14:30:00-05:00)"
    )
    assert errors[2] == "answers.weapon: 'maybe' is not one of yes, no, unknown"
    assert errors[3] == ""
    assert errors[4].startswith("received_at: '2026-02-30T10:00:00-04:00' is not an ISO 8601")
    for row in (rows[0], rows[1], rows[2], rows[4]):
        assert results(row)[:-1] == ("",) * 6
    assert results(rows[3])[:4] == ("HEART", "HEART", "P2", "R8-community")


def test_it_lists_every_problem_of_a_row() -> None:
    rows, _ = replay("id,call_type,received_at,weapon,self_harm\n1,UFO,noon,maybe,perhaps\n")
    assert rows[0]["error"] == (
        "call_type: 'UFO' is neither a call type code nor a mapped CAD label; "
        "received_at: 'noon' has no time of day (expected e.g. 2026-03-08T14:30:00-05:00); "
        "answers.weapon: 'maybe' is not one of yes, no, unknown; "
        "answers.self_harm: 'perhaps' is not one of none, thoughts, plan, attempt, unknown"
    )


def test_it_reports_a_label_mapped_to_an_unknown_code() -> None:
    rows, _ = replay(
        "id,call_type,received_at\n1,SPACE,2026-05-04T10:00:00Z\n", labels={"space": "ALIENS"}
    )
    assert (
        rows[0]["error"]
        == "call_type: label 'SPACE' maps to 'ALIENS', which is not a known call type"
    )


def test_it_reports_a_row_of_the_wrong_width() -> None:
    rows, summary = replay("id,call_type,received_at,note\n1,THEFT,2026-05-04T10:00:00Z\n")
    assert summary.errors == 1
    assert rows[0]["id"] == "1" and rows[0]["note"] == ""
    assert rows[0]["error"] == "row has 3 fields but the header has 4"


def test_it_refuses_a_header_without_the_required_columns() -> None:
    with pytest.raises(ReplayError, match="lacks required column.* received_at"):
        replay("id,call_type,when\n1,THEFT,2026-05-04T10:00:00Z\n")
    with pytest.raises(ReplayError, match="empty"):
        replay("")


def test_it_refuses_input_columns_named_like_outputs() -> None:
    with pytest.raises(ReplayError, match="already has output column.* priority"):
        replay("id,call_type,received_at,priority\n1,THEFT,2026-05-04T10:00:00Z,1\n")


def test_it_matches_header_names_loosely_and_skips_blank_lines() -> None:
    rows, summary = replay(
        "\ufeffID , Call_Type,Received_At,WEAPON\n\n1,THEFT,2026-05-04T10:00:00Z,\n\n"
    )
    assert summary.rows == 1
    assert results(rows[0])[3] == "R4-police-type"


def test_it_reads_and_writes_files_by_path(tmp_path: Path) -> None:
    source = tmp_path / "calls.csv"
    source.write_text("\ufeff" + GOOD, encoding="utf-8")
    target = tmp_path / "replayed.csv"
    summary = replay_csv(
        source,
        target,
        compiled=RULES,
        coverage=COVERAGE,
        label_map=LABELS,
        tz="America/New_York",
    )
    assert summary.routed == 5
    header = target.read_text(encoding="utf-8").splitlines()[0]
    assert header.startswith("id,zone,call_type")


def test_it_copies_a_csv_with_blank_output_columns_as_the_baseline() -> None:
    out = io.StringIO()
    assert copy_csv(io.StringIO(GOOD), out) == 5
    written = list(csv.reader(io.StringIO(out.getvalue())))
    assert written[0][-len(OUTPUT_COLUMNS) :] == list(OUTPUT_COLUMNS)
    assert all(row[-len(OUTPUT_COLUMNS) :] == [""] * len(OUTPUT_COLUMNS) for row in written[1:])


def test_it_wraps_the_week_for_offsets_off_the_hour() -> None:
    # 09:00+05:30 is Sunday 23:30 in New York, so 09:45+05:30 is Monday 00:15.
    rows, summary = replay(
        "id,call_type,received_at,caller_is_subject,weapon,violence\n"
        "1,MENTAL_HEALTH,2026-05-11T09:05:00+05:30,yes,no,no\n"
        "2,MENTAL_HEALTH,2026-05-11T09:45:00+05:30,yes,no,no\n"
        "3,WELFARE_CHECK,2026-05-11T17:15:00+05:30,,no,no\n"
    )
    assert summary.errors == 0
    assert [results(row)[:3] for row in rows] == [
        ("CCD", "CCD", "P2"),
        ("CCD", "CCD", "P2"),
        ("HEART", "HEART", "P2"),  # 07:45 in New York
    ]
