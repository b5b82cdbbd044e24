"""Who a responder is on a team (disciplines, languages) and what team each service sends."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models

from workforce.vocabulary import DISCIPLINES, LANGUAGES, TEAM_SERVICES


def _check_codes(field: str, values: object, known: dict[str, str]) -> None:
    if not isinstance(values, list) or not all(isinstance(v, str) for v in values):
        raise ValidationError({field: ["a list of codes"]})
    unknown = sorted(set(values) - set(known))
    if unknown:
        raise ValidationError(
            {field: [f"unknown: {', '.join(unknown)} (one of {', '.join(known)})"]}
        )


class Responder(models.Model):
    """A field member's disciplines (a person may hold several: a clinician who is also a
    peer) and the languages they speak with callers."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="responder"
    )
    disciplines = models.JSONField(
        default=list, blank=True, help_text="codes: " + ", ".join(DISCIPLINES)
    )
    languages = models.JSONField(default=list, blank=True, help_text="ISO 639 codes, e.g. en, es")

    class Meta:
        ordering = ["user__username"]

    def __str__(self) -> str:
        return self.user.get_username()

    def clean(self) -> None:
        _check_codes("disciplines", self.disciplines, DISCIPLINES)
        _check_codes("languages", self.languages, LANGUAGES)


class TeamTemplate(models.Model):
    """The disciplines a unit of a service needs on board (a discipline listed twice is needed
    twice). A service with no template has no makeup to check."""

    service = models.CharField(max_length=16, unique=True, choices=TEAM_SERVICES)
    disciplines = models.JSONField(default=list)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["service"]

    def __str__(self) -> str:
        return f"{self.service}: {' + '.join(self.disciplines)}"

    def clean(self) -> None:
        _check_codes("disciplines", self.disciplines, DISCIPLINES)
        if not self.disciplines:
            raise ValidationError({"disciplines": ["name at least one discipline"]})
