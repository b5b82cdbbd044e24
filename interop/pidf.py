"""PIDF-LO (RFC 4119, RFC 5139 civic addresses, RFC 5491 GML shapes): the location an EIDO
carries by value, read with a parser that refuses entities and DTDs (defusedxml), and written
for the EIDOs the department sends."""

from __future__ import annotations

from dataclasses import dataclass
from xml.etree.ElementTree import Element  # noqa: S405 - only to type; parsing is defusedxml's
from xml.sax.saxutils import escape

from defusedxml import ElementTree as SafeTree
from defusedxml.common import DefusedXmlException

CIVIC = "urn:ietf:params:xml:ns:pidf:geopriv10:civicAddr"
GML = "http://www.opengis.net/gml"
# The order a US address is written in: number, prefix, street, suffix, type, post direction,
# then the unit and the place.
STREET_PARTS = ("HNO", "HNS", "PRD", "RD", "STS", "POD")
PLACE_PARTS = ("A3", "A1", "PC")


class PidfError(ValueError):
    """The PIDF-LO is not XML this parser accepts, or carries no usable location."""


@dataclass(frozen=True)
class PidfLocation:
    address: str
    lat: float | None
    lon: float | None


def _text(element: Element | None) -> str:
    return " ".join((element.text or "").split()) if element is not None else ""


def pidf_parse(xml: str) -> PidfLocation:
    """The civic address (one line, as the board shows it) and the point of a PIDF-LO."""
    try:
        root = SafeTree.fromstring(xml.encode("utf-8"), forbid_dtd=True)
    except DefusedXmlException as exc:
        raise PidfError(f"refused: {exc.__class__.__name__}") from exc
    except SafeTree.ParseError as exc:
        raise PidfError(f"not well-formed XML ({exc})") from exc
    civic = root.find(f".//{{{CIVIC}}}civicAddress")
    address = ""
    if civic is not None:
        part = {child.tag.split("}")[-1]: _text(child) for child in civic}
        street = " ".join(part[name] for name in STREET_PARTS if part.get(name))
        extra = ", ".join(
            f"{label} {part[name]}"
            for name, label in (("BLD", "Bldg"), ("FLR", "Floor"), ("UNIT", "Unit"))
            if part.get(name)
        )
        landmark = part.get("LMK") or part.get("NAM") or ""
        place = ", ".join(
            p
            for p in (part.get("A3", ""), " ".join(filter(None, [part.get("A1"), part.get("PC")])))
            if p
        )
        address = ", ".join(p for p in (street, extra, landmark, place) if p)
    lat = lon = None
    pos = root.find(f".//{{{GML}}}pos")
    if pos is not None:
        numbers = _text(pos).split()
        try:
            lat, lon = float(numbers[0]), float(numbers[1])
        except (IndexError, ValueError) as exc:
            raise PidfError(f"gml:pos {_text(pos)!r} is not 'latitude longitude'") from exc
        if not (-90 <= lat <= 90 and -180 <= lon <= 180):
            raise PidfError(f"gml:pos {lat} {lon} is not a point on Earth")
    if not address and lat is None:
        raise PidfError("carries neither a civic address nor a gml:pos point")
    return PidfLocation(address=address, lat=lat, lon=lon)


def pidf_build(*, entity: str, address: str, lat: float | None, lon: float | None) -> str:
    """A PIDF-LO with the call's address (as the console holds it: one line, in the civic
    address's landmark element, since its parts are not kept apart) and its point."""
    civic = ""
    if address:
        civic = (
            f'<civicAddress xmlns="{CIVIC}"><country>US</country>'
            f"<LMK>{escape(address)}</LMK></civicAddress>"
        )
    point = ""
    if lat is not None and lon is not None:
        point = (
            f'<gml:Point xmlns:gml="{GML}" srsName="urn:ogc:def:crs:EPSG::4326">'
            f"<gml:pos>{lat} {lon}</gml:pos></gml:Point>"
        )
    return (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<presence xmlns="urn:ietf:params:xml:ns:pidf" '
        'xmlns:gp="urn:ietf:params:xml:ns:pidf:geopriv10" '
        'xmlns:dm="urn:ietf:params:xml:ns:pidf:data-model" '
        f'entity="{escape(entity, {chr(34): "&quot;"})}">'
        '<dm:device id="incident"><gp:geopriv><gp:location-info>'
        f"{civic}{point}"
        "</gp:location-info><gp:usage-rules/></gp:geopriv></dm:device></presence>"
    )
