"""Care navigation (docs/domain.md section 7): cases, needs, contacts, referrals, the directory.

Nothing here saves itself: every write goes through care_navigation/services/, which keeps
the denormalised columns (first_contact_at, connected_at, failed_attempts_in_row, warn_at)
that let the sweep work in a few set-based statements instead of a loop per case.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q

NEEDS = [
    ("housing", "Housing"),
    ("mental_health", "Mental health"),
    ("substance_use", "Substance use"),
    ("medical", "Medical"),
    ("benefits", "Benefits"),
    ("food", "Food"),
    ("transportation", "Transportation"),
    ("other", "Other"),
]
NEED_CODES = [code for code, _ in NEEDS]
# 42 CFR Part 2: this need and everything under it is shown only to the assigned navigator and
# supervisors, and every read of it is written to the audit log.
SENSITIVE_NEED = "substance_use"


class Case(models.Model):
    """One person's 30-day navigation episode, opened from a referral or by a navigator."""

    class Status(models.TextChoices):
        OPEN = "open"
        CLOSED = "closed"

    class Outcome(models.TextChoices):
        CONNECTED = "connected"
        NOT_CONNECTED = "not_connected"
        UNABLE_TO_REACH = "unable_to_reach"
        DECLINED = "declined"

    class Source(models.TextChoices):
        REFERRAL = "referral", "Referral at clearing"
        NAVIGATOR = "navigator", "Opened by a navigator"

    person = models.ForeignKey("people.Person", on_delete=models.PROTECT, related_name="care_cases")
    call = models.ForeignKey(
        "dispatch.Call",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="care_cases",
        db_index=False,  # read from the case, never searched by call
    )
    source = models.CharField(max_length=12, choices=Source.choices)
    status = models.CharField(max_length=8, choices=Status.choices, default=Status.OPEN)
    outcome = models.CharField(max_length=16, choices=Outcome.choices, blank=True)
    navigator = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="care_cases",
        db_index=False,  # care_case_navigator below serves the caseload
    )
    opened_at = models.DateTimeField()
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        db_index=False,
    )
    first_contact_due = models.DateTimeField()
    # The first attempt that reached the person (a decline is a contact too).
    first_contact_at = models.DateTimeField(null=True, blank=True)
    closes_at = models.DateTimeField()
    # When the closing-soon warning falls due: day 25 of 30, moved with an extension.
    warn_at = models.DateTimeField()
    closed_at = models.DateTimeField(null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        db_index=False,
    )
    # The first referral that reached `connected` inside the window.
    connected_at = models.DateTimeField(null=True, blank=True)
    declined_at = models.DateTimeField(null=True, blank=True)
    failed_attempts_in_row = models.PositiveSmallIntegerField(default=0)
    unable_to_reach = models.BooleanField(default=False)
    # Set when a referral at clearing had no known person: the new Person is provisional until
    # a navigator confirms it is someone new or the same as a suggested existing person.
    person_needs_review = models.BooleanField(default=False)
    # Claims taken by the sweep, each by a conditional UPDATE ... WHERE <column> IS NULL.
    overdue_notified_at = models.DateTimeField(null=True, blank=True)
    closing_warned_at = models.DateTimeField(null=True, blank=True)
    unreachable_notified_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-opened_at", "-id"]
        permissions = [
            ("work_caseload", "Can work a caseload of care-navigation cases"),
            ("view_all_cases", "Can read every care-navigation case"),
            ("assign_case", "Can assign care-navigation cases to navigators"),
            ("extend_case", "Can extend a case past its window"),
        ]
        # Few indexes, partial where they can be: the sweep rewrites tens of thousands of rows
        # and every index of a rewritten row is written too.
        indexes = [
            # The sweep walks open cases in id order; the caseload reads a navigator's open ones.
            models.Index(fields=["id"], condition=Q(status="open"), name="care_case_open_id"),
            models.Index(
                fields=["navigator"], condition=Q(status="open"), name="care_case_navigator"
            ),
            models.Index(
                fields=["closed_at"], condition=Q(status="closed"), name="care_case_closed"
            ),
        ]
        constraints = [
            # One open case per person: a second referral adds needs to the open case.
            models.UniqueConstraint(
                fields=["person"], condition=Q(status="open"), name="care_case_one_open_per_person"
            ),
            models.CheckConstraint(
                condition=Q(status="open", closed_at__isnull=True, outcome="")
                | Q(status="closed", closed_at__isnull=False) & ~Q(outcome=""),
                name="care_case_closed_has_outcome",
            ),
        ]

    def __str__(self) -> str:
        return f"Case {self.pk} ({self.status})"


