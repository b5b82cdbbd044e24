"""The geocoder finds addresses as a call-taker types them, best first, never far away."""

from __future__ import annotations

import pytest

from location.normalize import query_parse, street_normalise
from location.selectors import basemap, geocode, zone_at

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "typed",
    [
        "140 North Mangum Street, Durham NC",
        "140 n. mangum st",
        "140 N MANGUM ST",
        "140 Mangum",  # no direction, no suffix
        "140 N Mangum Street Durham North Carolina 27701",
    ],
)
def test_it_finds_an_address_point_as_typed(town, typed):
    best = geocode(q=typed)[0]
    assert best.address == "140 N MANGUM ST"
    assert best.match == "address_point"
    assert best.zone == "111"
    assert best.lat == pytest.approx(35.9975)


def test_it_ranks_the_exact_address_above_a_looser_match(town):
    exact = geocode(q="140 N MANGUM ST")[0]
    loose = geocode(q="140 MANGUM")[0]
    assert exact.score == 1.0
    assert loose.score < exact.score


def test_it_tells_avenue_from_street_and_accepts_av(town):
    assert geocode(q="123 Mangum Av")[0].address == "123 MANGUM AVE"
    assert geocode(q="123 MANGUM AVENUE")[0].lat == pytest.approx(36.05)
    # There is no 123 on N Mangum St, and a suffix given excludes the avenue.
    assert all(r.address != "123 MANGUM AVE" for r in geocode(q="123 N Mangum St"))


def test_it_places_a_missing_number_on_its_block_as_a_street_match(town):
    result = geocode(q="150 N Mangum St")[0]
    assert result.match == "street"
    assert result.address == "150 N MANGUM ST"
    assert result.lat == pytest.approx(35.9975, abs=0.0006)


def test_it_never_guesses_far_away(town):
    assert geocode(q="9000 N Mangum St") == []
    assert geocode(q="12 Nowhere Road") == []
    assert geocode(q="") == []
    assert geocode(q="   ,,, ") == []


def test_it_completes_a_street_being_typed(town):
    results = geocode(q="140 N Mang")
    assert results[0].address == "140 N MANGUM ST"


def test_it_forgives_a_misspelt_street(town):
    assert geocode(q="140 N Mangun St")[0].address == "140 N MANGUM ST"


@pytest.mark.parametrize("typed", ["MAIN ST & MANGUM ST", "w main and n mangum", "Mangum @ Main"])
def test_it_finds_an_intersection_when_both_streets_are_known(town, typed):
    result = geocode(q=typed)[0]
    assert result.address == "W MAIN ST & N MANGUM ST" or result.address == (
        "N MANGUM ST & W MAIN ST"
    )
    assert result.match == "street"
    assert result.lat == pytest.approx(35.9963, abs=0.0005)
    assert result.lon == pytest.approx(-78.9003, abs=0.0005)


def test_it_finds_no_intersection_of_streets_that_do_not_meet(town):
    assert geocode(q="MANGUM AVE & W MAIN ST") == []
    assert geocode(q="MAIN ST & NOWHERE RD") == []


def test_it_answers_a_street_alone_with_a_point_on_it(town):
    result = geocode(q="West Main Street")[0]
    assert result.match == "street"
    assert result.address == "W MAIN ST"
    assert result.lat == pytest.approx(35.996)


def test_it_limits_the_results(town):
    assert len(geocode(q="Mangum", limit=1)) == 1


def test_it_places_a_point_in_its_zone(town):
    assert zone_at(lat=35.998, lon=-78.9) == "111"
    assert zone_at(lat=35.996, lon=-78.905) == "112"
    assert zone_at(lat=40.0, lon=-78.9) == ""


def test_it_serves_zones_and_streets_as_a_base_map(town):
    layer = basemap()
    kinds = {(f["properties"]["kind"], f["properties"]["name"]) for f in layer["features"]}
    assert ("zone", "111") in kinds
    assert ("street", "N MANGUM ST") in kinds
    mangum = next(f for f in layer["features"] if f["properties"]["name"] == "N MANGUM ST")
    line = mangum["geometry"]["coordinates"][0]
    assert line[0][0] == pytest.approx(-78.9)  # [lon, lat], as GeoJSON has it
    assert len(line) >= 2


def test_it_normalises_with_usaddress_and_pub28():
    assert street_normalise("NORTH MANGUM STREET").full == "N MANGUM ST"
    assert street_normalise("Mangum Av").full == street_normalise("MANGUM AVENUE").full
    query = query_parse("123 n. mangum st., Durham, NC 27701")
    assert query is not None and query.number == "123" and query.street is not None
    assert query.street.full == "N MANGUM ST"
