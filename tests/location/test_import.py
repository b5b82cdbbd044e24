"""Importing address points and zones: idempotent, all or nothing, refused by row and field."""

from __future__ import annotations

import json
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from location.models import AddressPoint, Street, Zone
from location.services import FileRefused, addresses_import, zones_import
from tests.location.conftest import HEADER, beat, town_rows, write_beats, write_town

pytestmark = pytest.mark.django_db


def test_it_imports_an_openaddresses_file_and_again_adds_nothing(tmp_path):
    path = write_town(tmp_path / "durham.csv")
    first = addresses_import(path=path)
    assert first.source == "durham"
    assert first.read == AddressPoint.objects.count() == len(town_rows())
    again = addresses_import(path=path)
    assert again.replaced == len(town_rows())
    assert AddressPoint.objects.count() == len(town_rows())
    point = AddressPoint.objects.get(source_id="m140")
    assert (point.key, point.street_core, point.number_int) == ("140 N MANGUM ST", "MANGUM", 140)
    assert Street.objects.get(name="N MANGUM ST").points == 15


def test_it_keeps_sources_apart(tmp_path):
    addresses_import(path=write_town(tmp_path / "a.csv"), source="county")
    addresses_import(path=write_town(tmp_path / "b.csv", town_rows()[:3]), source="city")
    assert AddressPoint.objects.filter(source="county").count() == len(town_rows())
    assert AddressPoint.objects.filter(source="city").count() == 3


def test_it_imports_geojson_points(tmp_path):
    path = tmp_path / "points.geojson"
    feature = {
        "type": "Feature",
        "geometry": {"type": "Point", "coordinates": [-78.9, 35.99]},
        "properties": {"number": "7", "street": "Elm Street", "city": "Durham", "id": "e7"},
    }
    path.write_text(json.dumps({"type": "FeatureCollection", "features": [feature]}))
    addresses_import(path=path, fmt="geojson", source="ng911")
    assert AddressPoint.objects.get(source="ng911").key == "7 ELM ST"


@pytest.mark.parametrize(
    ("row", "named"),
    [
        ("-78.9,95.0,1,MAIN ST,,,,,,x,", "row 2, LAT"),
        ("-181,35.9,1,MAIN ST,,,,,,x,", "row 2, LON"),
        ("-78.9,nan,1,MAIN ST,,,,,,x,", "row 2, LAT"),
        ("inf,35.9,1,MAIN ST,,,,,,x,", "row 2, LON"),
        ("-78.9,north,1,MAIN ST,,,,,,x,", "row 2, LAT"),
        ("-78.9,35.9,,MAIN ST,,,,,,x,", "row 2, NUMBER"),
        ("-78.9,35.9,1,,,,,,,x,", "row 2, STREET"),
    ],
)
def test_it_refuses_the_whole_file_for_a_bad_row_and_changes_nothing(tmp_path, row, named):
    addresses_import(path=write_town(tmp_path / "town.csv"), source="town")
    before = list(AddressPoint.objects.values_list("pk", flat=True))
    bad = write_town(tmp_path / "bad.csv", [town_rows()[0], row])
    with pytest.raises(FileRefused) as refused:
        addresses_import(path=bad, source="town")
    assert named in str(refused.value)
    assert list(AddressPoint.objects.values_list("pk", flat=True)) == before


def test_it_refuses_a_file_in_another_encoding(tmp_path):
    path = tmp_path / "latin1.csv"
    path.write_bytes((HEADER + "-78.9,35.9,1,CALLE ESPAÑA,,,,,,x,\n").encode("latin-1"))
    with pytest.raises(FileRefused, match="not UTF-8"):
        addresses_import(path=path)
    assert AddressPoint.objects.count() == 0


def test_it_refuses_a_file_without_the_columns(tmp_path):
    path = tmp_path / "wrong.csv"
    path.write_text("X,Y,ADDR\n1,2,3 MAIN ST\n")
    with pytest.raises(FileRefused, match="LON, LAT, NUMBER, STREET"):
        addresses_import(path=path)


def test_the_command_reports_and_refuses(tmp_path):
    out = StringIO()
    call_command(
        "import_addresses", str(write_town(tmp_path / "t.csv")), "--source", "t", stdout=out
    )
    assert f"Imported {len(town_rows())} address points as source 't'" in out.getvalue()
    bad = write_town(tmp_path / "bad.csv", ["-78.9,99,1,MAIN ST,,,,,,x,"])
    with pytest.raises(CommandError, match="row 1, LAT"):
        call_command("import_addresses", str(bad), "--source", "t")
    assert AddressPoint.objects.filter(source="t").count() == len(town_rows())


def test_it_imports_zones_and_again_replaces_them(tmp_path):
    path = write_beats(tmp_path / "beats.geojson")
    assert zones_import(path=path, name_property="BEAT").created == 2
    again = zones_import(path=path, name_property="BEAT")
    assert (again.created, again.updated) == (0, 2)
    zone = Zone.objects.get(name="111")
    assert (zone.min_lon, zone.max_lon) == (-78.9003, -78.8)
    out = StringIO()
    call_command("import_zones", str(path), "--name-property", "BEAT", stdout=out)
    assert "0 created, 2 replaced" in out.getvalue()


def _unclosed() -> dict:
    feature = beat("113", -78.8, -78.7)
    feature["geometry"]["coordinates"][0].pop()
    feature["geometry"]["coordinates"][0].append([-78.75, 36.0])
    return feature


@pytest.mark.parametrize(
    ("feature", "named"),
    [
        (_unclosed(), "feature 2, geometry: a ring is not closed"),
        ({**beat("113", -78.8, -78.7), "properties": {}}, "feature 2, BEAT: missing"),
        (
            {**beat("113", -78.8, -78.7), "geometry": {"type": "Point", "coordinates": [0, 0]}},
            "not 'Point'",
        ),
        (
            {
                **beat("113", -78.8, -78.7),
                "geometry": {
                    "type": "Polygon",
                    "coordinates": [[[0, 0], [0, 91], [1, 1], [0, 0]]],
                },
            },
            "lat 91 is outside",
        ),
    ],
)
def test_it_refuses_bad_zones_and_changes_nothing(tmp_path, feature, named):
    zones_import(path=write_beats(tmp_path / "ok.geojson"), name_property="BEAT")
    path = write_beats(tmp_path / "bad.geojson", [beat("111", -79.5, -79.4), feature])
    with pytest.raises(FileRefused) as refused:
        zones_import(path=path, name_property="BEAT")
    assert named in str(refused.value)
    assert Zone.objects.get(name="111").min_lon == -78.9003


def test_it_refuses_zones_in_another_encoding(tmp_path):
    path = tmp_path / "beats.geojson"
    path.write_bytes('{"type": "FeatureCollection", "features": [], "n": "Ñ"}'.encode("cp1252"))
    with pytest.raises(FileRefused, match="not UTF-8"):
        zones_import(path=path, name_property="BEAT")


def test_nan_in_a_zone_file_is_refused(tmp_path):
    path = Path(tmp_path / "nan.geojson")
    ring = "[[0, 0], [0, NaN], [1, 1], [0, 0]]"
    path.write_text(
        '{"type": "FeatureCollection", "features": [{"type": "Feature", '
        '"properties": {"BEAT": "1"}, "geometry": {"type": "Polygon", "coordinates": ['
        + ring
        + "]}}]}"
    )
    with pytest.raises(FileRefused, match="not a finite number"):
        zones_import(path=path, name_property="BEAT")
