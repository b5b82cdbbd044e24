"""Rollups of the calls table for the supervisor dashboards (docs/dashboards.md).

Every rollup row is a sum over the calls received on one day in the department's time zone
(grain "d"), or over one calendar month of those day rows (grain "m", `day` is the 1st), so a
year reads twelve months instead of 365 days. A day is recomputed as a whole from the base
table whenever one of its calls changes, then its month from its days
(dashboards/rollups.py). Nothing else writes these tables. Codes are plain strings, not
foreign keys: a rollup may be rebuilt at any time, and never blocks a change to a call type.
"""

from __future__ import annotations

from django.db import models

DAY = "d"
MONTH = "m"
GRAINS = [(DAY, "day"), (MONTH, "month")]


def _grain() -> models.CharField[str, str]:
    # A database default: the rollup statements insert day rows without naming the column.
    return models.CharField(max_length=1, choices=GRAINS, db_default=DAY)


class CallRollup(models.Model):
    """Calls received on one local day, by route, eligible route, unserved reason, call type
    and source, with the sums every call metric of the dashboards needs."""

    grain = _grain()
    day = models.DateField()
    source = models.CharField(max_length=40)
    call_type = models.CharField(max_length=40)
    route = models.CharField(max_length=16)
    eligible_route = models.CharField(max_length=16)
    unserved_reason = models.CharField(max_length=16)
    calls = models.PositiveIntegerField()
    # Call processing time (received -> first dispatch), for calls with a non-negative one.
    processing_n = models.PositiveIntegerField()
    processing_sum_s = models.FloatField()
    processing_within_60 = models.PositiveIntegerField()
    # Response time (received -> first on scene).
    response_n = models.PositiveIntegerField()
    response_sum_s = models.FloatField()
    # Time on scene until the call closed (first on scene -> closed), at most 12 hours: what
    # the police time per call type is learned from.
    scene_n = models.PositiveIntegerField()
    scene_sum_s = models.FloatField()
    # Department assignments (HEART, CO_RESPONSE and CCD units) on these calls, their
    # felt-safe answers, backup requests and handoffs.
    department_responses = models.PositiveIntegerField()
    safety_n = models.PositiveIntegerField()
    safety_yes = models.PositiveIntegerField()
    backups = models.PositiveIntegerField()
    handoffs = models.PositiveIntegerField()
    police_took_over = models.PositiveIntegerField()
    # Police arriving uninvited on these calls (field events; docs/police_and_988.md).
    police_uninvited = models.PositiveIntegerField(default=0)

    class Meta:
        default_permissions = ()
        constraints = [
            models.UniqueConstraint(
                fields=[
                    "grain",
                    "day",
                    "source",
                    "call_type",
                    "route",
                    "eligible_route",
                    "unserved_reason",
                ],
                name="dash_call_rollup_key",
            )
        ]

    def __str__(self) -> str:
        return f"{self.day} {self.source} {self.call_type} {self.route}: {self.calls}"


class CallHistogram(models.Model):
    """Fixed-width histogram of response or processing times, per local day, source and route.
    Percentiles over any run of days are read from the summed buckets."""

    class Measure(models.TextChoices):
        RESPONSE = "response"
        PROCESSING = "processing"

    grain = _grain()
    day = models.DateField()
    source = models.CharField(max_length=40)
    route = models.CharField(max_length=16)
    measure = models.CharField(max_length=10, choices=Measure.choices)
    bucket = models.PositiveSmallIntegerField()
    calls = models.PositiveIntegerField()

    class Meta:
        default_permissions = ()
        constraints = [
            models.UniqueConstraint(
                fields=["grain", "day", "source", "route", "measure", "bucket"],
                name="dash_histogram_key",
            )
        ]

    def __str__(self) -> str:
        return f"{self.day} {self.route} {self.measure}[{self.bucket}] = {self.calls}"


class EligibleHourRollup(models.Model):
    """Calls eligible for a department service, by local day and hour, with where they went:
    the hour-of-week picture of served calls against calls outside hours."""

    grain = _grain()
    day = models.DateField()
    weekday = models.PositiveSmallIntegerField()  # ISO: 1 = Monday ... 7 = Sunday
    hour = models.PositiveSmallIntegerField()
    source = models.CharField(max_length=40)
    eligible_route = models.CharField(max_length=16)
    route = models.CharField(max_length=16)
    unserved_reason = models.CharField(max_length=16)
    calls = models.PositiveIntegerField()

    class Meta:
        default_permissions = ()
        constraints = [
            models.UniqueConstraint(
                fields=[
                    "grain",
                    "day",
                    "weekday",
                    "hour",
                    "source",
                    "eligible_route",
                    "route",
                    "unserved_reason",
                ],
                name="dash_eligible_hour_key",
            )
        ]

    def __str__(self) -> str:
        return f"{self.day} {self.hour:02d}h {self.eligible_route}->{self.route}: {self.calls}"


class PersonDayRollup(models.Model):
    """Department responses (assignments of HEART, CO_RESPONSE and CCD units) on the calls
    about one person received on one local day: what familiar neighbors are counted from."""

    grain = _grain()
    day = models.DateField()
    source = models.CharField(max_length=40)
    person_id = models.BigIntegerField()
    responses = models.PositiveIntegerField()

    class Meta:
        default_permissions = ()
        constraints = [
            models.UniqueConstraint(
                fields=["grain", "day", "source", "person_id"], name="dash_person_day_key"
            )
        ]

    def __str__(self) -> str:
        return f"{self.day} person {self.person_id}: {self.responses}"


class RollupState(models.Model):
    """The one row that serialises rollup refreshes (locked FOR UPDATE) and keeps the
    watermark: every call updated at or after it is treated as not yet rolled up."""

    name = models.CharField(max_length=32, unique=True)
    watermark = models.DateTimeField(null=True, blank=True)
    refreshed_at = models.DateTimeField(null=True, blank=True)
    reconciled_at = models.DateTimeField(null=True, blank=True)
    last_days = models.PositiveIntegerField(default=0)
    last_seconds = models.FloatField(default=0.0)

    class Meta:
        default_permissions = ()
        permissions = [("view_dashboards", "Can view the supervisor dashboards and reports")]

    def __str__(self) -> str:
        return f"{self.name} up to {self.watermark}"


class DispositionRollup(models.Model):
    """Calls received on one local day by how they ended: the field's disposition and the
    phone line's (CCD) disposition, both blank for a call that has neither yet, and how a
    transfer to 988 went (warm, cold, blank for none)."""

    grain = _grain()
    day = models.DateField()
    source = models.CharField(max_length=40)
    disposition = models.CharField(max_length=32)
    ccd_disposition = models.CharField(max_length=32)
    transfer_988 = models.CharField(max_length=4, default="")
    calls = models.PositiveIntegerField()

    class Meta:
        default_permissions = ()
        constraints = [
            models.UniqueConstraint(
                fields=["grain", "day", "source", "disposition", "ccd_disposition", "transfer_988"],
                name="dash_disposition_key",
            )
        ]

    def __str__(self) -> str:
        return f"{self.day} {self.disposition}/{self.ccd_disposition}: {self.calls}"
