"""Framework events that go to the audit log, beside the entries the services write.

- logins, failed logins and logouts (django.contrib.auth's signals);
- users and permissions: a user created, changed (which fields; never the password itself) or
  deleted, a user's roles (groups) or own permissions changed, a group created, renamed,
  deleted or its permissions changed. These changes come from the Django admin, the shell or
  `sync_role_groups` on migrate; signals do not know who made them, so AuditMiddleware keeps
  the request at hand and the entries name the signed-in user and the source address (none
  from the shell or a migration);
- refusals: a 403 answered to a signed-in user (a page, the API, a CSRF failure) is an entry
  with outcome `denied`, unless the view recorded its own refusal (case reads do).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from contextvars import ContextVar
from datetime import datetime
from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.db.models.signals import m2m_changed, post_delete, post_save, pre_save
from django.http import HttpRequest, HttpResponse
from django.utils import timezone

from access.audit import audit_record
from access.models import AuditEntry

_request: ContextVar[HttpRequest | None] = ContextVar("audit_request", default=None)

# The user fields whose changes are recorded. The password is recorded as "changed", never
# with its value; last_login changes at every login, which has its own entry.
USER_FIELDS = (
    "username",
    "first_name",
    "last_name",
    "email",
    "is_active",
    "is_staff",
    "is_superuser",
    "password",
)
# Route arguments that name an object: a refusal is recorded against that object.
_OBJECT_ARGUMENTS = {
    "call_id": "dispatch.call",
    "unit_id": "dispatch.unit",
    "case_id": "care_navigation.case",
    "referral_id": "care_navigation.referral",
    "version": "triage.ruleset",
}


def _logged_in(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    audit_record(action="login", user=user, request=request)


def _logged_out(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    audit_record(action="logout", user=user, request=request)


def _login_failed(sender: Any, credentials: dict[str, Any], request: Any = None, **kw: Any) -> None:
    tried = str(credentials.get("username", ""))
    audit_record(
        action="login",
        outcome=AuditEntry.Outcome.FAILURE,
        username=tried[:150],
        request=request,
        # A username no account can have is kept cut; how long it was says what was tried.
        detail={"username_length": len(tried)} if len(tried) > 150 else None,
    )


# Users, groups and permissions.


def _record(action: str, *, obj: Any = None, detail: dict[str, Any], **kwargs: Any) -> None:
    request = _request.get()
    actor = getattr(request, "user", None) if request is not None else None
    audit_record(action=action, user=actor, obj=obj, request=request, detail=detail, **kwargs)


def _user_before(sender: Any, instance: Any, raw: bool = False, **kwargs: Any) -> None:
    update_fields = kwargs.get("update_fields")
    if raw or instance.pk is None or (update_fields and set(update_fields) <= {"last_login"}):
        return
    instance._audit_before = sender.objects.filter(pk=instance.pk).values(*USER_FIELDS).first()


def _user_saved(sender: Any, instance: Any, created: bool, raw: bool = False, **kw: Any) -> None:
    if raw:
        return
    if created:
        fields = {f: getattr(instance, f) for f in USER_FIELDS if f != "password"}
        _record("user.create", obj=instance, detail={"fields": fields})
        return
    before = instance.__dict__.pop("_audit_before", None)
    if before is None:
        return
    changed = {
        f: [before[f], getattr(instance, f)]
        for f in USER_FIELDS
        if f != "password" and before[f] != getattr(instance, f)
    }
    password_changed = before["password"] != instance.password
    if changed or password_changed:
        detail: dict[str, Any] = {"changed": changed}
        if password_changed:
            detail["password"] = "changed"  # noqa: S105 - a fact, not a secret
        _record("user.change", obj=instance, detail=detail)


def _user_deleted(sender: Any, instance: Any, **kwargs: Any) -> None:
    _record(
        "user.delete",
        object_type=instance._meta.label_lower,
        object_id=instance.pk,
        detail={"username": instance.get_username()},
    )


def _group_before(sender: Any, instance: Any, raw: bool = False, **kwargs: Any) -> None:
    if raw or instance.pk is None:
        return
    instance._audit_before = sender.objects.filter(pk=instance.pk).values("name").first()


def _group_saved(sender: Any, instance: Any, created: bool, raw: bool = False, **kw: Any) -> None:
    if raw:
        return
    if created:
        _record("group.create", obj=instance, detail={"name": instance.name})
        return
    before = instance.__dict__.pop("_audit_before", None)
    if before is not None and before["name"] != instance.name:
        _record("group.change", obj=instance, detail={"name": [before["name"], instance.name]})


def _group_deleted(sender: Any, instance: Any, **kwargs: Any) -> None:
    _record(
        "group.delete",
        object_type=instance._meta.label_lower,
        object_id=instance.pk,
        detail={"name": instance.name},
    )


def _group_names(ids: Iterable[int]) -> list[str]:
    return sorted(Group.objects.filter(pk__in=list(ids)).values_list("name", flat=True))


def _permission_names(ids: Iterable[int]) -> list[str]:
    rows = Permission.objects.filter(pk__in=list(ids)).values_list(
        "content_type__app_label", "codename"
    )
    return sorted(f"{app}.{codename}" for app, codename in rows)


def _relation_receiver(
    *,
    recorded_action: str,
    owner_model: Callable[[], Any],
    owner_fk: str,
    target_fk: str,
    names: Callable[[Iterable[int]], list[str]],
) -> Callable[..., None]:
    """A receiver for one many-to-many relation (a user's groups, a user's permissions, a
    group's permissions), changed from either side: one entry per owner (the user or the
    group) with the names added or removed. What clear() removes is read before it runs."""

    def receiver(
        sender: Any,
        instance: Any,
        action: str,
        reverse: bool,
        pk_set: set[int] | None,
        **kwargs: Any,
    ) -> None:
        if action == "pre_clear":
            mine, other = (target_fk, owner_fk) if reverse else (owner_fk, target_fk)
            instance._audit_cleared = set(
                sender.objects.filter(**{mine: instance.pk}).values_list(f"{other}_id", flat=True)
            )
            return
        if action not in ("post_add", "post_remove", "post_clear"):
            return
        if action == "post_clear":
            pk_set = instance.__dict__.pop("_audit_cleared", None)
        if not pk_set:
            return
        key = "added" if action == "post_add" else "removed"
        if not reverse:
            _record(recorded_action, obj=instance, detail={key: names(pk_set)})
            return
        # Changed from the other side (group.user_set.add(...)): pk_set holds the owners.
        for owner in owner_model().objects.filter(pk__in=pk_set).order_by("pk"):
            _record(recorded_action, obj=owner, detail={key: names([instance.pk])})

    return receiver


# Refusals.


def _record_denied(request: HttpRequest, since: datetime) -> None:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return  # anonymous visitors are sent to the login page; their 401/403 say nothing new
    already = AuditEntry.objects.filter(user=user, outcome=AuditEntry.Outcome.DENIED, at__gte=since)
    if already.exists():
        return
    match = request.resolver_match
    view = match.view_name if match is not None else ""
    object_type, object_id = "url", view or request.path[:64]
    for argument, label in _OBJECT_ARGUMENTS.items():
        if match is not None and argument in match.kwargs:
            object_type, object_id = label, match.kwargs[argument]
            break
    audit_record(
        action="access",
        user=user,
        object_type=object_type,
        object_id=object_id,
        outcome=AuditEntry.Outcome.DENIED,
        request=request,
        detail={"method": request.method, "path": request.path[:500], "view": view},
    )


class AuditMiddleware:
    """Keeps the request at hand for the receivers above (who changed a user, from where),
    and records a 403 answered to a signed-in user. It sits after AuthenticationMiddleware;
    the API's token users are known by the time the response comes back (DRF sets
    request.user)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        since = timezone.now()
        token = _request.set(request)
        try:
            response = self.get_response(request)
        finally:
            _request.reset(token)
        if response.status_code == 403:
            _record_denied(request, since)
        return response


