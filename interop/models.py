"""Partner agencies, the EIDOs they transferred, their endpoints and what was sent to them
(docs/interop.md)."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models

from dispatch.signals import CALL_EVENTS

EVENT_CHOICES = [(event, event.replace("_", " ")) for event in CALL_EVENTS]


class Agency(models.Model):
    """A partner agency: a PSAP that transfers calls, a 988 center, a police department."""

    name = models.CharField(max_length=200, unique=True)
    # The agency's identifier in EIDOs (an agencyComponent's $id, e.g. "durhamnc.gov" or a URN).
    eido_agency_id = models.CharField(
        max_length=255, unique=True, help_text="The agency's $id in EIDOs (a domain or a URN)"
    )
    agency_type = models.CharField(
        max_length=64, default="psap", help_text="IANA urn:emergency:service:responder type"
    )
    users = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        blank=True,
        related_name="partner_agencies",
        help_text="Accounts (role partner) that submit EIDOs for this agency",
    )
    active = models.BooleanField(default=True)

    class Meta:
        ordering = ["name"]
        verbose_name_plural = "agencies"
        permissions = [("submit_eido", "Can transfer calls to the department as an EIDO")]

    def __str__(self) -> str:
        return self.name


class EidoTransfer(models.Model):
    """An incident a partner transferred: its EIDO $id is the idempotency key."""

    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="transfers")
    eido_id = models.CharField(max_length=255)
    call = models.OneToOneField(
        "dispatch.Call", on_delete=models.CASCADE, related_name="eido_transfer"
    )
    received_at = models.DateTimeField()
    last_update_at = models.DateTimeField(help_text="The EIDO's lastUpdateTimeStamp applied")
    updates = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["-received_at"]
        constraints = [
            models.UniqueConstraint(fields=["agency", "eido_id"], name="eido_transfer_unique_id")
        ]

    def __str__(self) -> str:
        return f"{self.agency} {self.eido_id} -> call {self.call_id}"


class PartnerEndpoint(models.Model):
    """Where a partner hears back: an HTTPS URL that receives the updated EIDO, signed."""

    agency = models.ForeignKey(Agency, on_delete=models.CASCADE, related_name="endpoints")
    url = models.URLField(max_length=500)
    secret = models.CharField(max_length=200, help_text="Shared secret: the body's HMAC-SHA256 key")
    events = models.JSONField(
        default=list, help_text=f"Which events to send: any of {', '.join(CALL_EVENTS)}"
    )
    all_calls = models.BooleanField(
        default=False,
        help_text="Every call's events; otherwise only the calls this agency transferred",
    )
    active = models.BooleanField(default=True)

    class Meta:
        ordering = ["agency__name", "url"]

    def __str__(self) -> str:
        return f"{self.agency}: {self.url}"


class PartnerDelivery(models.Model):
    """One event of one call for one endpoint: sent until the partner answers 2xx, retried
    with backoff, dead after PARTNER_MAX_ATTEMPTS. The body is the EIDO as of the event, the
    exact bytes signed and resent on every try."""

    class Status(models.TextChoices):
        PENDING = "pending"
        DELIVERED = "delivered"
        DEAD = "dead"

    delivery_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    endpoint = models.ForeignKey(
        PartnerEndpoint, on_delete=models.PROTECT, related_name="deliveries"
    )
    call = models.ForeignKey(
        "dispatch.Call", on_delete=models.CASCADE, related_name="partner_deliveries"
    )
    event = models.CharField(max_length=16, choices=EVENT_CHOICES)
    # What makes the event one event: the call, the event, the unit and its time.
    event_key = models.CharField(max_length=200)
    body = models.TextField()
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    created_at = models.DateTimeField()
    next_attempt_at = models.DateTimeField()
    # A worker's claim on the row while it posts; another worker takes it over only after it.
    claimed_until = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveIntegerField(default=0)
    last_attempt_at = models.DateTimeField(null=True, blank=True)
    last_status_code = models.PositiveIntegerField(null=True, blank=True)
    last_error = models.CharField(max_length=500, blank=True)
    delivered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["endpoint", "event_key"], name="partner_delivery_once_per_event"
            )
        ]
        indexes = [
            models.Index(
                fields=["next_attempt_at"],
                condition=models.Q(status="pending"),
                name="partner_delivery_due",
            )
        ]

    def __str__(self) -> str:
        return f"{self.event} of call {self.call_id} to {self.endpoint_id} ({self.status})"
