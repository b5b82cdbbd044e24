"""python manage.py import_calls: the summary, the progress bar, and clear errors."""

import shutil
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from dispatch.models import Call

pytestmark = pytest.mark.django_db

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "import"


class Terminal(StringIO):
    def isatty(self) -> bool:
        return True


@pytest.fixture
def seattle(tmp_path) -> Path:
    return Path(shutil.copy(FIXTURES / "seattle_raw.csv", tmp_path))


@pytest.fixture
def san_diego(tmp_path) -> Path:
    return Path(shutil.copy(FIXTURES / "san_diego_raw.csv", tmp_path))


def test_it_imports_a_file_with_a_profile_and_prints_a_summary(seattle):
    out, err = StringIO(), StringIO()

    call_command("import_calls", str(seattle), "--profile", "seattle", stdout=out, stderr=err)

    lines = out.getvalue().splitlines()
    assert lines[0] == (
        f"Imported {seattle} with profile seattle as source 'seattle' (rule set v2, "
        + ("PostgreSQL COPY)" if "COPY" in lines[0] else "bulk insert)")
    )
    assert lines[1].startswith("read: 353, imported: 353, duplicates: 0, rejected: 0, time: ")
    assert lines[1].endswith(" rows/s)")
    assert err.getvalue() == ""  # no progress bar when stderr is not a terminal
    assert Call.objects.filter(source="seattle").count() == 353


def test_it_says_where_the_rejects_went(san_diego, tmp_path):
    out, err = StringIO(), StringIO()
    rejects = tmp_path / "sd-rejects.csv"

    call_command(
        "import_calls",
        str(san_diego),
        "--profile",
        "san_diego",
        "--rejects",
        str(rejects),
        stdout=out,
        stderr=err,
    )

    assert "read: 305, imported: 300, duplicates: 0, rejected: 5," in out.getvalue()
    assert err.getvalue() == f"5 rows were not imported: see {rejects}\n"
    assert len(rejects.read_text(encoding="utf-8").splitlines()) == 6


def test_it_counts_duplicates_on_a_second_run(seattle):
    call_command("import_calls", str(seattle), "--profile", "seattle", stdout=StringIO())
    out = StringIO()

    call_command("import_calls", str(seattle), "--profile", "seattle", stdout=out)

    assert "read: 353, imported: 0, duplicates: 353, rejected: 0," in out.getvalue()


def test_it_draws_a_progress_bar_on_a_terminal(seattle):
    err = Terminal()

    call_command(
        "import_calls", str(seattle), "--profile", "seattle", stdout=StringIO(), stderr=err
    )

    assert "\r[" + "#" * 30 + "] 100%  353 rows" in err.getvalue()
    assert err.getvalue().endswith("storing the calls\n")


def test_it_imports_with_a_mapping_file(seattle, tmp_path):
    mapping = tmp_path / "seattle-initial-only.toml"
    mapping.write_text(
        'source = "seattle-test"\nlabels_from = "seattle"\n'
        '[time]\nformat = "%m/%d/%Y %I:%M:%S %p"\nzone = "America/Los_Angeles"\n'
        '[columns]\nid = "CAD Event Number"\nreceived = "Event Clearance Date"\n'
        'label = "Initial Type Description"\n',
        encoding="utf-8",
    )
    out = StringIO()

    call_command("import_calls", str(seattle), "--mapping", str(mapping), stdout=out)

    assert f"with mapping file {mapping} as source 'seattle-test'" in out.getvalue()
    assert Call.objects.filter(source="seattle-test").count() == 353


def test_it_fails_clearly_for_a_missing_file(tmp_path):
    missing = tmp_path / "nowhere.csv"

    with pytest.raises(CommandError, match=f"{missing} does not exist or is not a file"):
        call_command("import_calls", str(missing), "--profile", "durham")


def test_it_fails_clearly_for_an_unknown_profile(seattle):
    with pytest.raises(
        CommandError, match=r"unknown profile 'boston' \(known: durham, san_diego, seattle\)"
    ):
        call_command("import_calls", str(seattle), "--profile", "boston")


def test_it_names_the_key_of_a_malformed_mapping_file(seattle, tmp_path):
    mapping = tmp_path / "bad.toml"
    mapping.write_text(
        'source = "x"\n[time]\nzone = "America/Los_Angeles"\n'
        '[columns]\nid = "CAD Event Number"\nreceived = ["At Scene Time"]\nlabel = 7\n',
        encoding="utf-8",
    )

    with pytest.raises(CommandError, match=r"bad\.toml: columns\.label: expected a column name"):
        call_command("import_calls", str(seattle), "--mapping", str(mapping))


def test_it_fails_clearly_for_a_missing_mapping_file(seattle, tmp_path):
    with pytest.raises(CommandError, match=r"mapping file .*none\.toml does not exist"):
        call_command("import_calls", str(seattle), "--mapping", str(tmp_path / "none.toml"))


def test_it_needs_a_profile_or_a_mapping_file(seattle):
    with pytest.raises(CommandError, match="one of the arguments --profile --mapping is required"):
        call_command("import_calls", str(seattle))


def test_it_fails_clearly_for_an_empty_file(tmp_path):
    empty = tmp_path / "empty.csv"
    empty.write_text("", encoding="utf-8")

    with pytest.raises(CommandError, match="empty.csv is empty: expected a header row"):
        call_command("import_calls", str(empty), "--profile", "durham")


def test_it_fails_clearly_for_a_file_in_another_encoding(tmp_path):
    latin = tmp_path / "latin1.csv"
    header = (FIXTURES / "durham_raw.csv").read_text(encoding="utf-8").splitlines()[0]
    row = "2021-01-01 00:41:53,1/1/2021,12:41:53AM,3,CRISIS,411,-78.89,35.98,Caf\xe9"
    latin.write_bytes(f"{header}\n{row}\n".encode("latin-1"))

    with pytest.raises(CommandError, match="is not utf-8 text .*set encoding in the mapping"):
        call_command("import_calls", str(latin), "--profile", "durham", stdout=StringIO())
    assert not Call.objects.exists()
