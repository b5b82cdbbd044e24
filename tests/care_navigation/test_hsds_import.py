"""Importing the Open211 Miami excerpt, quirks and all, and searching the directory."""

import shutil
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from care_navigation.hsds import HsdsError, clean_text, hsds_import, need_for_code
from care_navigation.models import (
    Location,
    Organization,
    Service,
    ServiceLanguage,
    ServiceNeed,
    TaxonomyTerm,
)
from care_navigation.selectors import service_search
from tests.care_navigation.conftest import EXCERPT

pytestmark = pytest.mark.django_db

# Downtown Miami, near the Camillus Health Concern clinic of the excerpt.
DOWNTOWN = (25.7781, -80.1990)


@pytest.fixture
def imported():
    return hsds_import(path=EXCERPT)


def test_it_takes_and_rejects_rows_with_reasons(imported):
    resources = imported.resources
    assert (resources["organization"].read, resources["organization"].taken) == (10, 10)
    assert (resources["service"].read, resources["service"].taken) == (12, 12)
    assert (resources["location"].taken, resources["service_at_location"].taken) == (12, 12)
    assert resources["phone"].rejected == {"no number": 1}
    assert resources["taxonomy"].rejected == {"duplicate id (the first row was kept)": 2}
    assert sorted(resources["taxonomy"].examples["duplicate id (the first row was kept)"]) == [
        "id FP-4000",
        "id J",
    ]
    assert resources["service_taxonomy"].rejected == {"the same link again": 62}
    assert imported.taken == 283 and imported.rejected == 67  # 31 languages, 2 not languages
    assert (Service.objects.count(), Organization.objects.count()) == (12, 10)
    assert TaxonomyTerm.objects.get(hsds_id="J").name == "Environment and Public Health/Safety"


def test_it_reports_the_quirks_of_the_datapackage(imported):
    assert "datapackage.json lists 13 resources with no file: programs.csv" in imported.warnings[0]
    assert imported.resources["service"].schema_notes == ["declared columns absent: taxonomy_ids"]
    assert (
        "undeclared columns ignored: taxonomy_facet" in imported.resources["taxonomy"].schema_notes
    )
    assert imported.resources["service"].file == "data/services.csv"


def test_it_repairs_mis_encoded_text_and_literal_line_breaks(imported):
    service = Service.objects.get(hsds_id="199")
    assert "Field Operations Division’s Community" in service.description
    assert "GÇ" not in service.description
    described = Organization.objects.exclude(description="")
    assert not described.filter(description__contains="\\n").exists()
    assert described.filter(description__contains="\n").exists()
    assert not Service.objects.filter(description__contains="###").exists()
    assert imported.resources["service"].repaired["mis-encoded characters repaired"] == 2


def test_it_keeps_a_service_whose_organization_is_missing(imported):
    service = Service.objects.get(hsds_id="6587")
    assert service.organization is None
    assert service.name == "EMERGENCY FOOD AND SHELTER"
    note = "organization_id not among the organizations: kept without one"
    assert imported.resources["service"].repaired[note] == 1


def test_it_maps_taxonomy_to_needs(imported):
    def needs(hsds_id):
        return sorted(
            ServiceNeed.objects.filter(service__hsds_id=hsds_id).values_list("need", flat=True)
        )

    assert needs("1276") == ["mental_health", "substance_use"]
    assert needs("618") == ["housing"]
    assert needs("199") == ["other"]
    assert need_for_code("RX-1700.1700-500") == "substance_use"
    assert need_for_code("RP-1500.1400") == "mental_health"
    assert need_for_code("YV-3000") == ""  # target populations say who, not what


def test_it_imports_twice_without_duplicates(imported):
    again = hsds_import(path=EXCERPT)
    assert again.taken == imported.taken
    assert Service.objects.count() == 12 and Location.objects.count() == 12
    assert ServiceNeed.objects.count() == sum(imported.needs.values())


def test_it_imports_a_folder_of_csvs_without_a_datapackage(tmp_path):
    shutil.copytree(EXCERPT / "data", tmp_path / "csvs")
    report = hsds_import(path=tmp_path / "csvs")
    assert report.warnings == []
    assert report.resources["service"].taken == 12


