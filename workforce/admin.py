from django.contrib import admin

from access.admin_audit import AuditedModelAdmin
from workforce.forms import ResponderForm, TeamTemplateForm
from workforce.models import Responder, TeamTemplate


@admin.register(Responder)
class ResponderAdmin(AuditedModelAdmin):
    form = ResponderForm
    list_display = ["user", "disciplines", "languages"]
    search_fields = ["user__username", "user__first_name", "user__last_name"]
    autocomplete_fields = ["user"]


@admin.register(TeamTemplate)
class TeamTemplateAdmin(AuditedModelAdmin):
    form = TeamTemplateForm
    list_display = ["service", "disciplines", "updated_at"]
