from typing import Any

from django.contrib import admin, messages
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import GroupAdmin as DjangoGroupAdmin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.contrib.auth.models import Group
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils import timezone
from rest_framework.authtoken.models import Token

from access import services
from access.models import AuditEntry
from access.token_auth import token_expired, token_expires_at

admin.site.site_header = "Fifth Branch administration"


class UserAdmin(DjangoUserAdmin[Any]):
    """The admin role gives roles (groups); it cannot step outside them. A superuser holds
    every permission, case notes and substance-use details included, and a permission given
    to one user escapes the roles that `migrate` resets: only a superuser sets either.

    The user's page shows their API token and when it expires; the list's action revokes the
    tokens of the users chosen (a lost phone, someone leaving)."""

    actions = ["revoke_api_tokens"]

    def get_readonly_fields(self, request: Any, obj: Any = None) -> Any:
        fields = tuple(super().get_readonly_fields(request, obj))
        if not request.user.is_superuser:
            fields += ("is_superuser", "user_permissions")
        return fields + ("api_token",)

    def get_fieldsets(self, request: Any, obj: Any = None) -> Any:
        fieldsets = super().get_fieldsets(request, obj)
        if obj is None:
            return fieldsets
        return [*fieldsets, ("API token", {"fields": ("api_token",)})]

    @admin.display(description="API token")
    def api_token(self, obj: Any) -> str:
        token = Token.objects.filter(user=obj).first() if obj is not None and obj.pk else None
        if token is None:
            return "none"
        issued = timezone.localtime(token.created)
        expires = timezone.localtime(token_expires_at(token))
        state = "expired" if token_expired(token) else "valid until"
        return f"issued {issued:%Y-%m-%d %H:%M}, {state} {expires:%Y-%m-%d %H:%M}"

    @admin.action(description="Revoke the API tokens of the selected users", permissions=["change"])
    def revoke_api_tokens(self, request: HttpRequest, queryset: QuerySet[Any]) -> None:
        revoked = sum(
            services.tokens_revoke(user=user, by=request.user, reason="admin", request=request)
            for user in queryset
        )
        self.message_user(request, f"{revoked} API token(s) revoked.", messages.SUCCESS)


class GroupAdmin(DjangoGroupAdmin):
    """A role is a group whose permissions access/roles.py sets on every migrate. The admin role
    may create, rename and fill groups, never choose their permissions: with
    auth.change_group it could otherwise add the audit log, the dashboards or the caseload to
    its own role. Only a superuser sets a group's permissions."""

    def get_readonly_fields(self, request: Any, obj: Any = None) -> Any:
        fields = tuple(super().get_readonly_fields(request, obj))
        if not request.user.is_superuser:
            fields += ("permissions",)
        return fields


admin.site.unregister(get_user_model())
admin.site.register(get_user_model(), UserAdmin)
admin.site.unregister(Group)
admin.site.register(Group, GroupAdmin)


@admin.register(AuditEntry)
class AuditEntryAdmin(admin.ModelAdmin[AuditEntry]):
    """Read-only: the audit log is append-only."""

    list_display = ["at", "username", "action", "object_type", "object_id", "outcome"]
    list_filter = ["outcome", "action"]
    search_fields = ["username", "action", "object_id"]

    def has_add_permission(self, request: HttpRequest, obj: AuditEntry | None = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: AuditEntry | None = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: AuditEntry | None = None) -> bool:
        return False
