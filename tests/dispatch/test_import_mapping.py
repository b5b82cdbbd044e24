"""Mapping files for cities without a profile, label mappings, and time parsing."""

import csv
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from dispatch.importer import MappingError, calls_import, mapping_load, profile_load
from dispatch.importer.rows import TimeReader
from dispatch.models import Call
from triage.default_policy import default_coverage

SPRINGFIELD_CSV = (
    "Incident,Opened,Type,Pri,Street No,Street,Sector,Y,X,Outcome,Dispatched,Arrived,Closed\n"
    "SPR-1,14.03.2026 10:05,WELLNESS,2,12,MAIN ST,N1,44.05,-123.09,RESOLVED,"
    "14.03.2026 10:07,14.03.2026 10:20,14.03.2026 11:00\n"
    "SPR-2,14.03.2026 23:30,Mental,1,,HIGH ST,N2,,,,14.03.2026 23:31,,15.03.2026 00:10\n"
    "SPR-3,15.03.2026 02:00,SOMETHING ODD,3,5,ELM ST,S1,44.0,-123.1,GOA,,,\n"
    "SPR-4,15.03.2026 03:00,WELLNESS,3,5,ELM ST,S1,44.0,-123.1,GOA,,15.03.2026 02:50,\n"
)
SPRINGFIELD_TOML = """\
source = "springfield"
description = "A city without a profile"

[time]
format = "%d.%m.%Y %H:%M"
zone = "America/Los_Angeles"

[columns]
id = "Incident"
received = "Opened"
label = "Type"
priority = "Pri"
address = ["Street No", "Street"]
beat = "Sector"
lat = "Y"
lon = "X"
disposition = "Outcome"
dispatched = "Dispatched"
on_scene = "Arrived"
cleared = "Closed"

[labels]
WELLNESS = "WELFARE_CHECK"
MENTAL = "MENTAL_HEALTH"
"""


@pytest.fixture
def springfield(tmp_path) -> tuple[Path, Path]:
    data = tmp_path / "springfield.csv"
    data.write_text(SPRINGFIELD_CSV, encoding="utf-8")
    mapping = tmp_path / "springfield.toml"
    mapping.write_text(SPRINGFIELD_TOML, encoding="utf-8")
    return data, mapping


def write_mapping(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "city.toml"
    path.write_text(text, encoding="utf-8")
    return path


def rejects_of(summary) -> list[list[str]]:
    with open(summary.rejects_file, newline="", encoding="utf-8") as handle:
        return list(csv.reader(handle))


def pdt(*parts: int) -> datetime:
    return datetime(*parts, tzinfo=ZoneInfo("America/Los_Angeles"))


@pytest.mark.django_db
def test_it_imports_a_city_with_a_custom_mapping_file(springfield):
    data, mapping = springfield

    summary = calls_import(path=data, mapping=mapping_load(mapping))

    assert (summary.read, summary.imported, summary.rejected) == (4, 2, 2)
    assert summary.mapping == f"mapping file {mapping}"
    first = Call.objects.get(source="springfield", external_id="SPR-1")
    assert first.received_at == pdt(2026, 3, 14, 10, 5)
    assert first.first_dispatched_at == pdt(2026, 3, 14, 10, 7)
    assert first.first_on_scene_at == pdt(2026, 3, 14, 10, 20)
    assert first.closed_at == pdt(2026, 3, 14, 11, 0)
    assert (first.call_type_id, first.external_label) == ("WELFARE_CHECK", "WELLNESS")
    assert (first.address, first.zone, first.lat, first.lon) == ("12 MAIN ST", "N1", 44.05, -123.09)
    assert (first.source_priority, first.source_disposition) == ("2", "RESOLVED")
    # Labels match trimmed and in any case; absent parts of an address are left out.
    second = Call.objects.get(source="springfield", external_id="SPR-2")
    assert (second.call_type_id, second.address, second.lat) == ("MENTAL_HEALTH", "HIGH ST", None)
    assert second.first_on_scene_at is None
    assert second.closed_at == pdt(2026, 3, 15, 0, 10)


@pytest.mark.django_db
def test_it_rejects_an_unknown_label_instead_of_guessing(springfield):
    data, mapping = springfield

    summary = calls_import(path=data, mapping=mapping_load(mapping))

    line, reason, *_ = rejects_of(summary)[1]
    assert line == "4"
    assert reason == (
        f"label: unknown call-type label 'SOMETHING ODD' (not in the [labels] of mapping file "
        f"{mapping}, the call type codes)"
    )
    assert not Call.objects.filter(external_label="SOMETHING ODD").exists()


@pytest.mark.django_db
def test_it_rejects_an_arrival_before_the_call(springfield):
    data, mapping = springfield

    summary = calls_import(path=data, mapping=mapping_load(mapping))

    assert rejects_of(summary)[2][:2] == [
        "5",
        "on_scene: '15.03.2026 02:50' is before the received time '15.03.2026 03:00'",
    ]


@pytest.mark.django_db
def test_it_takes_labels_from_the_mapping_table_and_inline_ones_over_them(tmp_path):
    data = tmp_path / "durham_like.csv"
    data.write_text(
        "when,nature\n2021-06-01 10:00:00,CRISIS\n2021-06-01 11:00:00,WELFARE CHECK\n",
        encoding="utf-8",
    )
    mapping = write_mapping(
        tmp_path,
        'source = "durham-like"\nlabels_from = "durham"\n'
        '[time]\nzone = "America/New_York"\n'
        '[columns]\nid_from = ["when", "nature"]\nreceived = "when"\nlabel = "nature"\n'
        '[labels]\n"welfare check" = "ASSIST_PERSON"\n',
    )

    calls_import(path=data, mapping=mapping_load(mapping))

    assert sorted(Call.objects.values_list("external_label", "call_type_id")) == [
        ("CRISIS", "MENTAL_HEALTH"),
        ("WELFARE CHECK", "ASSIST_PERSON"),
    ]


@pytest.mark.django_db
def test_it_refuses_an_inline_label_for_a_call_type_that_does_not_exist(springfield):
    data, mapping = springfield
    mapping.write_text(SPRINGFIELD_TOML.replace('"WELFARE_CHECK"', '"WELLBEING"'))

    with pytest.raises(MappingError, match=r'labels\."WELLNESS": \'WELLBEING\' is not a call'):
        calls_import(path=data, mapping=mapping_load(mapping))


@pytest.mark.django_db
def test_it_refuses_labels_from_a_source_with_no_mappings(springfield):
    data, mapping = springfield
    mapping.write_text('labels_from = "springfield"\n' + SPRINGFIELD_TOML)

    with pytest.raises(MappingError, match="labels_from: no call-type mapping has source"):
        calls_import(path=data, mapping=mapping_load(mapping))


@pytest.mark.django_db
def test_it_names_the_key_of_a_column_missing_from_the_file(springfield):
    data, mapping = springfield
    mapping.write_text(SPRINGFIELD_TOML.replace('label = "Type"', 'label = "Kind"'))

    with pytest.raises(MappingError, match="columns.label: column 'Kind' is not in the file"):
        calls_import(path=data, mapping=mapping_load(mapping))


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (("[columns]", "[columns]\nadress = 'Street'"), "unknown key columns.adress"),
        (('lat = "Y"', "lat = 3"), "columns.lat: expected a column name, got 3"),
        (('lon = "X"', ""), "columns.lon is required with columns.lat"),
        (('zone = "America/Los_Angeles"', ""), "time.zone is required"),
        (("America/Los_Angeles", "Mars/Olympus"), "time.zone: 'Mars/Olympus' is not an IANA"),
        (('format = "%d.%m.%Y %H:%M"', 'format = "dd.mm.yyyy"'), "time.format: 'dd.mm.yyyy'"),
        (('id = "Incident"', 'id = "Incident"\nid_from = ["Type"]'), "exactly one of columns.id"),
        (('received = "Opened"', ""), "columns.received is required"),
        (('source = "springfield"', "source = ''"), "source is blank"),
        (('WELLNESS = "WELFARE_CHECK"', "WELLNESS = 1"), 'labels."WELLNESS": expected a call'),
        (("[columns]", "[columns]\nbeat = 'Sector'"), "not valid TOML"),
    ],
)
def test_it_names_what_is_wrong_in_a_malformed_mapping_file(tmp_path, change, message):
    old, new = change
    path = write_mapping(tmp_path, SPRINGFIELD_TOML.replace(old, new))

    with pytest.raises(MappingError, match=message) as caught:
        mapping_load(path)
    assert str(caught.value).startswith(f"mapping file {path}")


