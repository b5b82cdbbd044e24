"""Reads of the address data: the geocoder, the zone of a point, the base map.

The geocoder turns what a call-taker types into address points, best first, in tiers:
the exact address; the same number on the street typed without its direction or suffix;
the number on a street whose name starts as typed (type-ahead); on a street spelled nearly
so (PostgreSQL's pg_trgm similarity; difflib over the streets elsewhere); then the street
itself. It never answers with a guess: a number with no address point near it on the street
gives nothing rather than the other end of town.
"""

from __future__ import annotations

import difflib
from dataclasses import asdict, dataclass
from typing import Any, Final

from django.db import connection

from location.geo import distance_m
from location.geometry import contains
from location.models import AddressPoint, Street, Zone
from location.normalize import Query, address_key, query_parse
from location.normalize import Street as TypedStreet

__all__ = ["GeocodeResult", "basemap", "geocode", "zone_at", "zones_all"]

# House numbers this far from the one asked for still place a call on the right block.
NEAR_NUMBERS: Final = 100
# Two streets cross where points of each lie within this of each other.
CROSSING_M: Final = 120.0
TRIGRAM_MIN: Final = 0.45
DIFFLIB_MIN: Final = 0.8


@dataclass(frozen=True)
class GeocodeResult:
    address: str
    lat: float
    lon: float
    zone: str
    match: str  # "address_point" or "street"
    score: float

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def geocode(*, q: str, limit: int = 5) -> list[GeocodeResult]:
    """Up to ``limit`` places for a typed location, best first; [] when nothing matches."""
    query = query_parse(q[:200])
    if query is None or query.street is None:
        return []
    if query.cross is not None:
        found = _crossing(query.street, query.cross)
    elif query.number:
        found = _addresses(query, limit)
    else:
        found = [
            (s.name, *_street_middle(s), "street", score)
            for s, score in _streets(query.street, limit)
        ]
    results: list[GeocodeResult] = []
    zones = zones_all()
    seen: set[str] = set()
    for address, lat, lon, match, score in sorted(found, key=lambda f: -f[4]):
        if address in seen:
            continue
        seen.add(address)
        results.append(
            GeocodeResult(
                address=address,
                lat=round(lat, 6),
                lon=round(lon, 6),
                zone=zone_at(lat=lat, lon=lon, zones=zones),
                match=match,
                score=round(score, 2),
            )
        )
        if len(results) >= limit:
            break
    return results


Found = tuple[str, float, float, str, float]


def _point_found(point: AddressPoint, score: float) -> Found:
    label = f"{point.key}{' UNIT ' + point.unit if point.unit else ''}"
    return label, point.lat, point.lon, "address_point", score


def _addresses(query: Query, limit: int) -> list[Found]:
    if query.street is None:
        return []
    exact = list(AddressPoint.objects.filter(key=address_key(query.number, query.street.full)))
    if exact:
        return [_point_found(p, 1.0) for p in exact[:limit]]
    found: list[Found] = []
    streets = _streets(query.street, limit)
    by_name = {s.name: score for s, score in streets}
    points = AddressPoint.objects.filter(street__in=list(by_name), number=query.number)
    found += [_point_found(p, by_name[p.street] * 0.95) for p in points[: limit * 2]]
    if found:
        return found
    # No such number: the nearest numbers on the street, when on the same block or the next.
    wanted = _int(query.number)
    if wanted is None:
        return []
    for street, score in streets:
        near = (
            AddressPoint.objects.filter(
                street=street.name,
                number_int__gte=wanted - NEAR_NUMBERS,
                number_int__lte=wanted + NEAR_NUMBERS,
            )
            .order_by("number_int")
            .only("lat", "lon", "number_int")
        )
        best = min(near, key=lambda p: abs((p.number_int or 0) - wanted), default=None)
        if best is not None:
            found.append(
                (f"{query.number} {street.name}", best.lat, best.lon, "street", score * 0.6)
            )
    return found


def _int(number: str) -> int | None:
    digits = "".join(c for c in number if c.isdigit())
    return int(digits) if digits and number[0].isdigit() else None


def _compatible(typed: TypedStreet, name: str) -> bool:
    """A street typed with a direction or a suffix matches only streets that have them."""
    words = name.split()
    return all(part in words for part in (typed.direction, typed.suffix) if part)


def _streets(typed: TypedStreet, limit: int) -> list[tuple[Street, float]]:
    """Streets for a typed street, best first, each with a score from 0 to 1."""
    exact = list(Street.objects.filter(name=typed.full))
    if exact:
        return [(s, 1.0) for s in exact]
    same_core = [s for s in Street.objects.filter(core=typed.core) if _compatible(typed, s.name)]
    if same_core:
        return [(s, 0.9) for s in same_core]
    found: list[tuple[Street, float]] = []
    if len(typed.core) >= 2:
        prefixed = Street.objects.filter(core__startswith=typed.core).order_by("-points")
        found = [(s, 0.8) for s in prefixed[: limit * 4] if _compatible(typed, s.name)][:limit]
    if found or len(typed.core) < 4:
        return found
    return [(s, score) for s, score in _similar(typed.core, limit) if _compatible(typed, s.name)]


