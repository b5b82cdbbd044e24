"""A dispatcher places a call on the map: the point of a call whose location was unverified
(or wrong), from a click on the board's or the call page's map."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpRequest

from access.audit import audit_record
from dispatch.models import Call
from location.geometry import coordinate_error
from location.selectors import zone_at


def call_locate(
    *, call_id: int, lat: Any, lon: Any, by: Any, request: HttpRequest | None = None
) -> Call:
    """Set the call's point, its zone from the point, and ``location_source = map``.

    Promises: a latitude or longitude that is not a finite number in range is refused by
    field and nothing changes; the audit entry keeps the point before and after."""
    problem = coordinate_error(lat, lon)
    if problem:
        raise ValidationError({problem[0]: [problem[1]]})
    with transaction.atomic():
        call = Call.objects.select_for_update().get(pk=call_id)
        before = {"lat": call.lat, "lon": call.lon, "zone": call.zone}
        call.lat, call.lon = float(lat), float(lon)
        call.zone = zone_at(lat=call.lat, lon=call.lon) or call.zone
        call.location_source = "map"
        call.save(update_fields=["lat", "lon", "zone", "location_source", "updated_at"])
        audit_record(
            action="call.locate",
            user=by,
            obj=call,
            request=request,
            detail={"before": before, "lat": call.lat, "lon": call.lon, "zone": call.zone},
        )
    return call
