from django.contrib import admin

from heart.models import AuditEntry, OutboxMessage, Person

admin.site.site_header = "Fifth Branch administration"


@admin.register(Person)
class PersonAdmin(admin.ModelAdmin):
    list_display = ["name", "date_of_birth", "phone", "created_at"]
    search_fields = ["name", "phone"]


@admin.register(AuditEntry)
class AuditEntryAdmin(admin.ModelAdmin):
    """Read-only: the audit log is append-only."""

    list_display = ["at", "username", "action", "object_type", "object_id", "outcome"]
    list_filter = ["outcome", "action"]
    search_fields = ["username", "action", "object_id"]

    def has_add_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False

    def has_change_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False

    def has_delete_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False


@admin.register(OutboxMessage)
class OutboxMessageAdmin(admin.ModelAdmin):
    list_display = ["id", "task", "created_at", "sent_at", "attempts"]
    readonly_fields = ["task", "payload", "created_at", "sent_at", "attempts", "last_error"]
