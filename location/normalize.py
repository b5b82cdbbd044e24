"""Addresses as a call-taker types them, reduced to one key (docs/location.md).

The parsing is `usaddress` (a conditional-random-field tagger trained on US addresses); this
module only maps the parts it tags onto USPS Publication 28 abbreviations, so "North Mangum
Street, Durham NC", "n. mangum st" and "N MANGUM ST" give the same street. The tables below
are data (Pub 28, appendix C1 and B), not parsing rules.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

import usaddress

DIRECTIONS = {
    "NORTH": "N", "SOUTH": "S", "EAST": "E", "WEST": "W",
    "NORTHEAST": "NE", "NORTHWEST": "NW", "SOUTHEAST": "SE", "SOUTHWEST": "SW",
    "N": "N", "S": "S", "E": "E", "W": "W", "NE": "NE", "NW": "NW", "SE": "SE", "SW": "SW",
}  # fmt: skip

# USPS Publication 28, C1 (street suffixes): the common ones, each spelling to its standard
# abbreviation. "AV" and "AVENUE" are both AVE.
SUFFIXES = {
    "ALLEY": "ALY", "ALY": "ALY", "AVENUE": "AVE", "AVE": "AVE", "AV": "AVE", "AVN": "AVE",
    "BOULEVARD": "BLVD", "BLVD": "BLVD", "BOUL": "BLVD", "BYPASS": "BYP", "BYP": "BYP",
    "CIRCLE": "CIR", "CIR": "CIR", "CIRC": "CIR", "COURT": "CT", "CT": "CT", "COVE": "CV",
    "CV": "CV", "CREEK": "CRK", "CRK": "CRK", "CROSSING": "XING", "XING": "XING",
    "DRIVE": "DR", "DR": "DR", "DRV": "DR", "EXPRESSWAY": "EXPY", "EXPY": "EXPY",
    "EXTENSION": "EXT", "EXT": "EXT", "FREEWAY": "FWY", "FWY": "FWY", "GLEN": "GLN",
    "GLN": "GLN", "GROVE": "GRV", "GRV": "GRV", "HEIGHTS": "HTS", "HTS": "HTS",
    "HIGHWAY": "HWY", "HWY": "HWY", "HILL": "HL", "HL": "HL", "HOLLOW": "HOLW", "HOLW": "HOLW",
    "LANE": "LN", "LN": "LN", "LOOP": "LOOP", "MANOR": "MNR", "MNR": "MNR", "MEADOW": "MDW",
    "MDW": "MDW", "PARKWAY": "PKWY", "PKWY": "PKWY", "PKY": "PKWY", "PARK": "PARK",
    "PASS": "PASS", "PATH": "PATH", "PIKE": "PIKE", "PLACE": "PL", "PL": "PL", "PLAZA": "PLZ",
    "PLZ": "PLZ", "POINT": "PT", "PT": "PT", "RIDGE": "RDG", "RDG": "RDG", "ROAD": "RD",
    "RD": "RD", "ROW": "ROW", "RUN": "RUN", "SQUARE": "SQ", "SQ": "SQ", "STREET": "ST",
    "ST": "ST", "STR": "ST", "TERRACE": "TER", "TER": "TER", "TRACE": "TRCE", "TRCE": "TRCE",
    "TRAIL": "TRL", "TRL": "TRL", "TURNPIKE": "TPKE", "TPKE": "TPKE", "VIEW": "VW", "VW": "VW",
    "WALK": "WALK", "WAY": "WAY", "WY": "WAY",
}  # fmt: skip

_PUNCTUATION = re.compile(r"[^\w\s&@/-]")
_SPACES = re.compile(r"\s+")
# "MAIN ST & MANGUM ST", "MAIN ST AND MANGUM ST", "MAIN ST @ MANGUM ST", "MAIN/MANGUM"
_INTERSECTION = re.compile(r"\s*(?:&|@|/|\bAND\b)\s*")


@dataclass(frozen=True)
class Street:
    """A normalised street: ``full`` is what is shown and matched ("N MANGUM ST"), ``core``
    its name alone ("MANGUM"), kept to find a street typed without its direction or suffix."""

    full: str
    core: str
    direction: str = ""
    suffix: str = ""


@dataclass(frozen=True)
class Query:
    """What a typed location asks for: a house on a street, a street, or a crossing."""

    number: str
    street: Street | None
    cross: Street | None = None


def clean(text: str) -> str:
    """Upper case, no punctuation but the crossings' "&", "@", "/" and "-", single spaces."""
    return _SPACES.sub(" ", _PUNCTUATION.sub(" ", text.upper())).strip()


def _word(value: str, table: dict[str, str]) -> str:
    return table.get(clean(value).replace(" ", ""), clean(value))


def _street_from(parts: dict[str, str], prefix: str = "") -> Street | None:
    name = clean(parts.get(f"{prefix}StreetName", ""))
    pre_type = clean(parts.get(f"{prefix}StreetNamePreType", ""))
    if not name and not pre_type:
        return None
    pre_dir = _word(parts.get(f"{prefix}StreetNamePreDirectional", ""), DIRECTIONS)
    post_type = _word(parts.get(f"{prefix}StreetNamePostType", ""), SUFFIXES)
    post_dir = _word(parts.get(f"{prefix}StreetNamePostDirectional", ""), DIRECTIONS)
    if pre_type:
        # "US HIGHWAY 70": the type is part of the name.
        pre_type = " ".join(SUFFIXES.get(w, w) for w in pre_type.split())
        name = f"{pre_type} {name}".strip()
    full = " ".join(p for p in (pre_dir, name, post_type, post_dir) if p)
    return Street(full=full, core=name, direction=pre_dir or post_dir, suffix=post_type)


@lru_cache(maxsize=65_536)
def street_normalise(text: str) -> Street | None:
    """A street name as an address file spells it ("NORTH MANGUM STREET"), normalised.

    Cached: an address file repeats each of a city's few thousand streets many times."""
    text = clean(text)
    if not text:
        return None
    parts = _tag(f"1 {text}")
    return _street_from(parts) if parts is not None else Street(full=text, core=text)


def _tag(text: str) -> dict[str, str] | None:
    try:
        parts, _kind = usaddress.tag(text)
    except usaddress.RepeatedLabelError:
        return None
    return dict(parts)


def number_int(number: str) -> int | None:
    """The house number as an integer for "nearest number" ("123A" -> 123), when it has one."""
    digits = re.match(r"\d+", number.strip())
    return int(digits.group()) if digits else None


def query_parse(text: str) -> Query | None:
    """A call-taker's typed location: "123 n. mangum st, durham nc", "MAIN & MANGUM"."""
    text = clean(text)
    if not text:
        return None
    sides = [s for s in _INTERSECTION.split(text, maxsplit=1) if s]
    if len(sides) == 2:
        first, second = (street_normalise(s) for s in sides)
        if first and second:
            return Query(number="", street=first, cross=second)
    parts = _tag(text)
    if parts is None:
        return Query(number="", street=Street(full=text, core=text))
    number = clean(parts.get("AddressNumber", ""))
    street = _street_from(parts)
    if street is None and not number:
        # A bare name ("Mangum") is tagged as a place; it is a street to a call-taker.
        street = street_normalise(text)
    return Query(number=number, street=street)


def address_key(number: str, street: str) -> str:
    """The exact key of an address point: "123 N MANGUM ST"."""
    return f"{clean(number)} {street}".strip()
