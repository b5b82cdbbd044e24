"""POST /api/v1/eido/: a partner's EIDO becomes one call, idempotently; an update applies;
an invalid EIDO is a 400 naming the JSON path, and nothing is stored."""

from __future__ import annotations

import pytest
from rest_framework.test import APIClient

from access.models import AuditEntry
from dispatch.models import Call, FieldEvent
from interop.models import EidoTransfer

pytestmark = pytest.mark.django_db

PIDF_POINT = (
    '<?xml version="1.0"?><presence xmlns="urn:ietf:params:xml:ns:pidf" '
    'xmlns:gp="urn:ietf:params:xml:ns:pidf:geopriv10" entity="pres:x@example.com">'
    "<tuple><status><gp:geopriv><gp:location-info>"
    '<civicAddress xmlns="urn:ietf:params:xml:ns:pidf:geopriv10:civicAddr">'
    "<country>US</country><A1>NC</A1><A3>Durham</A3><HNO>101</HNO><RD>City Hall</RD>"
    "<STS>Plaza</STS><PC>27701</PC></civicAddress>"
    '<gml:Point xmlns:gml="http://www.opengis.net/gml"><gml:pos>35.994 -78.898</gml:pos>'
    "</gml:Point></gp:location-info></gp:geopriv></status></tuple></presence>"
)


def post(user, body):
    client = APIClient()
    client.force_authenticate(user)
    return client.post("/api/v1/eido/", body, format="json")


def durham(sample, *, incident_type="PSYCH", stamp="2026-03-10T14:01:00.000-04:00"):
    """The NENA sample made a Durham call: an incident of the type, a point, a note."""
    sample["$id"] = "urn:emergency:uid:incidentid:4471:ecc.durhamnc.gov"
    sample["lastUpdateTimeStamp"] = stamp
    sample["callComponent"][0]["callStartTimestamp"] = "2026-03-10T13:58:30.0-04:00"
    location = sample["locationComponent"][0]
    location["locationByValue"] = PIDF_POINT
    sample["incidentComponent"] = {
        "$id": "urn:emergency:uid:incidentid:4471:ecc.durhamnc.gov",
        "lastUpdateTimeStamp": stamp,
        "updatedByAgencyReference": {"$ref": "ecc.durhamnc.gov"},
        "incidentTypeCommonRegistryText": incident_type,
        "locationReference": [{"$ref": location["$id"]}],
    }
    sample["notesComponent"] = [
        {
            "$id": "note-1",
            "lastUpdateTimeStamp": stamp,
            "updatedByAgencyReference": {"$ref": "ecc.durhamnc.gov"},
            "notesActionComments": "<p>Caller says her <b>son</b> is talking to himself</p>",
        }
    ]
    return sample


def test_it_creates_one_call_from_nenas_sample_with_its_location_and_callback(
    afternoon, partner, sample
):
    response = post(partner, sample)
    assert response.status_code == 201, response.json()
    body = response.json()
    call = Call.objects.get(pk=body["id"])
    assert body["route"] == call.route == "HEART"
    assert body["outcome"] == "created"
    assert call.address == "42 W Cellular Street, Wilmington, DE"
    assert call.callback_number == "8195551212"
    assert call.transferred_from == "Durham Emergency Communications Center"
    assert call.source == "eido"
    assert call.source_ref == "urn:emergency:uid:incidentid:a56e556d871:bcf.state.pa.us"
    # No incident type in the sample: the configured default; received when the call began.
    assert call.call_type_id == "ASSIST_PERSON"
    assert call.received_at.isoformat() == "2021-04-30T18:40:00+00:00"
    assert call.answers == {}
    assert call.triage_records.count() == 1


def test_it_maps_the_apco_incident_type_and_reads_the_point_and_the_notes(
    afternoon, partner, sample
):
    response = post(partner, durham(sample, incident_type="suicide"))
    assert response.status_code == 201, response.json()
    call = Call.objects.get(pk=response.json()["id"])
    assert (call.call_type_id, call.external_label) == ("SUICIDE_THREAT", "suicide")
    assert (call.route, call.priority) == ("HEART", "P1")
    assert call.address == "101 City Hall Plaza, Durham, NC 27701"
    assert (call.lat, call.lon) == (35.994, -78.898)
    assert call.narrative == "Caller says her son is talking to himself"


