from django.contrib import admin
from django.http import HttpRequest

from access.admin_audit import AuditedModelAdmin
from triage.models import CallType, CallTypeMapping, RuleSet, ServiceSchedule


@admin.register(CallType)
class CallTypeAdmin(AuditedModelAdmin):
    list_display = ["code", "label", "family", "default_priority", "active"]
    list_filter = ["family", "active"]
    search_fields = ["code", "label"]


@admin.register(CallTypeMapping)
class CallTypeMappingAdmin(AuditedModelAdmin):
    list_display = ["source", "external_label", "call_type"]
    list_filter = ["source"]
    search_fields = ["external_label", "call_type__code"]
    autocomplete_fields = ["call_type"]


@admin.register(ServiceSchedule)
class ServiceScheduleAdmin(AuditedModelAdmin):
    list_display = ["service", "weekday", "start", "end"]
    list_filter = ["service", "weekday"]


@admin.register(RuleSet)
class RuleSetAdmin(admin.ModelAdmin[RuleSet]):
    """Read-only here: rule sets are edited and published in the console, with an audit trail."""

    list_display = ["version", "status", "description", "published_at"]

    def has_add_permission(self, request: HttpRequest, obj: RuleSet | None = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: RuleSet | None = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: RuleSet | None = None) -> bool:
        return False
