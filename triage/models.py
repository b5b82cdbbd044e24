"""Call types, label mappings, schedules and versioned rule sets (docs/domain.md sections 3-5)."""

from __future__ import annotations

import re

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models

from triage.vocabulary import DEPARTMENT_SERVICES, FAMILIES, PRIORITIES, ROUTES

ROUTE_CHOICES = [(code, code) for code in ROUTES]
PRIORITY_CHOICES = [(p, p) for p in PRIORITIES]
FAMILY_CHOICES = [(f, f) for f in FAMILIES]
SERVICE_CHOICES = [(s, s) for s in DEPARTMENT_SERVICES]
WEEKDAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]

_CLOCK = re.compile(r"^(?:[01]\d|2[0-3]):[0-5]\d$|^24:00$")


def validate_clock(value: str) -> None:
    if not _CLOCK.match(value):
        raise ValidationError(f"{value!r} is not a time of day HH:MM between 00:00 and 24:00")


class CallType(models.Model):
    code = models.CharField(max_length=40, primary_key=True)
    label = models.CharField(max_length=100)
    family = models.CharField(max_length=16, choices=FAMILY_CHOICES)
    default_priority = models.CharField(max_length=2, choices=PRIORITY_CHOICES)
    active = models.BooleanField(default=True)

    class Meta:
        ordering = ["family", "code"]

    def __str__(self) -> str:
        return f"{self.code} ({self.label})"


class CallTypeMapping(models.Model):
    """An external CAD label (one city's wording) mapped onto a canonical call type."""

    source = models.CharField(max_length=40, help_text="Which CAD or city uses this label")
    external_label = models.CharField(max_length=120)
    call_type = models.ForeignKey(CallType, on_delete=models.PROTECT, related_name="mappings")

    class Meta:
        ordering = ["source", "external_label"]
        constraints = [
            models.UniqueConstraint(
                fields=["source", "external_label"], name="mapping_unique_label_per_source"
            )
        ]

    def __str__(self) -> str:
        return f"{self.source}: {self.external_label} -> {self.call_type_id}"


class ServiceSchedule(models.Model):
    """One weekly on-duty window of a department service, in the department's time zone."""

    service = models.CharField(max_length=16, choices=SERVICE_CHOICES)
    weekday = models.PositiveSmallIntegerField(choices=list(enumerate(WEEKDAYS)))
    start = models.CharField(
        max_length=5, validators=[validate_clock], help_text="HH:MM, inclusive"
    )
    end = models.CharField(
        max_length=5, validators=[validate_clock], help_text="HH:MM, exclusive; 24:00 = midnight"
    )

    class Meta:
        ordering = ["service", "weekday", "start"]

    def __str__(self) -> str:
        return f"{self.service} {WEEKDAYS[self.weekday]} {self.start}-{self.end}"

    def as_dict(self) -> dict[str, object]:
        return {
            "service": self.service,
            "weekday": self.weekday,
            "start": self.start,
            "end": self.end,
        }


class RuleSet(models.Model):
    """A numbered version of the routing policy. Published versions never change."""

    class Status(models.TextChoices):
        DRAFT = "draft"
        PUBLISHED = "published"
        RETIRED = "retired"

    version = models.PositiveIntegerField(unique=True)
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.DRAFT)
    rules = models.JSONField(default=list)
    fallback = models.JSONField(default=dict)
    description = models.CharField(max_length=200, blank=True)
    based_on = models.ForeignKey("self", null=True, blank=True, on_delete=models.PROTECT)
    created_at = models.DateTimeField()
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    published_at = models.DateTimeField(null=True, blank=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["-version"]
        permissions = [
            ("edit_ruleset", "Can edit draft triage rule sets"),
            ("publish_ruleset", "Can publish triage rule sets"),
        ]
        constraints = [
            # Exactly one published version is in force at any time.
            models.UniqueConstraint(
                fields=["status"],
                condition=models.Q(status="published"),
                name="ruleset_one_published",
            )
        ]

    def __str__(self) -> str:
        return f"Rule set v{self.version} ({self.status})"
