"""Calls, units and assignments (docs/domain.md section 6)."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from dispatch.outcome_vocabulary import (
    AGE_BANDS,
    FLAGS,
    GENDERS,
    HOUSING_STATUSES,
    NOT_COLLECTED,
    RACE_ETHNICITY,
    TRANSPORT_BY,
    TRANSPORT_TO,
    TRANSPORT_VOLUNTARY,
    VETERAN_STATUSES,
)
from triage.models import PRIORITY_CHOICES, ROUTE_CHOICES
from workforce.vocabulary import language_label

UNSERVED_REASONS = [
    ("outside_hours", "outside hours"),
    ("no_unit", "no unit available"),
    ("override", "call-taker override"),
]
DISPOSITIONS = [
    ("resolved_on_scene", "Resolved on scene"),
    ("referred_to_care_navigation", "Referred to care navigation"),
    ("transported_hospital", "Transported to hospital"),
    ("transported_crisis_center", "Transported to crisis center"),
    ("police_took_over", "Police took over"),
    ("refused_services", "Refused services"),
    ("gone_on_arrival", "Gone on arrival"),
    ("other", "Other"),
]
# The phone line's own outcomes (docs/ccd.md): how a CCD clinician ended a call on the phone.
# Converting it to a field response is ccd_convert; the five others resolve it by phone.
CCD_CONVERTED = "converted_to_field_response"
CCD_DISPOSITIONS = [
    ("resolved_by_phone", "Resolved by phone"),
    ("safety_plan_made", "Safety plan made"),
    ("referred_to_care_navigation", "Referred to care navigation"),
    ("transferred_to_988", "Transferred to 988"),
    (CCD_CONVERTED, "Converted to field response"),
    ("caller_disconnected", "Caller disconnected"),
]
CCD_RESOLUTIONS = [(code, label) for code, label in CCD_DISPOSITIONS if code != CCD_CONVERTED]
# How a call ended: the field's disposition when its last unit cleared, the phone line's when
# CCD resolved it by phone.
CALL_DISPOSITIONS = [*DISPOSITIONS, *(d for d in CCD_RESOLUTIONS if d not in DISPOSITIONS)]
# Who reported a unit's last position.
POSITION_SOURCES = [
    ("responder", "a member's phone"),
    ("avl", "vehicle AVL feed"),
    ("dispatcher", "a dispatcher"),
    ("demo", "demo data"),
]
# A transfer to the regional 988 center (docs/police_and_988.md): warm, the clinician stays on
# the line until 988 answers and is told the story; cold, the caller is given the number or
# put through without a hand-over.
CCD_TRANSFERRED_TO_988 = "transferred_to_988"
TRANSFERS_988 = [("warm", "Warm (hand-over on the line)"), ("cold", "Cold (no hand-over)")]
# The source of a call police asked the department to take (docs/police_and_988.md).
POLICE_HANDOFF_SOURCE = "police_handoff"
# Why a dispatcher cancelled a call (docs/calls.md): no unit goes, and any on the way return.
CANCEL_REASONS = [
    ("caller_hung_up", "Caller hung up, no callback"),
    ("no_response_needed", "No response needed"),
    ("handled_by_caller", "Resolved before a unit went"),
    ("other", "Other"),
]


class Unit(models.Model):
    class Status(models.TextChoices):
        AVAILABLE = "available", "Available"
        DISPATCHED = "dispatched", "Dispatched"
        EN_ROUTE = "en_route", "En route"
        ON_SCENE = "on_scene", "On scene"
        TRANSPORTING = "transporting", "Transporting"
        OUT_OF_SERVICE = "out_of_service", "Out of service"
        OFF_DUTY = "off_duty", "Off duty"

    name = models.CharField(max_length=40, unique=True)
    kind = models.CharField(max_length=16, choices=ROUTE_CHOICES)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.AVAILABLE)
    members = models.ManyToManyField(settings.AUTH_USER_MODEL, blank=True, related_name="units")
    # The last known position (docs/location.md, "Unit positions (AVL)"): only the newest is
    # kept, written by dispatch.services.unit_position_report from a phone or an AVL feed.
    lat = models.FloatField(null=True, blank=True)
    lon = models.FloatField(null=True, blank=True)
    position_at = models.DateTimeField(null=True, blank=True)
    position_accuracy_m = models.FloatField(null=True, blank=True)
    position_source = models.CharField(
        max_length=16, choices=POSITION_SOURCES, blank=True, default="", db_default=""
    )
    status_changed_at = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True, db_index=True)

    class Meta:
        ordering = ["kind", "name"]
        indexes = [models.Index(fields=["kind", "status"])]
        permissions = [
            ("report_unit_position", "Can report any unit's position (a vehicle AVL feed)"),
        ]

    def __str__(self) -> str:
        return self.name


LOCATION_SOURCES = [
    ("address_point", "address point"),
    ("street", "street"),
    ("typed", "typed coordinates"),
    ("map", "placed on the map"),
]
# What a call-taker's client may say at intake: a point placed on the map is a dispatcher's.
LOCATION_SOURCES_AT_INTAKE = [(code, label) for code, label in LOCATION_SOURCES if code != "map"]


class Call(models.Model):
    class Status(models.TextChoices):
        QUEUED = "queued"  # waiting for a unit
        HELD = "held"  # held for a department unit, falls back after the hold
        PHONE = "phone"  # with a CCD clinician on the phone
        ACTIVE = "active"  # at least one unit assigned
        CLOSED = "closed"
        LINKED = "linked"  # a duplicate of another incident

    source = models.CharField(max_length=40, default="console")
    external_id = models.CharField(max_length=64, null=True, blank=True)
    # As the source CAD recorded them (imported history): its own priority and disposition codes.
    source_priority = models.CharField(max_length=16, blank=True)
    source_disposition = models.CharField(max_length=64, blank=True)
    # A call a partner agency transferred (NENA EIDO, docs/interop.md): the agency's name, as
    # the board shows it, the EIDO's $id, and the EIDO's lastUpdateTimeStamp last applied.
    transferred_from = models.CharField(max_length=200, blank=True, default="", db_default="")
    source_ref = models.CharField(max_length=255, blank=True, default="", db_default="")
    source_updated_at = models.DateTimeField(null=True, blank=True)
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.QUEUED)
    updated_at = models.DateTimeField(auto_now=True, db_index=True)
    held_until = models.DateTimeField(null=True, blank=True)

    received_at = models.DateTimeField()
    created_at = models.DateTimeField()
    triaged_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    # Derived from the assignments and kept by the services, so that metrics read one table:
    # call processing time = first_dispatched_at - received_at, response time = first_on_scene_at
    # - received_at. Imported history fills them from the source's own times.
    first_dispatched_at = models.DateTimeField(null=True, blank=True)
    first_on_scene_at = models.DateTimeField(null=True, blank=True)

    # The foreign keys' indexes are declared in Meta (see there), not by db_index.
    call_type = models.ForeignKey("triage.CallType", on_delete=models.PROTECT, db_index=False)
    external_label = models.CharField(max_length=120, blank=True)
    address = models.CharField(max_length=200, blank=True)
    lat = models.FloatField(null=True, blank=True)
    lon = models.FloatField(null=True, blank=True)
    zone = models.CharField(max_length=40, blank=True, help_text="Zone or beat")
    # Where the point came from (docs/location.md). A call without a point is an "unverified
    # location" on the board until a dispatcher places it; the landmark says where to look.
    # Database defaults on the fields added since the importer's COPY path was written: it
    # names only the columns it fills (dispatch/importer/postgres.py).
    location_source = models.CharField(
        max_length=20, blank=True, choices=LOCATION_SOURCES, default="", db_default=""
    )
    landmark = models.CharField(max_length=200, blank=True, default="", db_default="")
    caller_name = models.CharField(max_length=200, blank=True)
    callback_number = models.CharField(max_length=40, blank=True)
    narrative = models.TextField(blank=True)
    # Language access: the caller's language (an ISO 639 code of workforce.vocabulary; blank =
    # not recorded) and whether an interpreter was used at intake.
    caller_language = models.CharField(max_length=8, blank=True, default="", db_default="")
    interpreter_used = models.BooleanField(default=False, db_default=False)
    person = models.ForeignKey(
        "people.Person",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="calls",
        db_index=False,
    )
    answers = models.JSONField(default=dict, blank=True)

    eligible_route = models.CharField(max_length=16, choices=ROUTE_CHOICES, blank=True)
    route = models.CharField(max_length=16, choices=ROUTE_CHOICES, blank=True)
    priority = models.CharField(max_length=2, choices=PRIORITY_CHOICES, blank=True)
    rule = models.CharField(max_length=64, blank=True)
    ruleset_version = models.PositiveIntegerField(null=True, blank=True)
    unserved_reason = models.CharField(max_length=16, choices=UNSERVED_REASONS, blank=True)
    override_reason = models.CharField(max_length=500, blank=True)
    explanation = models.CharField(max_length=300, blank=True)

    disposition = models.CharField(max_length=32, choices=CALL_DISPOSITIONS, blank=True)
    # What the CCD clinician did with the call on the phone; kept when a converted call is
    # later cleared in the field with a field disposition. The database default lets the
    # INSERTs that name their columns (the importer's COPY path) leave it out.
    ccd_disposition = models.CharField(
        max_length=32, choices=CCD_DISPOSITIONS, blank=True, default="", db_default=""
    )
    # How the call was transferred to 988 ("warm" or "cold"), when it was; blank otherwise.
    transfer_988 = models.CharField(
        max_length=4, choices=TRANSFERS_988, blank=True, default="", db_default=""
    )
    # Set when a dispatcher cancelled the call (its FieldEvent "cancelled" holds the text).
    # The database default lets the importer's COPY path leave it out, as ccd_disposition.
    cancel_reason = models.CharField(
        max_length=24, choices=CANCEL_REASONS, blank=True, default="", db_default=""
    )
    # Referral to care navigation at clearing: None = not offered, False = declined (a count,
    # no case), True = consented (a case was opened).
    referral_consent = models.BooleanField(null=True, blank=True)
    duplicate_of = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="duplicates",
        db_index=False,
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        db_index=False,
    )

    class Meta:
        ordering = ["-received_at"]
        permissions = [
            ("log_call", "Can log calls (call intake)"),
            ("override_route", "Can override the triage route"),
            ("dispatch_call", "Can assign units and work the board"),
            ("work_ccd_queue", "Can work the CCD phone queue"),
            ("respond_call", "Can update own unit and clear its call"),
            ("request_handoff", "Can ask the department to take a call (police)"),
        ]
        # Every index costs each inserted call, and a city's history is millions of closed,
        # imported calls: what only open or console calls need is a partial index that those
        # rows skip (no person, duplicate or creator; never open). The call type's index has no
        # varchar_pattern_ops twin (nothing searches codes by prefix).
        indexes = [
            models.Index(
                fields=["status", "priority"],
                condition=models.Q(status__in=["queued", "held", "phone", "active"]),
                name="call_open_status",
            ),
            models.Index(fields=["address"]),
            models.Index(fields=["route", "received_at"]),
            models.Index(fields=["call_type"], name="call_call_type"),
            models.Index(
                fields=["person"], condition=models.Q(person__isnull=False), name="call_person"
            ),
            models.Index(
                fields=["duplicate_of"],
                condition=models.Q(duplicate_of__isnull=False),
                name="call_duplicate_of",
            ),
            models.Index(
                fields=["created_by"],
                condition=models.Q(created_by__isnull=False),
                name="call_created_by",
            ),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["source", "external_id"],
                condition=models.Q(external_id__isnull=False),
                name="call_unique_external_id",
            )
        ]

    def __str__(self) -> str:
        return f"Call {self.pk} {self.call_type_id}"

    @property
    def caller_language_label(self) -> str:
        return language_label(self.caller_language) if self.caller_language else ""


class Assignment(models.Model):
    """One unit on one call, with its timestamps."""

    call = models.ForeignKey(Call, on_delete=models.CASCADE, related_name="assignments")
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="assignments")
    dispatched_at = models.DateTimeField()
    en_route_at = models.DateTimeField(null=True, blank=True)
    on_scene_at = models.DateTimeField(null=True, blank=True)
    transporting_at = models.DateTimeField(null=True, blank=True)
    cleared_at = models.DateTimeField(null=True, blank=True)
    disposition = models.CharField(max_length=32, choices=DISPOSITIONS, blank=True)
    assigned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["dispatched_at"]
        constraints = [
            # The backstop for the race between two dispatchers: a unit has one open assignment.
            models.UniqueConstraint(
                fields=["unit"],
                condition=models.Q(cleared_at__isnull=True),
                name="assignment_one_open_per_unit",
            )
        ]

    def __str__(self) -> str:
        return f"{self.unit} on call {self.call_id}"


class TriageRecord(models.Model):
    """One evaluation of a call, inputs and outputs, kept even when the call is re-triaged."""

    class Kind(models.TextChoices):
        INTAKE = "intake"
        OVERRIDE = "override"
        RETRIAGE = "retriage"  # e.g. CCD converted a phone call to a field response
        FALLBACK = "fallback"  # no unit within the hold time
        IMPORT = "import"

    call = models.ForeignKey(Call, on_delete=models.CASCADE, related_name="triage_records")
    kind = models.CharField(max_length=12, choices=Kind.choices)
    at = models.DateTimeField()
    call_type = models.CharField(max_length=40)
    answers = models.JSONField(default=dict, blank=True)
    eligible_route = models.CharField(max_length=16, choices=ROUTE_CHOICES)
    route = models.CharField(max_length=16, choices=ROUTE_CHOICES)
    priority = models.CharField(max_length=2, choices=PRIORITY_CHOICES)
    rule = models.CharField(max_length=64, blank=True)
    ruleset_version = models.PositiveIntegerField(null=True, blank=True)
    unserved_reason = models.CharField(max_length=16, choices=UNSERVED_REASONS, blank=True)
    explanation = models.CharField(max_length=300, blank=True)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.kind} {self.route} for call {self.call_id}"


class FieldEvent(models.Model):
    """Something that happened on a call beside status changes (docs/domain.md section 6)."""

    class Kind(models.TextChoices):
        BACKUP_REQUESTED = "backup_requested", "Police backup requested"
        HANDOFF = "handoff", "Police handed the call to the department"
        CCD_CONVERTED = "ccd_converted", "CCD converted the call to a field response"
        HOLD_FALLBACK = "hold_fallback", "No unit within the hold: fell back"
        DUPLICATE_LINKED = "duplicate_linked", "Duplicate call linked"
        TRANSFER_UPDATED = "transfer_updated", "The transferring agency updated the call"
        POLICE_UNINVITED = "police_uninvited", "Police arrived uninvited"
        MERGED = "merged", "Closed as a duplicate of another call"
        CANCELLED = "cancelled", "Call cancelled"
        CCD_RESOLVED = "ccd_resolved", "CCD resolved the call by phone"
        REASSIGNED = "reassigned", "Dispatcher moved the call to another unit"

    call = models.ForeignKey(Call, on_delete=models.CASCADE, related_name="events")
    unit = models.ForeignKey(Unit, null=True, blank=True, on_delete=models.PROTECT)
    kind = models.CharField(max_length=20, choices=Kind.choices)
    at = models.DateTimeField()
    reason = models.CharField(max_length=500, blank=True)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["at", "id"]
        indexes = [models.Index(fields=["kind", "at"])]

    def __str__(self) -> str:
        return f"{self.kind} on call {self.call_id}"


class SafetyCheck(models.Model):
    """A responder's answer to "did you feel safe?" when clearing a call."""

    call = models.ForeignKey(Call, on_delete=models.CASCADE, related_name="safety_checks")
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT)
    responder = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT)
    safe = models.BooleanField()
    at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["call", "responder"], name="safety_once_per_responder")
        ]

    def __str__(self) -> str:
        return f"{self.responder_id} safe={self.safe} on call {self.call_id}"


