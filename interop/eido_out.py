"""A call as a NENA EIDO (NENA-STA-021, the JSON schema in interop/schema/): what the
department tells the PSAP and its partners. Pure: it reads the call the selector loaded.

What goes in: the incident (type, status, priority, the department's route as the internal
incident type, the disposition), the location as a PIDF-LO (address and point), the callback
number, the department and the partner that transferred the call, the call-taker as the agent,
a dispatch and an emergency-resource component per assigned unit with its times, the narrative
as a note. What never goes in: anything of care navigation (cases, needs, notes, consent), the
person the call is about, the caller's name, the screening answers.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.conf import settings
from django.utils.html import escape

from dispatch.models import Assignment, Call
from dispatch.timeline import call_notes
from interop.pidf import pidf_build

# The EIDO incident status of each call status (NENA's Incident Status registry words).
INCIDENT_STATUS: dict[str, str] = {
    Call.Status.QUEUED: "Pending",
    Call.Status.HELD: "Pending",
    Call.Status.PHONE: "Active",
    Call.Status.ACTIVE: "Dispatched",
    Call.Status.CLOSED: "Closed",
    Call.Status.LINKED: "Merged",
}
PRIORITY_NUMBER = {"P1": 1, "P2": 2, "P3": 3}
# The resource type of each route's units.
RESOURCE_TYPE = {
    "HEART": "MobileCrisisTeam",
    "CO_RESPONSE": "CoResponderTeam",
    "CCD": "CrisisCounselor",
    "POLICE": "LawEnforcement",
    "FIRE": "Fire",
    "EMS": "EMS",
}


def _ts(moment: datetime) -> str:
    return moment.isoformat(timespec="milliseconds")


def agency_id() -> str:
    return settings.EIDO_AGENCY_ID


def incident_id(call: Call) -> str:
    """The incident's $id: the partner's own when it transferred the call, so that both sides
    name one incident; else the department's URN."""
    return call.source_ref or f"urn:emergency:uid:incidentid:{call.pk}:{agency_id()}"


def _prologue(component_id: str, at: datetime) -> dict[str, Any]:
    return {
        "$id": component_id,
        "lastUpdateTimeStamp": _ts(at),
        "updatedByAgencyReference": {"$ref": agency_id()},
    }


def _unit_status(assignment: Assignment) -> tuple[str, list[str], datetime]:
    """The resource's status now, its timeline (internal statuses with times), and the time of
    its last change."""
    stamps = [
        ("Dispatched", assignment.dispatched_at),
        ("Enroute", assignment.en_route_at),
        ("OnScene", assignment.on_scene_at),
        ("Transporting", assignment.transporting_at),
        ("Cleared", assignment.cleared_at),
    ]
    reached = [(name, at) for name, at in stamps if at is not None]
    status, last = reached[-1]
    timeline = [f"{name} {_ts(at)}" for name, at in reached]
    return status, timeline, last


