"""API shapes for care navigation: input validation and the documented output."""

from __future__ import annotations

from typing import Any

from rest_framework import serializers

from care_navigation.models import NEEDS, Case, ContactAttempt, Notification, Referral
from web.http import MAX_ID
from web.serializers import StrictSerializer


class PersonRefSerializer(serializers.Serializer[Any]):
    id = serializers.IntegerField()
    name = serializers.CharField()


class UserRefSerializer(serializers.Serializer[Any]):
    id = serializers.IntegerField()
    username = serializers.CharField()
    name = serializers.CharField()


class FlagsSerializer(serializers.Serializer[Any]):
    first_contact_overdue = serializers.BooleanField()
    unable_to_reach = serializers.BooleanField()
    closing_soon = serializers.BooleanField()
    extended = serializers.BooleanField()
    familiar_neighbor = serializers.BooleanField()
    person_needs_review = serializers.BooleanField()


class CaseSerializer(serializers.Serializer[Any]):
    """A case in a list: no notes, and no substance-use need (that is on the detail only)."""

    id = serializers.IntegerField()
    person = PersonRefSerializer()
    status = serializers.ChoiceField(choices=Case.Status.choices)
    outcome = serializers.ChoiceField(choices=Case.Outcome.choices, allow_null=True)
    source = serializers.ChoiceField(choices=Case.Source.choices)  # type: ignore[assignment]
    navigator = UserRefSerializer(allow_null=True)
    call = serializers.IntegerField(allow_null=True)
    opened_at = serializers.DateTimeField()
    first_contact_due = serializers.DateTimeField()
    first_contact_at = serializers.DateTimeField(allow_null=True)
    closes_at = serializers.DateTimeField()
    closed_at = serializers.DateTimeField(allow_null=True)
    connected_at = serializers.DateTimeField(
        allow_null=True, help_text="When the first referral inside the window reached connected"
    )
    needs = serializers.ListField(child=serializers.ChoiceField(choices=NEEDS))
    flags = FlagsSerializer()


class NeedSerializer(serializers.Serializer[Any]):
    need = serializers.ChoiceField(choices=NEEDS)
    detail = serializers.CharField(allow_blank=True)


class ContactSerializer(serializers.Serializer[Any]):
    id = serializers.IntegerField()
    at = serializers.DateTimeField()
    channel = serializers.ChoiceField(choices=ContactAttempt.Channel.choices)
    reached = serializers.BooleanField()
    declined = serializers.BooleanField()
    note = serializers.CharField(allow_blank=True)
    by = serializers.CharField(source="by.username")


class ReferralSerializer(serializers.Serializer[Any]):
    id = serializers.IntegerField()
    case = serializers.IntegerField(source="case_id")
    need = serializers.ChoiceField(choices=NEEDS)
    service = serializers.IntegerField(source="service_id", allow_null=True)
    service_name = serializers.CharField()
    status = serializers.ChoiceField(choices=Referral.Status.choices)
    referred_at = serializers.DateTimeField()
    status_changed_at = serializers.DateTimeField()
    scheduled_for = serializers.DateTimeField(allow_null=True)
    connected_at = serializers.DateTimeField(allow_null=True)
    note = serializers.CharField(allow_blank=True)


class NoteSerializer(serializers.Serializer[Any]):
    at = serializers.DateTimeField()
    by = serializers.CharField(source="by.username")
    text = serializers.CharField()


class ExtensionSerializer(serializers.Serializer[Any]):
    at = serializers.DateTimeField()
    by = serializers.CharField(source="by.username")
    reason = serializers.CharField()
    previous_closes_at = serializers.DateTimeField()
    closes_at = serializers.DateTimeField()


class TimelineSerializer(serializers.Serializer[Any]):
    at = serializers.DateTimeField()
    kind = serializers.CharField()
    text = serializers.CharField()
    case_id = serializers.IntegerField(allow_null=True)