class CallOutcome(models.Model):
    """What happened to the person of a call, recorded at clearing (docs/data-dictionary.md):
    outcomes (None / blank = not recorded) and self-reported demographics ("not_collected"
    unless given). One row per call, in its own table so that the millions of imported calls
    carry no empty columns; a later clearing of the same call updates the fields it gives."""

    call = models.OneToOneField(
        Call, on_delete=models.CASCADE, primary_key=True, related_name="outcome"
    )
    arrest = models.BooleanField(null=True, blank=True)
    use_of_force = models.BooleanField(null=True, blank=True)
    ivc_petitioned = models.BooleanField(null=True, blank=True)
    ed_diverted = models.BooleanField(null=True, blank=True)
    transport_by = models.CharField(max_length=12, choices=TRANSPORT_BY, blank=True)
    transport_to = models.CharField(max_length=16, choices=TRANSPORT_TO, blank=True)
    transport_voluntary = models.CharField(max_length=12, choices=TRANSPORT_VOLUNTARY, blank=True)
    age_band = models.CharField(max_length=16, choices=AGE_BANDS, default=NOT_COLLECTED)
    race_ethnicity = models.CharField(max_length=36, choices=RACE_ETHNICITY, default=NOT_COLLECTED)
    gender = models.CharField(max_length=16, choices=GENDERS, default=NOT_COLLECTED)
    housing_status = models.CharField(
        max_length=16, choices=HOUSING_STATUSES, default=NOT_COLLECTED
    )
    veteran = models.CharField(max_length=16, choices=VETERAN_STATUSES, default=NOT_COLLECTED)
    recorded_at = models.DateTimeField()
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    def __str__(self) -> str:
        return f"outcome of call {self.call_id}"

    def recorded(self) -> list[tuple[str, str]]:
        """(label, answer) of the outcomes recorded, for the call page; the self-reported
        demographics are not among them (they leave only in counts and the export)."""
        shown = [
            (label, "yes" if value else "no")
            for name, label in FLAGS.items()
            if (value := getattr(self, name)) is not None
        ]
        if self.transport_by:
            where = " ".join(
                text
                for text in (
                    self.get_transport_by_display(),
                    f"to {self.get_transport_to_display().lower()}" if self.transport_to else "",
                    f"({self.transport_voluntary})" if self.transport_voluntary else "",
                )
                if text
            )
            shown.append(("Transport", where))
        return shown


