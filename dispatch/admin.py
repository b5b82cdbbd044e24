from django.contrib import admin

from access.admin_audit import AuditedModelAdmin
from dispatch.models import Unit


@admin.register(Unit)
class UnitAdmin(AuditedModelAdmin):
    list_display = ["name", "kind", "status", "lat", "lon"]
    list_filter = ["kind", "status"]
    search_fields = ["name"]
    filter_horizontal = ["members"]
