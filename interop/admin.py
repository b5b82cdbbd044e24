"""Admins manage partner agencies and their endpoints (docs/interop.md)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin

from access.admin_audit import AuditedModelAdmin
from dispatch.signals import CALL_EVENTS
from interop.models import Agency, PartnerEndpoint


class PartnerEndpointForm(forms.ModelForm[PartnerEndpoint]):
    events = forms.MultipleChoiceField(
        choices=[(e, e.replace("_", " ")) for e in CALL_EVENTS],
        widget=forms.CheckboxSelectMultiple,
        help_text="The events of a call the partner hears of",
    )
    secret = forms.CharField(
        widget=forms.PasswordInput(render_value=True),
        help_text="The shared secret: the key of the body's HMAC-SHA256",
    )

    class Meta:
        model = PartnerEndpoint
        fields = ["agency", "url", "secret", "events", "all_calls", "active"]

    def clean_events(self) -> list[str]:
        chosen: list[str] = self.cleaned_data["events"]
        return [e for e in CALL_EVENTS if e in chosen]

    def clean_url(self) -> str:
        url: str = self.cleaned_data["url"]
        if not url.lower().startswith(("https://", "http://")):
            raise forms.ValidationError("an http(s) URL")
        return url


@admin.register(Agency)
class AgencyAdmin(AuditedModelAdmin):
    list_display = ["name", "eido_agency_id", "agency_type", "active"]
    search_fields = ["name", "eido_agency_id"]
    filter_horizontal = ["users"]


@admin.register(PartnerEndpoint)
class PartnerEndpointAdmin(AuditedModelAdmin):
    """An endpoint on its own page (not inline under its agency), so that each change is
    audited; the shared secret is logged as a fingerprint only."""

    form = PartnerEndpointForm
    audit_redacted = ("secret",)
    list_display = ["agency", "url", "all_calls", "active"]
    list_filter = ["active", "agency"]

    def get_queryset(self, request: Any) -> Any:
        return super().get_queryset(request).select_related("agency")
