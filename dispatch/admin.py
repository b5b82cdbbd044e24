from django.contrib import admin

from dispatch.models import Unit


@admin.register(Unit)
class UnitAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "status", "lat", "lon"]
    list_filter = ["kind", "status"]
    search_fields = ["name"]
    filter_horizontal = ["members"]
