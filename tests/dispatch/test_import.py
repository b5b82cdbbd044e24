"""The historical CAD import: the three shipped profiles on real excerpts, re-imports, rejects,
the audit entry, and the PostgreSQL COPY path against the portable one."""

import csv
import shutil
from datetime import UTC, datetime
from pathlib import Path

import pytest
from django.db import connection

from access.models import AuditEntry
from dispatch.importer import ImportFailed, calls_import, profile_load
from dispatch.models import Call, TriageRecord
from triage.engine import evaluate
from triage.selectors import engine_get

pytestmark = pytest.mark.django_db

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "import"
EXCERPTS = {
    "durham": "durham_raw.csv",
    "san_diego": "san_diego_raw.csv",
    "seattle": "seattle_raw.csv",
}
# Every column of a call but its primary key.
CALL_FIELDS = [f.attname for f in Call._meta.concrete_fields if f.attname != "id"]


@pytest.fixture
def excerpt(tmp_path):
    """A copy of a fixture in a temporary folder, so that its rejects file lands there."""

    def copy(profile: str) -> Path:
        return Path(shutil.copy(FIXTURES / EXCERPTS[profile], tmp_path))

    return copy


def run(path, profile, **options):
    return calls_import(path=path, mapping=profile_load(profile), **options)


def rows_of(path: Path) -> list[list[str]]:
    with path.open(newline="", encoding="utf-8") as handle:
        return list(csv.reader(handle))


def utc(*parts: int) -> datetime:
    return datetime(*parts, tzinfo=UTC)


def test_it_imports_the_durham_excerpt_as_closed_triaged_calls(excerpt):
    summary = run(excerpt("durham"), "durham")

    assert (summary.read, summary.imported, summary.duplicates, summary.rejected) == (
        315,
        315,
        0,
        0,
    )
    assert summary.rejects_file == ""
    calls = Call.objects.filter(source="durham")
    assert calls.count() == 315
    assert not calls.exclude(status="closed").exists()
    first = calls.order_by("received_at").first()
    assert first is not None
    # 2021-01-01 00:41:53 in Durham (EST), a CRISIS call in beat 411, priority 3.
    assert first.received_at == utc(2021, 1, 1, 5, 41, 53)
    assert first.created_at == first.triaged_at == first.received_at
    assert (first.call_type_id, first.external_label) == ("MENTAL_HEALTH", "CRISIS")
    assert (first.zone, first.source_priority, first.source_disposition) == ("411", "3", "")
    assert (first.lat, first.lon) == (35.985220, -78.897254)
    assert first.closed_at is None and first.first_on_scene_at is None
    assert first.disposition == "" and first.answers == {}
    # At 00:41 HEART and co-response are off duty: the call falls back to the police.
    assert (first.eligible_route, first.route, first.priority, first.unserved_reason) == (
        "HEART",
        "POLICE",
        "P2",
        "outside_hours",
    )
    assert (first.rule, first.ruleset_version) == ("R8-community", 2)
    assert first.explanation.endswith("HEART, CO_RESPONSE off duty at 00:41: POLICE")
    assert len(first.external_id or "") == 32


def test_it_reads_naive_times_across_daylight_saving_changes(excerpt):
    run(excerpt("durham"), "durham")

    received = set(Call.objects.filter(source="durham").values_list("received_at", flat=True))
    # Clocks sprang forward at 02:00 on 2021-03-14: 03:14:54 is daylight time (UTC-4).
    assert utc(2021, 3, 14, 7, 14, 54) in received
    # 01:48:51 on 2021-11-07 happened twice; like the live intake, the first (UTC-4) is taken.
    assert utc(2021, 11, 7, 5, 48, 51) in received
    assert utc(2021, 11, 7, 5, 58, 34) in received


def test_it_triages_every_call_as_the_engine_does_at_its_time(excerpt):
    run(excerpt("san_diego"), "san_diego")

    engine = engine_get()
    for call in Call.objects.filter(source="san_diego"):
        result = evaluate(
            engine.ruleset,
            engine.coverage,
            call_type=call.call_type_id,
            answers={},
            received_at=call.received_at,
        )
        assert (
            call.eligible_route,
            call.route,
            call.priority,
            call.rule,
            call.ruleset_version,
            call.unserved_reason,
            call.explanation,
        ) == (
            result.eligible_route,
            result.route,
            result.priority,
            result.rule,
            result.ruleset_version,
            result.unserved_reason or "",
            result.explanation,
        )