class MatchSerializer(serializers.Serializer[Any]):
    person = PersonRefSerializer()
    score = serializers.IntegerField()
    reasons = serializers.ListField(child=serializers.CharField())


class CaseDetailSerializer(CaseSerializer):
    """A case in full. Reading it is written to the audit log (and, when it carries
    substance-use details, a second entry says so)."""

    needs = NeedSerializer(many=True)  # type: ignore[assignment]
    contacts = ContactSerializer(many=True)
    referrals = ReferralSerializer(many=True)
    notes = NoteSerializer(many=True)
    extensions = ExtensionSerializer(many=True)
    timeline = TimelineSerializer(many=True)
    person_matches = MatchSerializer(many=True)
    failed_attempts_in_row = serializers.IntegerField()


class CaseCreateSerializer(StrictSerializer):
    call = serializers.IntegerField(help_text="The call the case comes from")
    needs = serializers.ListField(
        child=serializers.ChoiceField(choices=NEEDS), allow_empty=False, max_length=8
    )
    consent = serializers.BooleanField(help_text="The person agrees to care navigation")
    person = serializers.IntegerField(
        required=False, allow_null=True, help_text="An existing person (default: the call's)"
    )
    person_name = serializers.CharField(required=False, allow_blank=True, max_length=200)
    date_of_birth = serializers.DateField(required=False, allow_null=True)
    phone = serializers.CharField(required=False, allow_blank=True, max_length=40)

    def validate_consent(self, value: bool) -> bool:
        if not value:
            raise serializers.ValidationError("a case opens only with the person's consent")
        return value


class NeedRequestSentSerializer(serializers.Serializer[Any]):
    detail = serializers.CharField()
    need_request = serializers.IntegerField(help_text="The request's id")


class ContactCreateSerializer(StrictSerializer):
    channel = serializers.ChoiceField(choices=ContactAttempt.Channel.choices)
    reached = serializers.BooleanField()
    declined = serializers.BooleanField(
        default=False, help_text="Reached, and the person declined navigation"
    )
    note = serializers.CharField(required=False, allow_blank=True, default="")
    at = serializers.DateTimeField(required=False, allow_null=True, help_text="Default: now")

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        if attrs.get("declined") and not attrs.get("reached"):
            raise serializers.ValidationError({"declined": "only a person reached can decline"})
        return attrs


class ReferralCreateSerializer(StrictSerializer):
    need = serializers.ChoiceField(choices=NEEDS)
    service = serializers.IntegerField(
        required=False, allow_null=True, help_text="A service of the directory"
    )
    service_name = serializers.CharField(
        required=False, allow_blank=True, max_length=300, help_text="When not in the directory"
    )
    note = serializers.CharField(required=False, allow_blank=True, default="")

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        if not attrs.get("service") and not (attrs.get("service_name") or "").strip():
            raise serializers.ValidationError(
                {"service": "give a directory service id or a service_name"}
            )
        return attrs


class ReferralUpdateSerializer(StrictSerializer):
    status = serializers.ChoiceField(choices=Referral.Status.choices, required=False)
    scheduled_for = serializers.DateTimeField(required=False, allow_null=True)
    note = serializers.CharField(required=False, allow_blank=True)
    at = serializers.DateTimeField(
        required=False, allow_null=True, help_text="When the status changed (default: now)"
    )


class NotificationSerializer(serializers.Serializer[Any]):
    id = serializers.IntegerField()
    kind = serializers.ChoiceField(choices=Notification.Kind.choices)
    case = serializers.IntegerField(source="case_id")
    person = serializers.CharField(source="case.person.name")
    navigator = serializers.CharField(allow_null=True)
    created_at = serializers.DateTimeField()
    read = serializers.BooleanField(source="is_read")


class NotificationReadSerializer(StrictSerializer):
    ids = serializers.ListField(
        child=serializers.IntegerField(min_value=1, max_value=MAX_ID), required=False, default=list
    )
    all = serializers.BooleanField(required=False, default=False)