def connect() -> None:
    user_logged_in.connect(_logged_in, dispatch_uid="audit_login")
    user_logged_out.connect(_logged_out, dispatch_uid="audit_logout")
    user_login_failed.connect(_login_failed, dispatch_uid="audit_login_failed")

    user_model = get_user_model()
    pre_save.connect(_user_before, sender=user_model, dispatch_uid="audit_user_before")
    post_save.connect(_user_saved, sender=user_model, dispatch_uid="audit_user_saved")
    post_delete.connect(_user_deleted, sender=user_model, dispatch_uid="audit_user_deleted")
    pre_save.connect(_group_before, sender=Group, dispatch_uid="audit_group_before")
    post_save.connect(_group_saved, sender=Group, dispatch_uid="audit_group_saved")
    post_delete.connect(_group_deleted, sender=Group, dispatch_uid="audit_group_deleted")
    relations = (
        ("user.groups", get_user_model, user_model.groups.through, "user", "group", _group_names),
        (
            "user.permissions",
            get_user_model,
            user_model.user_permissions.through,
            "user",
            "permission",
            _permission_names,
        ),
        (
            "group.permissions",
            lambda: Group,
            Group.permissions.through,
            "group",
            "permission",
            _permission_names,
        ),
    )
    for action, owner_model, through, owner_fk, target_fk, names in relations:
        m2m_changed.connect(
            _relation_receiver(
                recorded_action=action,
                owner_model=owner_model,
                owner_fk=owner_fk,
                target_fk=target_fk,
                names=names,
            ),
            sender=through,
            weak=False,
            dispatch_uid=f"audit_{action}",
        )