def test_it_returns_the_same_call_for_the_same_eido_and_applies_a_newer_version(
    afternoon, partner, sample
):
    first = post(partner, durham(sample))
    again = post(partner, durham(sample))
    assert (first.status_code, again.status_code) == (201, 200)
    assert again.json()["id"] == first.json()["id"]
    assert again.json()["outcome"] == "same"
    assert Call.objects.count() == 1

    newer = durham(sample, stamp="2026-03-10T14:03:00.000-04:00")
    newer["notesComponent"][0]["notesActionComments"] = "He left; now at the bus station"
    newer["callbackComponent"][0]["callBackInformationUri"] = ["tel:+19195550123"]
    updated = post(partner, newer)
    assert updated.status_code == 200, updated.json()
    assert updated.json()["outcome"] == "updated"
    call = Call.objects.get()
    assert call.narrative == "He left; now at the bus station"
    assert call.callback_number == "+19195550123"
    event = FieldEvent.objects.get(call=call, kind=FieldEvent.Kind.TRANSFER_UPDATED)
    assert "callback_number, narrative" in event.reason
    assert EidoTransfer.objects.get().updates == 1
    assert AuditEntry.objects.filter(action="call.transfer_update").count() == 1
    # An older version after the newer one changes nothing.
    stale = post(partner, durham(sample, stamp="2026-03-10T14:02:00.000-04:00"))
    assert stale.json()["outcome"] == "same"
    assert Call.objects.get().narrative == "He left; now at the bus station"


@pytest.mark.parametrize(
    ("change", "path", "words"),
    [
        (lambda d: d.pop("agencyComponent"), "$", "'agencyComponent' is a required property"),
        (
            lambda d: d["callComponent"][0].update(direction="sideways"),
            "$.callComponent[0].direction",
            "is not one of",
        ),
        (
            lambda d: d.update(lastUpdateTimeStamp="yesterday"),
            "$.lastUpdateTimeStamp",
            "is not a 'date-time'",
        ),
        (
            lambda d: d["agentComponent"][0].update(agentRoleRegistryText=[]),
            "$.agentComponent[0].agentRoleRegistryText",
            "should be non-empty",
        ),
        (
            lambda d: d["locationComponent"][0].update(
                locationByValue='<!DOCTYPE x [<!ENTITY a "aaaa">]><x>&a;</x>'
            ),
            "$.locationComponent[0].locationByValue",
            "refused",
        ),
        (
            lambda d: d["locationComponent"][0].update(locationByValue="<presence"),
            "$.locationComponent[0].locationByValue",
            "not well-formed",
        ),
        (
            lambda d: d["callComponent"][0].update(callStartTimestamp="2099-01-01T00:00:00Z"),
            "$.callComponent[0].callStartTimestamp",
            "is in the future",
        ),
    ],
)
def test_it_refuses_an_invalid_eido_naming_the_json_path_and_stores_nothing(
    afternoon, partner, sample, change, path, words
):
    change(sample)
    response = post(partner, sample)
    assert response.status_code == 400
    problems = response.json()
    assert path in problems, problems
    assert any(words in problem for problem in problems[path]), problems
    assert not Call.objects.exists()
    assert not EidoTransfer.objects.exists()


def test_it_refuses_a_body_that_is_not_an_object(afternoon, partner):
    response = post(partner, [1, 2])
    assert response.status_code == 400
    assert "$" in response.json()


def test_it_lets_only_a_partner_of_an_active_agency_transfer(
    afternoon, partner, ecc, call_taker, sample, make_user
):
    assert post(call_taker, sample).status_code == 403
    from access import roles

    stray = make_user("stray", roles.PARTNER)
    refused = post(stray, sample)
    assert refused.status_code == 403
    assert "no active partner agency" in refused.json()["detail"]
    ecc.active = False
    ecc.save()
    assert post(partner, sample).status_code == 403
    assert not Call.objects.exists()