class CaseNeed(models.Model):
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="needs")
    need = models.CharField(max_length=16, choices=NEEDS)
    detail = models.TextField(blank=True)
    created_at = models.DateTimeField()
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["case", "need"]
        constraints = [models.UniqueConstraint(fields=["case", "need"], name="care_need_once")]

    def __str__(self) -> str:
        return f"{self.need} on case {self.case_id}"


class ContactAttempt(models.Model):
    class Channel(models.TextChoices):
        PHONE = "phone"
        IN_PERSON = "in_person", "In person"
        TEXT = "text"

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="contacts")
    at = models.DateTimeField()
    channel = models.CharField(max_length=10, choices=Channel.choices)
    reached = models.BooleanField()
    # Reached, and the person said no to navigation: the case's outcome becomes `declined`.
    declined = models.BooleanField(default=False)
    note = models.TextField(blank=True)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(declined=False) | Q(reached=True), name="care_contact_decline_reached"
            )
        ]

    def __str__(self) -> str:
        return f"{self.channel} {'reached' if self.reached else 'not reached'} ({self.case_id})"


class Referral(models.Model):
    """A person referred to a service for one need. Statuses move along TRANSITIONS only."""

    class Status(models.TextChoices):
        REFERRED = "referred"
        SCHEDULED = "scheduled"
        CONNECTED = "connected"
        DECLINED = "declined"
        WAITLISTED = "waitlisted"
        UNAVAILABLE = "unavailable"

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="referrals")
    need = models.CharField(max_length=16, choices=NEEDS)
    service = models.ForeignKey(
        "care_navigation.Service",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="referrals",
    )
    # Kept even if the directory entry is re-imported away; free text when not in the directory.
    service_name = models.CharField(max_length=300)
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.REFERRED)
    referred_at = models.DateTimeField()
    status_changed_at = models.DateTimeField()
    scheduled_for = models.DateTimeField(null=True, blank=True)
    connected_at = models.DateTimeField(null=True, blank=True)
    note = models.TextField(blank=True)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["referred_at", "id"]

    def __str__(self) -> str:
        return f"{self.service_name} ({self.status})"


# referred -> scheduled -> connected, or declined, waitlisted, unavailable. A walk-in may
# connect straight from referred or waitlisted; connected, declined and unavailable are final
# (a new attempt is a new referral, so the history stays true).
REFERRAL_TRANSITIONS: dict[str, frozenset[str]] = {
    "referred": frozenset({"scheduled", "connected", "declined", "waitlisted", "unavailable"}),
    "scheduled": frozenset({"connected", "declined", "waitlisted", "unavailable"}),
    "waitlisted": frozenset({"scheduled", "connected", "declined", "unavailable"}),
    "connected": frozenset(),
    "declined": frozenset(),
    "unavailable": frozenset(),
}


