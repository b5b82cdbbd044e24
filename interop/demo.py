"""The demo's partner agencies: the Durham Emergency Communications Center, whose CAD (the
demo user ``ecc``) transfers calls as EIDOs and hears back, and the regional 988 center.

The ECC's endpoint is a placeholder address on a reserved domain: the worker tries it, fails,
and backs off, so the delivery log shows retries (and, an hour later, the dead letters) until an
admin puts the ECC's real URL in. Nothing is ever sent outside the machine.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.contrib.auth.models import User
from django.utils import timezone

from dispatch.selectors import recommended_units
from dispatch.services import unit_assign
from interop.models import Agency, EidoTransfer, PartnerEndpoint
from interop.services import eido_intake

ECC_NAME = "Durham Emergency Communications Center"
ECC_ID = "ecc.durhamnc.gov"
CENTER_988_NAME = "Regional 988 Crisis Center"
CENTER_988_ID = "988.region.example"
DEMO_ENDPOINT = "https://cad.ecc.durhamnc.example/eido/notify"


@dataclass(frozen=True)
class DemoTransfer:
    number: str
    incident_type: str
    minutes_ago: int
    civic: str  # PIDF-LO civicAddress children
    lat: float
    lon: float
    callback: str
    note: str


DEMO_TRANSFERS = [
    DemoTransfer(
        "26-0310-4471",
        "PSYCH",
        6,
        "<A1>NC</A1><A3>Durham</A3><HNO>300</HNO><RD>Morgan</RD><STS>St</STS><PC>27701</PC>",
        35.9969,
        -78.9005,
        "+19195550142",
        "Caller reports her adult son is talking to himself and pacing outside the library. "
        "No weapons seen. Transferred from 911 for HEART.",
    ),
    DemoTransfer(
        "26-0310-4480",
        "WELFARE",
        3,
        "<A1>NC</A1><A3>Durham</A3><HNO>501</HNO><RD>Willard</RD><STS>St</STS><PC>27701</PC>",
        35.9912,
        -78.9031,
        "+19195550187",
        "Man lying on a bench at the bus station for an hour, responsive, says he is cold.",
    ),
]


def _ts(moment: datetime) -> str:
    return moment.isoformat(timespec="milliseconds")


def demo_eido(transfer: DemoTransfer, *, now: datetime) -> dict[str, Any]:
    """An EIDO like the ECC's CAD sends: incident, call, callback, PIDF-LO, a note."""
    started = now - timedelta(minutes=transfer.minutes_ago)
    incident_id = f"urn:emergency:uid:incidentid:{transfer.number}:{ECC_ID}"
    stamp = _ts(started + timedelta(minutes=1))
    prologue = {"lastUpdateTimeStamp": stamp, "updatedByAgencyReference": {"$ref": ECC_ID}}
    pidf = (
        '<?xml version="1.0" encoding="UTF-8"?><presence xmlns="urn:ietf:params:xml:ns:pidf" '
        'xmlns:gp="urn:ietf:params:xml:ns:pidf:geopriv10" '
        'xmlns:dm="urn:ietf:params:xml:ns:pidf:data-model" entity="pres:911@ecc.durhamnc.gov">'
        '<dm:device id="caller"><gp:geopriv><gp:location-info>'
        '<civicAddress xmlns="urn:ietf:params:xml:ns:pidf:geopriv10:civicAddr">'
        f"<country>US</country>{transfer.civic}</civicAddress>"
        '<gml:Point xmlns:gml="http://www.opengis.net/gml" srsName="urn:ogc:def:crs:EPSG::4326">'
        f"<gml:pos>{transfer.lat} {transfer.lon}</gml:pos></gml:Point>"
        "</gp:location-info><gp:usage-rules/><gp:method>GPS</gp:method></gp:geopriv>"
        "</dm:device></presence>"
    )
    return {
        "$id": incident_id,
        **prologue,
        "eidoVersion": "1.0",
        "issuingElementIdentification": f"cad.{ECC_ID}",
        "incidentComponent": {
            "$id": incident_id,
            **prologue,
            "incidentTypeCommonRegistryText": transfer.incident_type,
            "locationReference": [{"$ref": f"{transfer.number}-loc"}],
        },
        "callComponent": [
            {
                "$id": f"urn:emergency:uid:callid:{transfer.number}:{ECC_ID}",
                **prologue,
                "standardPrimaryCallType": "emergency",
                "direction": "incoming",
                "callStartTimestamp": _ts(started),
                "callStateRegistryText": "callAnswered",
                "callBackReference": {"$ref": f"{transfer.number}-cb"},
                "locationReference": [{"$ref": f"{transfer.number}-loc"}],
            }
        ],
        "callbackComponent": [
            {
                "$id": f"{transfer.number}-cb",
                **prologue,
                "callBackInformationUri": [f"tel:{transfer.callback}"],
            }
        ],
        "locationComponent": [
            {
                "$id": f"{transfer.number}-loc",
                **prologue,
                "locationTypeDescriptionRegistryText": "Caller",
                "locationByValue": pidf,
            }
        ],
        "notesComponent": [
            {"$id": f"{transfer.number}-note", **prologue, "notesActionComments": transfer.note}
        ],
        "agencyComponent": [
            {
                "$id": ECC_ID,
                **prologue,
                "agencyRoleDescriptionRegistryText": ["CallReceiving"],
                "agencyType": ["psap"],
            }
        ],
    }


def demo_partners_seed(users: dict[str, User]) -> int:
    """The partner agencies, the ECC's endpoint and its transferred calls of the moment (one
    of them assigned, so the ECC hears back). Idempotent; returns the transfers added."""
    ecc, _ = Agency.objects.get_or_create(
        eido_agency_id=ECC_ID, defaults={"name": ECC_NAME, "agency_type": "psap"}
    )
    Agency.objects.get_or_create(
        eido_agency_id=CENTER_988_ID,
        defaults={"name": CENTER_988_NAME, "agency_type": "mental_health.crisis_line"},
    )
    partner = users.get("ecc")
    if partner is None:
        return 0
    ecc.users.add(partner)
    PartnerEndpoint.objects.get_or_create(
        agency=ecc,
        url=DEMO_ENDPOINT,
        defaults={
            "secret": "demo-shared-secret-change-me",
            "events": ["assigned", "on_scene", "cleared", "fallen_back", "transferred"],
        },
    )
    now = timezone.now()
    added = 0
    for transfer in DEMO_TRANSFERS:
        incident_id = f"urn:emergency:uid:incidentid:{transfer.number}:{ECC_ID}"
        if EidoTransfer.objects.filter(agency=ecc, eido_id=incident_id).exists():
            continue
        result = eido_intake(by=partner, document=demo_eido(transfer, now=now))
        added += 1
        if added == 1 and result.call.status == "queued":
            nearest = recommended_units(result.call, limit=1)
            if nearest:
                unit_assign(
                    call_id=result.call.pk, unit_id=nearest[0].unit.pk, by=users.get("dispatcher")
                )
    return added