def eido_build(call: Call, *, assignments: list[Assignment], type_label: str) -> dict[str, Any]:
    """The EIDO of ``call`` with its ``assignments`` (units selected); ``type_label`` is the
    common incident type the call type is sent as."""
    base = f"{agency_id()}:call:{call.pk}"
    updated = call.updated_at or call.created_at
    ours = agency_id()
    doc: dict[str, Any] = {
        **_prologue(incident_id(call), updated),
        "eidoVersion": "1.0",
        "issuingElementIdentification": f"fifth-branch.{ours}",
    }
    agencies = [
        {
            **_prologue(ours, updated),
            "agencyRoleDescriptionRegistryText": ["Responding"],
            "agencyType": ["mental_health"],
            "incidentOwningAgencyIndicator": call.status not in (Call.Status.CLOSED,),
        }
    ]
    if call.transferred_from:
        transfer = getattr(call, "eido_transfer", None)
        partner_id = transfer.agency.eido_agency_id if transfer else call.transferred_from
        partner_type = transfer.agency.agency_type if transfer else "psap"
        agencies.append(
            {
                **_prologue(partner_id, updated),
                "agencyRoleDescriptionRegistryText": ["CallReceiving"],
                "agencyType": [partner_type],
            }
        )
    doc["agencyComponent"] = agencies
    location_ids: list[dict[str, str]] = []
    if call.address or (call.lat is not None and call.lon is not None):
        location_id = f"{base}:location"
        location_ids.append({"$ref": location_id})
        doc["locationComponent"] = [
            {
                **_prologue(location_id, updated),
                "locationTypeDescriptionRegistryText": "Incident",
                "locationByValue": pidf_build(
                    entity=f"pres:{base}", address=call.address, lat=call.lat, lon=call.lon
                ),
            }
        ]
    notes: list[dict[str, str]] = []
    note_components: list[dict[str, Any]] = []
    if call.narrative:
        note_id = f"{base}:notes"
        notes.append({"$ref": note_id})
        note_components.append(
            {
                **_prologue(note_id, updated),
                # NotesType is HTML5: the narrative is text, escaped, its lines kept.
                "notesActionComments": escape(call.narrative).replace("\n", "<br>"),
            }
        )
    # The field notes and supplements after intake (docs/calls.md), each at its own time.
    for entry in call_notes(call):
        note_id = f"{base}:note-{entry.pk}"
        notes.append({"$ref": note_id})
        note_components.append(
            {
                **_prologue(note_id, entry.at),
                "notesActionComments": escape(f"{entry.get_kind_display()}: {entry.text}").replace(
                    "\n", "<br>"
                ),
            }
        )
    if note_components:
        doc["notesComponent"] = note_components
    agent_refs: list[dict[str, str]] = []
    if call.created_by is not None:
        agent_id = f"{call.created_by.get_username()}@{ours}"
        agent_refs.append({"$ref": agent_id})
        doc["agentComponent"] = [
            {
                **_prologue(agent_id, call.created_at),
                "agentRoleRegistryText": ["Call Taking"],
                "agencyReference": {"$ref": ours},
            }
        ]
    call_component: dict[str, Any] = {
        **_prologue(f"{base}:phone", call.created_at),
        "standardPrimaryCallType": "emergency",
        "direction": "incoming",
        "callStartTimestamp": _ts(call.received_at),
        "callStateRegistryText": "callEnd" if call.status == Call.Status.CLOSED else "callAnswered",
        "locationReference": location_ids,
        "agentReference": agent_refs,
    }
    if call.callback_number:
        callback_id = f"{base}:callback"
        call_component["callBackReference"] = {"$ref": callback_id}
        doc["callbackComponent"] = [
            {
                **_prologue(callback_id, updated),
                "callBackInformationUri": [f"tel:{call.callback_number.replace(' ', '')}"],
            }
        ]
    doc["callComponent"] = [call_component]
    incident: dict[str, Any] = {
        **_prologue(f"{base}:incident", updated),
        "incidentTypeCommonRegistryText": type_label,
        "incidentTypeInternalCode": call.route or call.eligible_route,
        "incidentTypeInternalText": (
            f"{call.call_type_id}: eligible {call.eligible_route}, route {call.route}"
            + (f" ({call.unserved_reason})" if call.unserved_reason else "")
        ),
        "incidentStatusCommonRegistryText": [INCIDENT_STATUS.get(call.status, "Active")],
        "incidentStatusInternalText": [call.status],
        "internalIncidentId": str(call.pk),
        "locationReference": location_ids,
        "notesReference": notes,
    }
    if call.priority:
        incident["incidentPriorityInternalText"] = call.priority
        incident["incidentCommonPriorityNumber"] = PRIORITY_NUMBER[call.priority]
    if call.zone:
        incident["beatOrDispatchGroupText"] = call.zone
    if call.disposition:
        incident["dispositionComponent"] = [
            {
                **_prologue(f"{base}:disposition", call.closed_at or updated),
                "dispositionCommonRegistryCode": call.disposition,
                "dispositionPrimaryIndicator": True,
                "dispositionDescriptionText": call.get_disposition_display(),
            }
        ]
    doc["incidentComponent"] = incident
    if assignments:
        dispatches = []
        resources = []
        for assignment in assignments:
            status, timeline, last = _unit_status(assignment)
            resource_id = f"{base}:unit:{assignment.unit_id}:{assignment.pk}"
            dispatches.append(
                {
                    **_prologue(f"{base}:dispatch:{assignment.pk}", assignment.dispatched_at),
                    "agencyReference": {"$ref": ours},
                    "emergencyResourceReference": [{"$ref": resource_id}],
                }
            )
            resource: dict[str, Any] = {
                **_prologue(resource_id, last),
                "emergencyResourceTypeCommonRegistryText": RESOURCE_TYPE.get(
                    assignment.unit.kind, "Other"
                ),
                "emergencyResourceTypeInternalText": assignment.unit.kind,
                "emergencyResourceName": assignment.unit.name,
                "primaryUnitStatusRegistryText": status,
                "secondaryUnitStatusRegistryText": [],
                "resourceAttributeRegistryText": [],
                "unitStatusInternal": timeline,
                "agentReference": [],
                "activeOnIncidentId": incident_id(call),
            }
            resources.append(resource)
        doc["dispatchComponent"] = dispatches
        doc["emergencyResourceComponent"] = resources
    return doc