class CaseNote(models.Model):
    """Navigation notes: the assigned navigator and supervisors only."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="notes")
    at = models.DateTimeField()
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    text = models.TextField()

    class Meta:
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"Note {self.pk} on case {self.case_id}"


class CaseExtension(models.Model):
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="extensions")
    at = models.DateTimeField()
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    reason = models.TextField()
    previous_closes_at = models.DateTimeField()
    closes_at = models.DateTimeField()

    class Meta:
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"Extension of case {self.case_id} to {self.closes_at:%Y-%m-%d}"


class ClearingReferral(models.Model):
    """Every referral offered at clearing, with or without consent: the declined count."""

    call = models.ForeignKey("dispatch.Call", on_delete=models.CASCADE, related_name="+")
    at = models.DateTimeField(db_index=True)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    consent = models.BooleanField()
    case = models.ForeignKey(
        Case, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"Referral at clearing of call {self.call_id} (consent={self.consent})"


class Notification(models.Model):
    """An in-app notice about a case; exactly one per case and kind, however often swept."""

    class Kind(models.TextChoices):
        NEW_CASE = "new_case", "New case"
        FIRST_CONTACT_OVERDUE = "first_contact_overdue", "First contact overdue"
        UNABLE_TO_REACH = "unable_to_reach", "Unable to reach"
        CLOSING_SOON = "closing_soon", "Closing soon"
        CLOSED = "closed", "Closed"
        # Another navigator asked for needs on this case (NeedRequest); raised again with each.
        NEED_REQUEST = "need_request", "Needs requested by another navigator"

    # No index of its own: the unique (case, kind) index serves lookups by case. No database
    # constraint either: the sweep writes these rows only by INSERT ... SELECT from the case
    # table in the transaction that claims them, so the case exists; checking 100,000 of them
    # one by one at commit was a third of the sweep. Deleting a case cascades in the ORM.
    case = models.ForeignKey(
        Case,
        on_delete=models.CASCADE,
        related_name="notifications",
        db_index=False,
        db_constraint=False,
    )
    kind = models.CharField(max_length=24, choices=Kind.choices)
    created_at = models.DateTimeField()

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["case", "kind"], name="care_notification_once")
        ]

    def __str__(self) -> str:
        return f"{self.kind} for case {self.case_id}"


class NeedRequest(models.Model):
    """Needs a navigator asked for on a person's open case that is not theirs to read.

    A person has one open case, and only its navigator or a supervisor writes to it: a navigator
    who opens a case for someone already in another navigator's care learns only that their
    request went to that case's navigator, who accepts it (the needs join the case) or declines
    it on the case page."""

    class Status(models.TextChoices):
        PENDING = "pending"
        ACCEPTED = "accepted"
        DECLINED = "declined"

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="need_requests")
    needs = models.JSONField(default=list)  # need codes, checked against NEED_CODES
    call = models.ForeignKey(
        "dispatch.Call",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        db_index=False,
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    requested_at = models.DateTimeField()
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        db_index=False,
    )
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["requested_at", "id"]

    def __str__(self) -> str:
        return f"{', '.join(self.needs)} requested on case {self.case_id} ({self.status})"


# Supervisors see these for every case; the assigned navigator sees every kind for theirs.
SUPERVISOR_KINDS = (Notification.Kind.FIRST_CONTACT_OVERDUE, Notification.Kind.UNABLE_TO_REACH)


class NotificationRead(models.Model):
    notification = models.ForeignKey(Notification, on_delete=models.CASCADE, related_name="reads")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["notification", "user"], name="care_notification_read")
        ]

    def __str__(self) -> str:
        return f"{self.user_id} read {self.notification_id}"


# The service directory, imported from Open Referral HSDS (care_navigation/hsds.py).


class Organization(models.Model):
    hsds_id = models.CharField(max_length=100, unique=True)
    name = models.CharField(max_length=300)
    description = models.TextField(blank=True)
    url = models.CharField(max_length=500, blank=True)
    email = models.CharField(max_length=254, blank=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Location(models.Model):
    hsds_id = models.CharField(max_length=100, unique=True)
    name = models.CharField(max_length=300, blank=True)
    address = models.CharField(max_length=500, blank=True)
    lat = models.FloatField(null=True, blank=True)
    lon = models.FloatField(null=True, blank=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name or self.address


class TaxonomyTerm(models.Model):
    hsds_id = models.CharField(max_length=100, unique=True)
    name = models.CharField(max_length=300)
    parent_hsds_id = models.CharField(max_length=100, blank=True)
    vocabulary = models.CharField(max_length=200, blank=True)
    need = models.CharField(max_length=16, choices=NEEDS, blank=True)

    class Meta:
        ordering = ["hsds_id"]

    def __str__(self) -> str:
        return f"{self.hsds_id} {self.name}"


class Service(models.Model):
    hsds_id = models.CharField(max_length=100, unique=True)
    organization = models.ForeignKey(
        Organization, null=True, blank=True, on_delete=models.SET_NULL, related_name="services"
    )
    name = models.CharField(max_length=300)
    description = models.TextField(blank=True)
    url = models.CharField(max_length=500, blank=True)
    email = models.CharField(max_length=254, blank=True)
    phone = models.CharField(max_length=60, blank=True)
    application_process = models.TextField(blank=True)
    fees = models.TextField(blank=True)
    locations = models.ManyToManyField(Location, blank=True, related_name="services")
    taxonomy = models.ManyToManyField(TaxonomyTerm, blank=True, related_name="services")
    imported_at = models.DateTimeField()

    class Meta:
        ordering = ["name"]
        indexes = [models.Index(fields=["name"])]

    def __str__(self) -> str:
        return self.name


class ServiceNeed(models.Model):
    """Which needs a service meets, derived from its taxonomy terms at import."""

    service = models.ForeignKey(Service, on_delete=models.CASCADE, related_name="needs")
    need = models.CharField(max_length=16, choices=NEEDS)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["service", "need"], name="care_service_need_once")
        ]
        indexes = [models.Index(fields=["need", "service"])]

    def __str__(self) -> str:
        return f"{self.service_id} meets {self.need}"


class ServiceLanguage(models.Model):
    """A language a service is offered in (an ISO 639 code of workforce.vocabulary), from the
    HSDS `languages` resource at import."""

    service = models.ForeignKey(Service, on_delete=models.CASCADE, related_name="languages")
    language = models.CharField(max_length=8)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["service", "language"], name="care_service_language_once"
            )
        ]
        indexes = [models.Index(fields=["language", "service"])]

    def __str__(self) -> str:
        return f"{self.service_id} in {self.language}"


# Safety plans (docs/ccd.md): the Stanley-Brown sections, in the order a clinician walks
# through them with the person.
SAFETY_PLAN_SECTIONS = [
    ("warning_signs", "Warning signs", "Thoughts, moods, situations that show a crisis coming"),
    ("coping_steps", "Coping steps", "What the person can do on their own to take their mind off"),
    (
        "people_and_places",
        "People and places",
        "People and social settings that help, and who to ask for help",
    ),
    (
        "professionals",
        "Professionals",
        "Clinicians, agencies, crisis lines (988) to contact in a crisis",
    ),
    (
        "means_safety",
        "Means safety",
        "Making the surroundings safe: what to remove or lock away, and how",
    ),
]
SAFETY_PLAN_SECTION_CODES = [code for code, _label, _help in SAFETY_PLAN_SECTIONS]
SAFETY_PLAN_SECTION_MAX_CHARS = 4000


class SafetyPlan(models.Model):
    """One version of a person's safety plan. The newest version is the plan in force; a new
    one supersedes it and the earlier ones are kept, never changed. Read by CCD, the team on an
    open call about the person, the person's navigator and supervisors, every read audited
    (care_navigation/safety_plan_selectors.py)."""

    person = models.ForeignKey(
        "people.Person",
        on_delete=models.PROTECT,
        related_name="safety_plans",
        db_index=False,  # the unique (person, version) index serves every lookup by person
    )
    version = models.PositiveIntegerField()
    warning_signs = models.TextField(blank=True)
    coping_steps = models.TextField(blank=True)
    people_and_places = models.TextField(blank=True)
    professionals = models.TextField(blank=True)
    means_safety = models.TextField(blank=True)
    # The call it was written on (a CCD call, or a field response), when there was one.
    call = models.ForeignKey(
        "dispatch.Call",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        db_index=False,
    )
    created_at = models.DateTimeField()
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", db_index=False
    )

    class Meta:
        ordering = ["person", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["person", "version"], name="care_safety_plan_version")
        ]

    def __str__(self) -> str:
        return f"Safety plan v{self.version} of person {self.person_id}"

    def sections(self) -> list[tuple[str, str, str]]:
        """(code, label, text) of each section, in order."""
        return [(code, label, getattr(self, code)) for code, label, _help in SAFETY_PLAN_SECTIONS]
