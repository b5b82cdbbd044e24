"""Points and polygons checked and tested in Python (no PostGIS): a city's zones are a few
dozen polygons, tested against one point at a time."""

from __future__ import annotations

import math
from typing import Any

Ring = list[list[float]]


def coordinate_error(lat: Any, lon: Any) -> tuple[str, str] | None:
    """(field, problem) when a latitude/longitude pair is not a point on Earth."""
    for name, value, limit in (("lat", lat, 90.0), ("lon", lon, 180.0)):
        if isinstance(value, bool) or not isinstance(value, int | float):
            return name, f"{value!r} is not a number"
        if not math.isfinite(value):
            return name, f"{value!r} is not a finite number"
        if not -limit <= value <= limit:
            return name, f"{value!r} is outside -{limit:g} to {limit:g}"
    return None


def polygons_of(geometry: Any) -> list[list[Ring]]:
    """A GeoJSON Polygon or MultiPolygon as a list of polygons (each a list of rings)."""
    if geometry["type"] == "Polygon":
        return [geometry["coordinates"]]
    return list(geometry["coordinates"])


def geometry_error(geometry: Any) -> str | None:
    """Why a GeoJSON geometry is not a usable zone polygon, or None."""
    if not isinstance(geometry, dict) or geometry.get("type") not in ("Polygon", "MultiPolygon"):
        kind = geometry.get("type") if isinstance(geometry, dict) else type(geometry).__name__
        return f"a zone is a Polygon or MultiPolygon, not {kind!r}"
    coordinates = geometry.get("coordinates")
    if not isinstance(coordinates, list) or not coordinates:
        return "no coordinates"
    try:
        polygons = polygons_of(geometry)
        for polygon in polygons:
            if not isinstance(polygon, list) or not polygon:
                return "a polygon without rings"
            for ring in polygon:
                if not isinstance(ring, list) or len(ring) < 4:
                    return "a ring needs at least 4 positions (the first repeated last)"
                for position in ring:
                    if not isinstance(position, list) or len(position) < 2:
                        return f"{position!r} is not a [lon, lat] position"
                    problem = coordinate_error(position[1], position[0])
                    if problem:
                        return f"position {position!r}: {problem[0]} {problem[1]}"
                if ring[0][:2] != ring[-1][:2]:
                    return f"a ring is not closed: it starts at {ring[0]!r}, ends at {ring[-1]!r}"
    except (KeyError, TypeError):
        return "coordinates are not GeoJSON polygon coordinates"
    return None


def bbox(geometry: Any) -> tuple[float, float, float, float]:
    """(min_lat, max_lat, min_lon, max_lon) of a checked polygon geometry."""
    lons = [p[0] for polygon in polygons_of(geometry) for p in polygon[0]]
    lats = [p[1] for polygon in polygons_of(geometry) for p in polygon[0]]
    return min(lats), max(lats), min(lons), max(lons)


def _in_ring(lat: float, lon: float, ring: Ring) -> bool:
    """Ray casting: a ray east from the point crosses the ring an odd number of times."""
    inside = False
    j = len(ring) - 1
    for i in range(len(ring)):
        xi, yi = ring[i][0], ring[i][1]
        xj, yj = ring[j][0], ring[j][1]
        if (yi > lat) != (yj > lat) and lon < (xj - xi) * (lat - yi) / (yj - yi) + xi:
            inside = not inside
        j = i
    return inside


def contains(geometry: Any, lat: float, lon: float) -> bool:
    """The point is inside an outer ring and outside that polygon's holes."""
    for polygon in polygons_of(geometry):
        if _in_ring(lat, lon, polygon[0]) and not any(_in_ring(lat, lon, h) for h in polygon[1:]):
            return True
    return False