def test_it_says_which_profiles_exist():
    with pytest.raises(MappingError, match=r"unknown profile 'boston' \(known: durham, san_d"):
        profile_load("boston")
    with pytest.raises(MappingError, match="unknown profile '../durham'"):
        profile_load("../durham")


def test_it_ships_a_profile_for_each_city_in_the_shared_data():
    durham, san_diego, seattle = (profile_load(n) for n in ("durham", "san_diego", "seattle"))

    assert (durham.source, durham.zone_name, durham.labels_from) == (
        "durham",
        "America/New_York",
        "durham",
    )
    assert durham.columns["id_from"] == (
        "call_datetime_local",
        "Nature",
        "Beat",
        "Latitude",
        "Longitude",
    )
    assert (san_diego.column("id"), san_diego.zone_name) == ("incident_num", "America/Los_Angeles")
    assert seattle.columns["received"] == ("At Scene Time", "Event Clearance Date")
    assert (seattle.column("on_scene"), seattle.column("cleared")) == (
        "At Scene Time",
        "Event Clearance Date",
    )


# Zones with whole-hour, half-hour and 30-minute-daylight-saving offsets.
ZONES = ["America/New_York", "America/Los_Angeles", "Asia/Kolkata", "Australia/Lord_Howe"]
FORMATS = ["iso", "%m/%d/%Y %I:%M:%S %p", "%Y-%m-%d %H:%M:%S"]
READERS: dict[tuple[str, str, str], TimeReader] = {}


@settings(max_examples=400, deadline=None)
@given(
    # Naive wall times, as a CAD export writes them.
    when=st.datetimes(
        min_value=datetime(1999, 1, 1),  # noqa: DTZ001
        max_value=datetime(2037, 12, 31),  # noqa: DTZ001
    ),
    zone=st.sampled_from(ZONES),
    department=st.sampled_from(["America/New_York", "Asia/Kolkata"]),
    time_format=st.sampled_from(FORMATS),
    later=st.integers(min_value=0, max_value=3599),
)
def test_it_reads_times_memoised_per_hour_as_a_full_parse_does(
    when, zone, department, time_format, later
):
    # One reader per shape, shared by the examples: the memo is what is under test.
    reader = READERS.setdefault(
        (zone, department, time_format),
        TimeReader(time_format, ZoneInfo(zone), default_coverage(department)),
    )
    coverage = reader.coverage
    start = when.replace(minute=0, second=0, microsecond=0)
    for moment in (when.replace(microsecond=0), start + timedelta(seconds=later)):
        text = moment.isoformat(sep=" ") if time_format == "iso" else moment.strftime(time_format)
        expected = moment.replace(tzinfo=ZoneInfo(zone), fold=0).astimezone(UTC)

        assert reader.read(text) == (
            expected.isoformat(sep=" "),
            coverage.minute_of_week(expected),
        )
