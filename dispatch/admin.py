from django.contrib import admin

from access.admin_audit import AuditedModelAdmin
from dispatch.models import RosterShift, Unit


@admin.register(Unit)
class UnitAdmin(AuditedModelAdmin):
    list_display = ["name", "kind", "status", "lat", "lon"]
    list_filter = ["kind", "status"]
    search_fields = ["name"]
    filter_horizontal = ["members"]


@admin.register(RosterShift)
class RosterShiftAdmin(AuditedModelAdmin):
    """The roster for admins; supervisors work it from the roster page (/dispatch/roster/),
    whose service refuses overlapping shifts."""

    list_display = ["unit", "responder", "starts_at", "ends_at"]
    list_filter = ["unit__kind", "unit"]
    search_fields = ["responder__username", "unit__name"]
    date_hierarchy = "starts_at"
    raw_id_fields = ["responder", "created_by"]
