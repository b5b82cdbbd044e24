"""Rows that cannot be read go to the rejects file with their physical line number and every
reason; the others go in."""

import csv
from pathlib import Path

import pytest

from dispatch.importer import calls_import, profile_load
from dispatch.models import Call

pytestmark = pytest.mark.django_db

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "import"
HEADER = (FIXTURES / "durham_raw.csv").read_text(encoding="utf-8").splitlines()[0]
GOOD = "2021-01-01 00:41:53,1/1/2021,12:41:53AM,3,CRISIS,411,-78.897254,35.985220,Crisis_7"


def durham_row(
    when: str = "2021-06-01 10:00:00",
    nature: str = "WELFARE CHECK",
    lon: str = "-78.9",
    lat: str = "35.99",
    beat: str = "111",
) -> str:
    return f"{when},6/1/2021,10:00:00AM,3,{nature},{beat},{lon},{lat},WelfareCheck_1"


@pytest.fixture
def quirky(tmp_path) -> Path:
    """Real rows, then hand-made bad ones (line numbers in the comments)."""
    lines = [
        HEADER,  # 1
        GOOD,  # 2
        # 3-4: one call whose last field holds a line break: two physical lines, one row.
        "2021-01-01 00:44:24,1/1/2021,12:44:24AM,3,WELFARE CHECK,513,-78.894956,35.992517,"
        '"Welfare\nCheck_3"',
        "",  # 5: a blank line is not a row
        durham_row(when="2021-02-30 10:00:00"),  # 6
        durham_row(nature="ALIEN ABDUCTION"),  # 7
        durham_row(lat="north"),  # 8
        durham_row(lat=""),  # 9: a longitude without a latitude
        durham_row(lat="135.99"),  # 10
        durham_row(when="yesterday", nature="WELFARE CHECKS", lon="x"),  # 11
        "2021-06-01 10:00:00,6/1/2021,3,CRISIS,111",  # 12: fields missing
        durham_row(when="2021-06-01"),  # 13: a date without a time of day
        durham_row(lat="", lon=""),  # 14: no place at all is fine
        durham_row(beat="B" * 41),  # 15
    ]
    path = tmp_path / "durham_quirky.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def test_it_sets_unreadable_rows_aside_with_line_numbers_and_reasons(quirky):
    summary = calls_import(path=quirky, mapping=profile_load("durham"))

    assert (summary.read, summary.imported, summary.rejected) == (12, 3, 9)
    with open(summary.rejects_file, newline="", encoding="utf-8") as handle:
        rejects = list(csv.reader(handle))
    assert rejects[0] == ["line", "reason", *HEADER.split(",")]
    assert [(row[0], row[1]) for row in rejects[1:]] == [
        (
            "6",
            "received: '2021-02-30 10:00:00' is not an ISO 8601 date-time "
            "(expected e.g. 2026-03-08T14:30:00-05:00)",
        ),
        (
            "7",
            "label: unknown call-type label 'ALIEN ABDUCTION' "
            "(not in mapping source durham, the call type codes)",
        ),
        ("8", "lat/lon: 'north', '-78.9' are not decimal degrees"),
        ("9", "lat/lon: lat is blank but not the other"),
        ("10", "lat/lon: 135.99, -78.9 is not a place on Earth"),
        (
            "11",
            "received: 'yesterday' has no time of day (expected e.g. "
            "2026-03-08T14:30:00-05:00); label: unknown call-type label 'WELFARE CHECKS' "
            "(not in mapping source durham, the call type codes); "
            "lat/lon: '35.99', 'x' are not decimal degrees",
        ),
        ("12", "row has 5 fields but the header has 9"),
        (
            "13",
            "received: '2021-06-01' has no time of day (expected e.g. 2026-03-08T14:30:00-05:00)",
        ),
        ("15", "beat: is longer than 40 characters"),
    ]
    # Each reject keeps the row as read, so that it can be fixed and imported again.
    assert rejects[2][2:] == durham_row(nature="ALIEN ABDUCTION").split(",")


def test_it_imports_the_readable_rows_around_the_rejected_ones(quirky):
    calls_import(path=quirky, mapping=profile_load("durham"))

    calls = Call.objects.filter(source="durham").order_by("received_at")
    assert [(c.external_label, c.lat, c.lon) for c in calls] == [
        ("CRISIS", 35.985220, -78.897254),
        ("WELFARE CHECK", 35.992517, -78.894956),
        ("WELFARE CHECK", None, None),
    ]


def test_it_writes_rejects_where_asked(quirky, tmp_path):
    elsewhere = tmp_path / "out" / "bad rows.csv"
    elsewhere.parent.mkdir()

    summary = calls_import(path=quirky, mapping=profile_load("durham"), rejects_path=elsewhere)

    assert summary.rejects_file == str(elsewhere)
    assert len(elsewhere.read_text(encoding="utf-8").splitlines()) == 1 + 9
    assert not quirky.with_name("durham_quirky.rejects.csv").exists()


def test_it_leaves_no_rejects_file_when_every_row_is_read(tmp_path):
    path = tmp_path / "clean.csv"
    path.write_text(f"{HEADER}\n{GOOD}\n", encoding="utf-8")

    summary = calls_import(path=path, mapping=profile_load("durham"))

    assert (summary.imported, summary.rejected, summary.rejects_file) == (1, 0, "")
    assert not (tmp_path / "clean.rejects.csv").exists()


def test_it_rejects_a_row_that_holds_a_nul_character(tmp_path):
    path = tmp_path / "nul.csv"
    path.write_text(f"{HEADER}\n{GOOD}\n{durham_row(beat='1\x0011')}\n", encoding="utf-8")

    summary = calls_import(path=path, mapping=profile_load("durham"))

    assert (summary.imported, summary.rejected) == (1, 1)
    assert "beat: contains a NUL character" in Path(summary.rejects_file).read_text()