class CallNote(models.Model):
    """A timestamped entry on a call after intake: a field note (a responder's or a
    dispatcher's "subject calmer, staying 30 min") or a supplement (new information from a
    callback, with any change it made to the callback number or the location)."""

    class Kind(models.TextChoices):
        NOTE = "note", "Field note"
        SUPPLEMENT = "supplement", "Supplement"

    call = models.ForeignKey(Call, on_delete=models.CASCADE, related_name="notes")
    kind = models.CharField(max_length=12, choices=Kind.choices)
    text = models.TextField()
    # When it happened (a note queued offline keeps its time); created_at when it was written.
    at = models.DateTimeField()
    created_at = models.DateTimeField()
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    unit = models.ForeignKey(
        Unit, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    # A supplement's changes to the call: {"address": {"from": "...", "to": "..."}, ...}.
    changes = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.kind} on call {self.call_id}"


class AlertAcknowledgement(models.Model):
    """A dispatcher saw a board alert: a call waiting past its warning, or a backup request.

    One per overdue call and one per backup request (the database keeps it so when two
    dispatchers press at once)."""

    class Kind(models.TextChoices):
        OVERDUE = "overdue", "Overdue call"
        BACKUP = "backup", "Backup request"

    call = models.ForeignKey(Call, on_delete=models.CASCADE, related_name="alert_acks")
    kind = models.CharField(max_length=12, choices=Kind.choices)
    event = models.ForeignKey(
        FieldEvent, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    at = models.DateTimeField()
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["call"],
                condition=models.Q(kind="overdue"),
                name="alert_ack_once_per_overdue_call",
            ),
            models.UniqueConstraint(
                fields=["event"],
                condition=models.Q(event__isnull=False),
                name="alert_ack_once_per_event",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kind} acknowledged on call {self.call_id}"


class RosterShift(models.Model):
    """A responder on a unit from one time to another (a shift of the roster). A unit with
    shifts is on duty only while someone is rostered on it and its service is on duty; its
    crew is who is rostered (docs/roster.md)."""

    unit = models.ForeignKey(Unit, on_delete=models.CASCADE, related_name="shifts")
    responder = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="shifts"
    )
    starts_at = models.DateTimeField()
    ends_at = models.DateTimeField()
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        db_index=False,
    )

    class Meta:
        ordering = ["starts_at", "unit__name"]
        permissions = [("edit_roster", "Can edit the shift roster")]
        indexes = [
            models.Index(fields=["unit", "starts_at"]),
            models.Index(fields=["responder", "starts_at"]),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends_at__gt=models.F("starts_at")),
                name="rostershift_ends_after_start",
            )
        ]

    def __str__(self) -> str:
        return f"{self.responder} on {self.unit} {self.starts_at:%Y-%m-%d %H:%M}"