def _similar(core: str, limit: int) -> list[tuple[Street, float]]:
    """Streets spelled nearly as typed ("MANGUN" for "MANGUM")."""
    if connection.vendor == "postgresql":
        from django.contrib.postgres.lookups import TrigramSimilar
        from django.contrib.postgres.search import TrigramSimilarity

        # "core % text" (pg_trgm's operator) is what the trigram index answers; the
        # similarity is computed only for the streets it returns.
        Street._meta.get_field("core").register_lookup(TrigramSimilar)
        rows = (
            Street.objects.filter(core__trigram_similar=core)
            .annotate(similarity=TrigramSimilarity("core", core))
            .filter(similarity__gte=TRIGRAM_MIN)
            .order_by("-similarity", "-points")[:limit]
        )
        return [(s, 0.7 * float(s.similarity)) for s in rows]
    cores = list(Street.objects.values_list("core", flat=True).distinct())
    close = difflib.get_close_matches(core, cores, n=limit, cutoff=DIFFLIB_MIN)
    streets = Street.objects.filter(core__in=close)
    return [(s, 0.7 * difflib.SequenceMatcher(None, core, s.core).ratio()) for s in streets[:limit]]


def _street_middle(street: Street) -> tuple[float, float]:
    """A point on the street near its middle (a bent street's centre may be off it)."""
    vertices = [v for run in street.path for v in run] or [[street.lat, street.lon]]
    lat, lon = min(vertices, key=lambda v: distance_m(v[0], v[1], street.lat, street.lon))
    return float(lat), float(lon)


def _crossing(first: TypedStreet, second: TypedStreet) -> list[Found]:
    """Where two streets cross: the closest blocks of the two, then their closest points."""
    found: list[Found] = []
    for a, score_a in _streets(first, 3):
        for b, score_b in _streets(second, 3):
            if a.pk == b.pk:
                continue
            pair = _closest([v for run in a.path for v in run], [v for run in b.path for v in run])
            if pair is None or pair[0] > 4 * CROSSING_M:
                continue
            _d, va, vb = pair
            lat, lon = (va[0] + vb[0]) / 2, (va[1] + vb[1]) / 2
            refined = _closest(_points_near(a.name, lat, lon), _points_near(b.name, lat, lon))
            if refined is not None and refined[0] <= CROSSING_M:
                _d, va, vb = refined
            elif refined is None or refined[0] > 4 * CROSSING_M:
                continue
            found.append(
                (
                    f"{a.name} & {b.name}",
                    (va[0] + vb[0]) / 2,
                    (va[1] + vb[1]) / 2,
                    "street",
                    min(score_a, score_b),
                )
            )
    return found


def _points_near(street: str, lat: float, lon: float) -> list[list[float]]:
    span = 0.01  # about a kilometre: the blocks either side of the crossing
    rows = AddressPoint.objects.filter(
        street=street,
        lat__range=(lat - span, lat + span),
        lon__range=(lon - span, lon + span),
    ).values_list("lat", "lon")[:2000]
    return [[la, lo] for la, lo in rows]


def _closest(
    a: list[list[float]], b: list[list[float]]
) -> tuple[float, list[float], list[float]] | None:
    best: tuple[float, list[float], list[float]] | None = None
    for va in a:
        for vb in b:
            d = distance_m(va[0], va[1], vb[0], vb[1])
            if best is None or d < best[0]:
                best = (d, va, vb)
    return best


def zones_all() -> list[tuple[str, tuple[float, float, float, float], Any]]:
    return [
        (z.name, (z.min_lat, z.max_lat, z.min_lon, z.max_lon), z.geometry)
        for z in Zone.objects.order_by("name")
    ]


def zone_at(*, lat: float, lon: float, zones: list[Any] | None = None) -> str:
    """The name of the zone holding the point, or "" outside every zone. ``zones`` (from
    ``zones_all``) saves the query when placing many points."""
    for name, (min_lat, max_lat, min_lon, max_lon), geometry in (
        zones if zones is not None else zones_all()
    ):
        if min_lat <= lat <= max_lat and min_lon <= lon <= max_lon and contains(geometry, lat, lon):
            return name
    return ""


def basemap() -> dict[str, Any]:
    """The department's own base layer as GeoJSON: zones as polygons, streets as lines."""
    features: list[dict[str, Any]] = [
        {
            "type": "Feature",
            "properties": {"kind": "zone", "name": name},
            "geometry": geometry,
        }
        for name, _box, geometry in zones_all()
    ]
    for name, path in Street.objects.values_list("name", "path"):
        lines = [[[lon, lat] for lat, lon in run] for run in path if len(run) >= 2]
        if lines:
            features.append(
                {
                    "type": "Feature",
                    "properties": {"kind": "street", "name": name},
                    "geometry": {"type": "MultiLineString", "coordinates": lines},
                }
            )
    return {"type": "FeatureCollection", "features": features}