def test_it_rejects_rows_that_do_not_fit(tmp_path):
    (tmp_path / "organizations.csv").write_text(
        "id,name,description\n1,Good Org,fine\n,No Id,x\n2,,no name\n3,Ragged\n1,Again,dup\n",
        encoding="utf-8",
    )
    (tmp_path / "services.csv").write_text(
        "id,organization_id,name,description,url,email\n"
        "10,1,Shelter,Beds tonight,shelter.example.org,not-an-address\n"
        "11,1,Food,GÇÿSoupGÇÖ kitchen\\nDaily,http://food.example.org,a@b.org\n",
        encoding="utf-8",
    )
    (tmp_path / "locations.csv").write_text(
        "id,name,latitude,longitude\n100,Main,123.4,-80.2\n101,Second,25.7,-80.2\n",
        encoding="utf-8",
    )
    report = hsds_import(path=tmp_path)
    org = report.resources["organization"]
    assert (org.read, org.taken) == (5, 1)
    assert org.rejected == {
        "no id": 1,
        "no name": 1,
        "2 values for 3 columns": 1,
        "duplicate id (the first row was kept)": 1,
    }
    shelter = Service.objects.get(hsds_id="10")
    assert (shelter.url, shelter.email) == ("http://shelter.example.org", "")
    assert Service.objects.get(hsds_id="11").description == "‘Soup’ kitchen\nDaily"
    assert Location.objects.get(hsds_id="100").lat is None
    lines = "\n".join(report.lines())
    assert "coordinates unreadable or off the globe: dropped" in lines


def test_it_refuses_a_folder_with_no_directory(tmp_path):
    with pytest.raises(HsdsError, match="no organizations.csv or services.csv"):
        hsds_import(path=tmp_path)


def test_it_reports_from_the_command_line():
    out = StringIO()
    call_command("import_hsds", str(EXCERPT), stdout=out)
    text = out.getvalue()
    assert "service (data/services.csv): 12 read, 12 taken, 0 rejected" in text
    assert "rejected 1: no number (e.g. line 12)" in text
    assert "total: 283 rows taken, 67 rejected" in text
    with pytest.raises(CommandError):
        call_command("import_hsds", "/nonexistent/folder")


@pytest.mark.parametrize(
    ("raw", "clean"),
    [
        ("the State AttorneyGÇÖs Office", "the State Attorney’s Office"),
        ("GÇ£quotedGÇ¥ and 9GÇô5", "“quoted” and 9–5"),
        ("C+íncer and educaci+¦n", "Cáncer and educaci+¦n"),
        ("in-áAugust", "in August"),
        ("Caf+¬ and 501-¬3", "Café and 501©3"),
        ("co-ético", "co-ético"),
        ("Line one\\nLine two###MON###", "Line one\nLine two"),
    ],
)
def test_it_cleans_text(raw, clean):
    assert clean_text(raw)[0] == clean


def test_it_searches_by_need_name_and_distance(imported):
    housing = service_search(need="housing", near=DOWNTOWN)
    names = [hit.service.name for hit in housing]
    assert set(names) == {
        "WOMEN AND CHILDREN'S LODGE",
        "EMERGENCY FOOD AND SHELTER",
        "SALVATION ARMY",
        "EVERGLADES HOUSING GROUP",
        "THE WOW CENTER",
    }
    distances = [hit.distance_km for hit in housing if hit.distance_km is not None]
    assert distances == sorted(distances)
    assert housing[-1].distance_km is None  # no coordinates: last
    assert service_search(q="counseling", need="substance_use")[0].service.hsds_id == "1276"
    nearest = service_search(near=DOWNTOWN)[0]
    assert nearest.service.hsds_id == "199" and nearest.distance_km < 0.5


def test_it_reads_the_languages_a_service_is_offered_in(imported):
    def languages(hsds_id):
        return sorted(
            ServiceLanguage.objects.filter(service__hsds_id=hsds_id).values_list(
                "language", flat=True
            )
        )

    offered = {s.hsds_id: languages(s.hsds_id) for s in Service.objects.all()}
    assert any(codes == ["en", "es", "ht"] for codes in offered.values())
    part = imported.resource("language")
    assert part.taken > 0
    assert part.rejected["not a language this console knows"] == 2  # "... via teleinterpreter"
    creole = service_search(language="ht")
    assert creole and all("ht" in hit.languages for hit in creole)
    assert len(creole) < Service.objects.count()
