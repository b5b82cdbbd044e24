"""Writes of interop: EIDO intake, and the deliveries partners hear back through."""

from interop.services.deliveries import (
    deliveries_retry,
    delivery_attempt,
    partner_event_record,
    signature,
)
from interop.services.intake import EidoIntake, eido_intake

__all__ = [
    "EidoIntake",
    "deliveries_retry",
    "delivery_attempt",
    "eido_intake",
    "partner_event_record",
    "signature",
]