def test_it_imports_the_san_diego_excerpt_and_rejects_its_blank_codes(excerpt):
    path = excerpt("san_diego")
    summary = run(path, "san_diego")

    assert (summary.read, summary.imported, summary.rejected) == (305, 300, 5)
    call = Call.objects.get(source="san_diego", external_id="E23010000001")
    # "2023-01-01 00:00:05" in San Diego (PST, UTC-8); FD = flag down / field initiated.
    assert call.received_at == utc(2023, 1, 1, 8, 0, 5)
    assert (call.external_label, call.call_type_id) == ("FD", "OTHER_POLICE")
    assert (call.address, call.zone) == ("0 05TH AVE", "523")
    assert (call.source_priority, call.source_disposition) == ("2", "CAN")
    assert (call.lat, call.lon) == (None, None)
    # 1016P is missing from the city's own code table but is in the mapping.
    assert Call.objects.get(source="san_diego", external_label="1016P").call_type_id == (
        "OTHER_POLICE"
    )
    # The city's "-1" means no beat.
    assert Call.objects.filter(source="san_diego", zone="").count() == 5
    assert Call.objects.filter(source="san_diego", zone="-1").count() == 0
    assert Call.objects.filter(source="san_diego", source_disposition="").count() == 3

    rejects = rows_of(Path(summary.rejects_file))
    assert Path(summary.rejects_file) == path.with_name("san_diego_raw.rejects.csv")
    assert rejects[0][:3] == ["line", "reason", "incident_num"]
    assert [(row[0], row[1], row[2]) for row in rejects[1:]] == [
        ("35", "label: is blank", "E23010002860"),
        ("53", "label: is blank", "E23010004442"),
        ("56", "label: is blank", "E23010004602"),
        ("58", "label: is blank", "E23010004659"),
        ("60", "label: is blank", "E23010004794"),
    ]


def test_it_takes_the_earliest_seattle_time_as_received(excerpt):
    summary = run(excerpt("seattle"), "seattle")

    assert (summary.read, summary.imported, summary.rejected) == (353, 353, 0)
    # At Scene Time 10:25:51 PM, cleared 11:58:30 PM (PDT, UTC-7).
    arrived = Call.objects.get(source="seattle", external_id="16000104006")
    assert arrived.received_at == utc(2016, 3, 26, 5, 25, 51)
    assert arrived.closed_at == utc(2016, 3, 26, 6, 58, 30)
    assert (arrived.call_type_id, arrived.source_disposition) == ("THEFT", "063")
    assert (arrived.address, arrived.zone) == ("S KING ST / 8 AV S", "K3")
    assert (arrived.lat, arrived.lon) == (47.598347, -122.32245)
    # The arrival stands in for the received time, so it is no response time as well.
    assert arrived.first_on_scene_at is None
    # No unit on scene: the clearance is the only time the file has.
    cleared = Call.objects.get(source="seattle", external_id="16000104108")
    assert cleared.received_at == cleared.closed_at == utc(2016, 3, 26, 6, 54, 19)
    assert not Call.objects.filter(source="seattle", first_on_scene_at__isnull=False).exists()


def test_it_adds_nothing_when_the_same_file_is_imported_again(excerpt):
    path = excerpt("san_diego")
    run(path, "san_diego")
    stored = set(Call.objects.values_list("pk", "updated_at"))

    again = run(path, "san_diego")

    assert (again.read, again.imported, again.duplicates, again.rejected) == (305, 0, 300, 5)
    assert set(Call.objects.values_list("pk", "updated_at")) == stored


def test_it_derives_the_same_durham_ids_on_every_import(excerpt, tmp_path):
    path = excerpt("durham")
    run(path, "durham")
    first = set(Call.objects.filter(source="durham").values_list("external_id", flat=True))
    Call.objects.filter(source="durham").delete()
    # The same calls in another order, in another file: the same ids.
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    shuffled = tmp_path / "durham_reversed.csv"
    shuffled.write_text(lines[0] + "".join(reversed(lines[1:])), encoding="utf-8")

    run(shuffled, "durham")

    again = set(Call.objects.filter(source="durham").values_list("external_id", flat=True))
    assert again == first and len(first) == 315


