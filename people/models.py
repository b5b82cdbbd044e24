"""The people calls are about, shared by dispatch (a call's person) and care navigation."""

from __future__ import annotations

from django.db import models


class Person(models.Model):
    """Someone a call is about. Matching proposes candidates; merging is always a human choice."""

    name = models.CharField(max_length=200)
    date_of_birth = models.DateField(null=True, blank=True)
    phone = models.CharField(max_length=40, blank=True)
    aliases = models.JSONField(default=list, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name", "id"]
        indexes = [models.Index(fields=["name"]), models.Index(fields=["phone"])]
        verbose_name_plural = "people"

    def __str__(self) -> str:
        return self.name
