"""What a call takes from an EIDO a partner transferred (docs/interop.md): validated against
the official schema first, then read. Pure: no database.

A problem is an EidoInvalid naming the JSON path of what is wrong and what is wrong with it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.utils.html import strip_tags

from interop.eido_schema import eido_problems
from interop.pidf import PidfError, pidf_parse

ADDRESS_MAX = 200
CALLBACK_MAX = 40


class EidoInvalid(ValueError):
    """The document is not an EIDO this console can take: problems by JSON path."""

    def __init__(self, problems: dict[str, list[str]]) -> None:
        super().__init__("; ".join(f"{p}: {', '.join(m)}" for p, m in problems.items()))
        self.problems = problems


@dataclass(frozen=True)
class Transfer:
    eido_id: str
    updated_at: datetime
    received_at: datetime
    incident_type: str
    address: str
    lat: float | None
    lon: float | None
    callback_number: str
    narrative: str


def _when(value: str) -> datetime:
    # The schema's format check has passed: an RFC 3339 time with its zone.
    return datetime.fromisoformat(value.replace("z", "Z"))


def _by_id(doc: dict[str, Any], component: str) -> dict[str, tuple[int, dict[str, Any]]]:
    return {item["$id"]: (i, item) for i, item in enumerate(doc.get(component) or [])}


def _refs(item: dict[str, Any] | None, key: str) -> list[str]:
    if not item:
        return []
    value = item.get(key)
    if isinstance(value, dict):
        return [value["$ref"]]
    return [ref["$ref"] for ref in value or []]


def _location(doc: dict[str, Any], preferred: list[str]) -> tuple[str, float | None, float | None]:
    locations = _by_id(doc, "locationComponent")
    order = [ref for ref in preferred if ref in locations] + [
        ref for ref in locations if ref not in preferred
    ]
    reference = ""
    for ref in order:
        index, item = locations[ref]
        if item.get("locationByValue"):
            try:
                place = pidf_parse(item["locationByValue"])
            except PidfError as exc:
                path = f"$.locationComponent[{index}].locationByValue"
                raise EidoInvalid({path: [f"is not a PIDF-LO this console reads: {exc}"]}) from exc
            return place.address[:ADDRESS_MAX], place.lat, place.lon
        reference = reference or item.get("locationByReferenceUrl", "")
    if reference:
        # Not dereferenced: the console fetches no URL a partner names. The call keeps it.
        return f"location by reference: {reference}"[:ADDRESS_MAX], None, None
    return "", None, None


def _callback(doc: dict[str, Any], preferred: list[str]) -> str:
    callbacks = _by_id(doc, "callbackComponent")
    order = [ref for ref in preferred if ref in callbacks] + [
        ref for ref in callbacks if ref not in preferred
    ]
    for ref in order:
        _, item = callbacks[ref]
        uris = item.get("callBackInformationUri") or []
        for scheme in ("tel:", "sip:"):
            for found in uris:
                if found.lower().startswith(scheme):
                    number = str(found)[len(scheme) :].split(";")[0]
                    if scheme == "sip:":
                        number = number.split("@")[0]
                    return number[:CALLBACK_MAX]
    return ""


def eido_read(doc: object) -> Transfer:
    """The call a transferred EIDO describes. Raises EidoInvalid."""
    problems: dict[str, list[str]] = {}
    for path, problem in eido_problems(doc):
        problems.setdefault(path, []).append(problem)
    if problems:
        raise EidoInvalid(problems)
    if not isinstance(doc, dict):  # the schema said so already; for the type checker
        raise EidoInvalid({"$": ["is not an object"]})
    incident = doc.get("incidentComponent") or {}
    calls = doc.get("callComponent") or []
    first_call = calls[0] if calls else None
    starts = [_when(c["callStartTimestamp"]) for c in calls]
    if starts:
        received_at = min(starts)
    elif incident:
        received_at = _when(incident["lastUpdateTimeStamp"])
    else:
        received_at = _when(doc["lastUpdateTimeStamp"])
    preferred_locations = _refs(incident, "locationReference") + _refs(
        first_call, "locationReference"
    )
    address, lat, lon = _location(doc, preferred_locations)
    callback = _callback(doc, _refs(first_call, "callBackReference"))
    notes = [
        " ".join(strip_tags(note["notesActionComments"]).split())
        for note in doc.get("notesComponent") or []
        if note.get("notesActionComments")
    ]
    return Transfer(
        eido_id=doc["$id"],
        updated_at=_when(doc["lastUpdateTimeStamp"]),
        received_at=received_at,
        incident_type=(incident.get("incidentTypeCommonRegistryText") or "").strip(),
        address=address,
        lat=lat,
        lon=lon,
        callback_number=callback,
        narrative="\n".join(notes),
    )