def test_it_counts_a_call_repeated_in_the_file_as_a_duplicate(excerpt, tmp_path):
    lines = (FIXTURES / "seattle_raw.csv").read_text(encoding="utf-8").splitlines(True)
    repeated = tmp_path / "seattle_repeated.csv"
    repeated.write_text("".join([*lines, lines[1], lines[2]]), encoding="utf-8")

    summary = run(repeated, "seattle")

    assert (summary.read, summary.imported, summary.duplicates) == (355, 353, 2)


def test_it_skips_repeats_in_the_same_chunk_and_across_chunks(excerpt, tmp_path, monkeypatch):
    from dispatch.importer import postgres

    # Chunks of 4 lines (on PostgreSQL's COPY path; SQLite's portable path has no chunks):
    # line 2 repeats line 1 within a chunk, the last lines repeat the first two in later
    # chunks. The first of each wins and keeps its place in the file.
    monkeypatch.setattr(postgres, "WRITE_LINES", 2)
    monkeypatch.setattr(postgres, "CHUNK_LINES", 4)
    lines = (FIXTURES / "seattle_raw.csv").read_text(encoding="utf-8").splitlines(True)
    repeated = tmp_path / "seattle_repeated.csv"
    repeated.write_text("".join([lines[0], lines[1], lines[1], *lines[2:], lines[1], lines[2]]))

    summary = run(repeated, "seattle")

    assert (summary.read, summary.imported, summary.duplicates) == (356, 353, 3)
    ids = list(
        Call.objects.filter(source="seattle").order_by("pk").values_list("external_id", flat=True)
    )
    in_file = [row[1] for row in csv.reader(lines[1:])]  # "CAD Event Number"
    assert ids == list(dict.fromkeys(in_file))


def test_it_records_one_audit_entry_per_import(excerpt):
    path = excerpt("san_diego")
    run(path, "san_diego")
    run(path, "san_diego")

    entries = AuditEntry.objects.filter(action="calls.import").order_by("id")
    assert entries.count() == 2
    detail = entries.last().detail  # type: ignore[union-attr]
    assert detail["file"] == "san_diego_raw.csv"
    assert detail["mapping"] == "profile san_diego"
    assert detail["source"] == "san_diego"
    assert (detail["read"], detail["imported"], detail["duplicates"], detail["rejected"]) == (
        305,
        0,
        300,
        5,
    )
    assert detail["rejects_file"].endswith("san_diego_raw.rejects.csv")


def test_it_keeps_the_triage_on_the_call_without_triage_records(excerpt):
    run(excerpt("seattle"), "seattle")

    assert Call.objects.filter(source="seattle").exclude(route="").count() == 353
    assert not TriageRecord.objects.exists()


def test_it_reports_progress_as_it_reads(excerpt):
    seen = []

    run(excerpt("durham"), "durham", progress=lambda rows, fraction: seen.append((rows, fraction)))

    assert seen[-1] == (315, 1.0)


@pytest.mark.parametrize("profile", sorted(EXCERPTS))
def test_it_stores_the_same_calls_with_copy_as_with_bulk_create(excerpt, time_machine, profile):
    time_machine.move_to(datetime(2026, 3, 10, 14, 0, tzinfo=UTC), tick=False)
    path = excerpt(profile)
    if connection.vendor != "postgresql":
        # COPY is PostgreSQL's; elsewhere asking for it is an error, not a silent fallback.
        assert connection.vendor == "sqlite"
        with pytest.raises(ImportFailed, match="needs PostgreSQL"):
            run(path, profile, method="copy")
        return

    copied = run(path, profile, method="copy")
    by_copy = list(Call.objects.filter(source=profile).order_by("id").values_list(*CALL_FIELDS))
    Call.objects.filter(source=profile).delete()
    inserted = run(path, profile, method="portable")
    by_orm = list(Call.objects.filter(source=profile).order_by("id").values_list(*CALL_FIELDS))

    assert (copied.imported, copied.rejected) == (inserted.imported, inserted.rejected)
    assert len(by_copy) == copied.imported > 0
    assert by_copy == by_orm
