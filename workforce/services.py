"""Writes of the workforce tables, each with its audit entry."""

from __future__ import annotations

from typing import Any

from django.db import transaction

from access.audit import audit_record
from workforce.models import Responder, TeamTemplate


def responder_set(
    *, user: Any, disciplines: list[str], languages: list[str], by: Any = None, request: Any = None
) -> Responder:
    """Set a responder's disciplines and languages (codes of workforce.vocabulary); unknown
    codes are a ValidationError on the field."""
    responder = Responder.objects.filter(user=user).first() or Responder(user=user)
    responder.disciplines = sorted(set(disciplines))
    responder.languages = sorted(set(languages))
    responder.full_clean(exclude=["user"])
    with transaction.atomic():
        responder.save()
        audit_record(
            action="responder.set",
            user=by,
            obj=responder,
            request=request,
            detail={
                "responder": user.get_username(),
                "disciplines": responder.disciplines,
                "languages": responder.languages,
            },
        )
    return responder


def team_template_set(
    *, service: str, disciplines: list[str], by: Any = None, request: Any = None
) -> TeamTemplate:
    """Set the disciplines a unit of `service` needs on board."""
    template = TeamTemplate.objects.filter(service=service).first() or TeamTemplate(service=service)
    template.disciplines = list(disciplines)
    template.full_clean()
    with transaction.atomic():
        template.save()
        audit_record(
            action="team_template.set",
            user=by,
            obj=template,
            request=request,
            detail={"service": service, "disciplines": template.disciplines},
        )
    return template
