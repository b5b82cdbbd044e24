"""The demo's address data and beats (location/data/README.md): loaded before the calls, so
that the calls of the moment take their zone from their point."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from location.models import AddressPoint
from location.services import addresses_import, zones_import

DATA = Path(__file__).resolve().parent / "data"
DEMO_SOURCE = "durham-demo"


@dataclass(frozen=True)
class LocationSeed:
    points: int
    zones: int


def demo_location_seed() -> LocationSeed:
    """Idempotent: the beats are replaced by name; the points are loaded once."""
    zones = zones_import(path=DATA / "durham_beats.geojson", name_property="BEAT")
    if not AddressPoint.objects.filter(source=DEMO_SOURCE).exists():
        addresses_import(path=DATA / "durham_demo_addresses.csv", source=DEMO_SOURCE)
    return LocationSeed(
        points=AddressPoint.objects.filter(source=DEMO_SOURCE).count(),
        zones=zones.created + zones.updated,
    )
