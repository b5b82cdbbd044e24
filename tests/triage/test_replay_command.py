"""python manage.py triage_replay INPUT.csv OUTPUT.csv [--ruleset VERSION] [--tz ZONE]"""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
from django.core.management import load_command_class

from triage import services
from triage.replay import OUTPUT_COLUMNS

pytestmark = pytest.mark.django_db

HEADER = (
    "id,beat,call_type,received_at,weapon,violence,threats,medical,fire_hazard,"
    "crime_in_progress,self_harm,caller_is_subject,wants_in_person,narrative"
)


def write_csv(path: Path, *rows: str, header: str = HEADER) -> Path:
    path.write_text("\n".join([header, *rows]) + "\n", encoding="utf-8")
    return path


def read_rows(path: Path) -> list[dict[str, str]]:
    with path.open(newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


@pytest.fixture
def run(monkeypatch, capsys):
    """Run the command as manage.py does (argv in, exit status out), keeping the test's
    database connection open: the real command closes connections when it finishes.
    """
    from django.core.management import base

    monkeypatch.setattr(base.connections, "close_all", lambda: None)

    def run(*argv: str) -> tuple[int, str, str]:
        command = load_command_class("triage", "triage_replay")
        try:
            command.run_from_argv(["manage.py", "triage_replay", *map(str, argv)])
            status = 0
        except SystemExit as exit_:
            status = int(exit_.code or 0)
        out, err = capsys.readouterr()
        return status, out, err

    return run


def test_it_writes_the_input_plus_the_triage_columns_and_exits_0(tmp_path, run):
    source = write_csv(
        tmp_path / "in.csv",
        "A1,111,MENTAL_HEALTH,2026-03-10T10:00:00-04:00,no,no,no,,,,,yes,no,caller calm",
        'A2,222,TRESPASS OR UNWANTED,2026-03-10T22:30:00,,,,,,,,,,"asleep, in a doorway"',
        "A3,333,Assault,2026-03-10T12:00:00Z,,yes,,,,,,,,",
        "A4,444,crisis,2026-03-10T12:00:00,,,,,,,plan,,,",
    )
    target = tmp_path / "out.csv"

    status, out, err = run(source, target)

    assert status == 0, err
    lines = target.read_text(encoding="utf-8").splitlines()
    assert lines[0] == HEADER + "," + ",".join(OUTPUT_COLUMNS)
    rows = read_rows(target)
    assert [r["id"] for r in rows] == ["A1", "A2", "A3", "A4"]
    assert [r["narrative"] for r in rows] == ["caller calm", "asleep, in a doorway", "", ""]
    assert [r["beat"] for r in rows] == ["111", "222", "333", "444"]
    assert rows[1]["call_type"] == "TRESPASS OR UNWANTED"  # the input is never rewritten
    triage = [
        (r["eligible_route"], r["route"], r["priority"], r["rule"], r["unserved_reason"])
        for r in rows
    ]
    assert triage == [
        ("CCD", "CCD", "P2", "R7-phone", ""),
        ("HEART", "POLICE", "P3", "R8-community", "outside_hours"),
        ("POLICE", "POLICE", "P1", "R3-danger", ""),
        ("HEART", "HEART", "P1", "R6-suicide-plan", ""),
    ]
    assert {r["ruleset_version"] for r in rows} == {"2"} and {r["error"] for r in rows} == {""}
    assert "rows: 4, routed: 4, errors: 0" in out
    assert "HEART" in out and "25.0%" in out and "POLICE" in out and "50.0%" in out
    assert "eligible but unserved (off duty, went down the fallback chain): 1" in out


def test_it_explains_bad_rows_in_the_error_column_and_exits_1(tmp_path, run):
    source = write_csv(
        tmp_path / "in.csv",
        "B1,1,WELFARE_CHECK,2026-03-10T10:00:00-04:00,,,,,,,,,,",
        "B2,1,MENTAL,2026-03-10T10:00:00-04:00,,,,,,,,,,",
        "B3,1,WELFARE_CHECK,2026-03-10T10:00:00-04:00,maybe,,,,,,,,,",
        "B4,1,WELFARE_CHECK,last tuesday,,,,,,,,,,",
        "B5,1,SPACE ALIENS,not a time,,,,,,,sometimes,,,",
    )
    target = tmp_path / "out.csv"

    status, out, err = run(source, target)

    assert status == 1
    assert "rows: 5, routed: 1, errors: 4" in out
    assert "4 of 5 rows could not be triaged; see the error column" in err
    rows = {r["id"]: r for r in read_rows(target)}
    assert rows["B1"]["route"] == "HEART" and rows["B1"]["error"] == ""
    # "MENTAL" is not a code nor a mapped label: reported, never guessed as MENTAL_HEALTH.
    assert rows["B2"]["error"].startswith("call_type: 'MENTAL'")
    assert "answers.weapon: 'maybe' is not one of yes, no, unknown" in rows["B3"]["error"]
    assert rows["B4"]["error"].startswith("received_at: 'last tuesday'")
    for field in ("call_type:", "received_at:", "answers.self_harm:"):
        assert field in rows["B5"]["error"]
    for bad in ("B2", "B3", "B4", "B5"):
        assert rows[bad]["route"] == rows[bad]["rule"] == rows[bad]["ruleset_version"] == ""


def test_it_replays_with_the_rule_set_version_asked_for(tmp_path, run, supervisor):
    draft = services.ruleset_draft_create(by=supervisor)
    services.ruleset_rule_delete(version=draft.version, rule_id="R7-phone", by=supervisor)
    source = write_csv(
        tmp_path / "in.csv", "C1,1,MENTAL_HEALTH,2026-03-10T10:00:00-04:00,,,,,,,,yes,no,"
    )

    assert run(source, tmp_path / "published.csv")[0] == 0
    status, out, _ = run(source, tmp_path / "draft.csv", "--ruleset", draft.version)

    assert status == 0
    [published] = read_rows(tmp_path / "published.csv")
    [drafted] = read_rows(tmp_path / "draft.csv")
    assert (published["route"], published["rule"], published["ruleset_version"]) == (
        "CCD",
        "R7-phone",
        "2",
    )
    assert (drafted["route"], drafted["rule"], drafted["ruleset_version"]) == (
        "HEART",
        "R8-community",
        str(draft.version),
    )
    assert f"with rule set v{draft.version}" in out


def test_it_reads_naive_times_in_the_zone_given(tmp_path, run):
    # 05:30 wall clock: before HEART's 07:00 start in Durham, but 08:30 Durham time when it
    # is San Diego's 05:30. A time with an offset means the same instant whatever --tz says.
    source = write_csv(
        tmp_path / "in.csv",
        "D1,1,TRESPASS,2026-03-10T05:30:00,,,,,,,,,,",
        "D2,1,TRESPASS,2026-03-10T05:30:00-04:00,,,,,,,,,,",
    )
    assert run(source, tmp_path / "durham.csv")[0] == 0
    status, out, _ = run(source, tmp_path / "sd.csv", "--tz", "America/Los_Angeles")
    assert status == 0
    assert "read in America/Los_Angeles" in out

    durham = [(r["route"], r["unserved_reason"]) for r in read_rows(tmp_path / "durham.csv")]
    san_diego = [(r["route"], r["unserved_reason"]) for r in read_rows(tmp_path / "sd.csv")]
    assert durham == [("POLICE", "outside_hours"), ("POLICE", "outside_hours")]
    assert san_diego == [("HEART", ""), ("POLICE", "outside_hours")]


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        (["--ruleset", "99"], "rule set v99 does not exist (known: v2 (published), v1 (retired))"),
        (["--tz", "Mars/Olympus_Mons"], "--tz: 'Mars/Olympus_Mons' is not a known time zone"),
    ],
)
def test_it_refuses_an_unknown_version_or_zone(tmp_path, run, extra, message):
    source = write_csv(tmp_path / "in.csv", "E1,1,THEFT,2026-03-10T10:00:00,,,,,,,,,,")
    status, _, err = run(source, tmp_path / "out.csv", *extra)
    assert status == 1 and message in err


def test_it_refuses_a_file_without_the_required_columns(tmp_path, run):
    source = write_csv(tmp_path / "in.csv", "1,THEFT", header="id,nature")
    status, _, err = run(source, tmp_path / "out.csv")
    assert status == 1
    assert "lacks required column(s) call_type, received_at" in err


def test_it_refuses_a_missing_input_file(tmp_path, run):
    status, _, err = run(tmp_path / "nowhere.csv", tmp_path / "out.csv")
    assert status == 1 and "nowhere.csv" in err


def test_it_refuses_a_draft_that_does_not_compile(tmp_path, run, supervisor):
    draft = services.ruleset_draft_create(by=supervisor)
    services.ruleset_rule_delete(version=draft.version, rule_id="R8-community", by=supervisor)
    source = write_csv(tmp_path / "in.csv", "F1,1,THEFT,2026-03-10T10:00:00,,,,,,,,,,")
    status, _, err = run(source, tmp_path / "out.csv", "--ruleset", draft.version)
    assert status == 1
    assert f"rule set v{draft.version} cannot be used" in err and "not decided" in err
