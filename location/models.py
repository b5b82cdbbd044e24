"""The department's address data: address points, the streets they make, zones (beats)."""

from __future__ import annotations

from django.db import models


class AddressPoint(models.Model):
    """One address with its point, as a source file gave it (OpenAddresses, NENA NG911).

    ``street`` is normalised (location/normalize.py: "N MANGUM ST"), ``street_core`` is its
    name alone ("MANGUM") and ``key`` the exact lookup ("123 N MANGUM ST")."""

    source = models.CharField(max_length=60)
    source_id = models.CharField(max_length=120, blank=True)
    number = models.CharField(max_length=20)
    number_int = models.IntegerField(null=True, blank=True)
    street = models.CharField(max_length=120)
    street_core = models.CharField(max_length=100)
    key = models.CharField(max_length=140)
    unit = models.CharField(max_length=40, blank=True)
    city = models.CharField(max_length=80, blank=True)
    region = models.CharField(max_length=40, blank=True)
    postcode = models.CharField(max_length=20, blank=True)
    lat = models.FloatField()
    lon = models.FloatField()

    class Meta:
        indexes = [
            models.Index(fields=["key"], name="location_ap_key"),
            models.Index(fields=["street", "number_int"], name="location_ap_street_number"),
        ]

    def __str__(self) -> str:
        return self.key


class Street(models.Model):
    """A street of the address data, aggregated from its points at import: what the geocoder
    matches a typed street against (a city has thousands, not millions), and the line the
    base map draws. ``path`` is [[lat, lon], ...] runs in house-number order, split where
    two consecutive points are far apart."""

    name = models.CharField(max_length=120, unique=True)
    core = models.CharField(max_length=100)
    points = models.PositiveIntegerField()
    lat = models.FloatField()
    lon = models.FloatField()
    path = models.JSONField(default=list)

    class Meta:
        indexes = [models.Index(fields=["core"], name="location_street_core")]

    def __str__(self) -> str:
        return self.name


class Zone(models.Model):
    """A zone or police beat: a polygon (GeoJSON coordinates of a Polygon or MultiPolygon,
    rings closed) with its bounding box, which answers most "which zone?" without the
    polygon."""

    name = models.CharField(max_length=40, unique=True)
    source = models.CharField(max_length=200, blank=True)
    geometry = models.JSONField()
    min_lat = models.FloatField()
    max_lat = models.FloatField()
    min_lon = models.FloatField()
    max_lon = models.FloatField()

    def __str__(self) -> str:
        return self.name
