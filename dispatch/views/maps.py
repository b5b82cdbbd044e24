"""What the Leaflet maps of the board and the call page draw: units at their last position,
with the instants the browser needs to show each position's age and fade the stale ones
(static/js/unit_markers.js). The board's poll answers 204 while nothing changes, so the ages
are counted in the browser, from the server's clock at render time, not from the browser's."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any

from django.conf import settings

from dispatch.models import Unit
from dispatch.selectors import position_stale_after

# What a unit marker reads of a unit.
MAP_UNIT_FIELDS = (
    "id",
    "lat",
    "lon",
    "position_at",
    "position_accuracy_m",
    "name",
    "kind",
    "status",
)


def _ms(instant: datetime) -> int:
    return int(instant.timestamp() * 1000)


def map_frame(now: datetime) -> dict[str, Any]:
    """The map's settings: tiles, centre, the server's clock and the stale threshold."""
    return {
        "tiles": settings.MAP_TILE_URL,
        "center": list(settings.MAP_CENTER),
        "server_ms": _ms(now),
        "stale_after_ms": int(position_stale_after().total_seconds() * 1000),
    }


def unit_markers(units: Iterable[Unit]) -> list[dict[str, Any]]:
    """Each field unit with a position: where, since when, how precise, and its status. CCD
    positions are desks in the 911 center, not on the street: not drawn."""
    return [
        {
            "id": u.pk,
            "lat": u.lat,
            "lon": u.lon,
            "position_ms": _ms(u.position_at) if u.position_at else None,
            "accuracy_m": u.position_accuracy_m,
            "name": u.name,
            "kind": u.kind,
            "status": u.status,
        }
        for u in units
        if u.lat is not None and u.lon is not None and u.kind != "CCD"
    ]
