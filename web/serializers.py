"""The base of the API's input serializers."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from rest_framework import serializers


class StrictSerializer(serializers.Serializer[Any]):
    """A serializer that refuses the fields it does not declare, by name, instead of dropping
    them: a client that misspells `override_reason` or sends a field the API does not take
    (a navigator for a new case) hears so, rather than getting a 201 for something else than
    it asked. Nested serializers built on it refuse theirs too ({"referral": {"x": [...]}})."""

    def to_internal_value(self, data: Any) -> Any:
        if isinstance(data, Mapping):
            known = set(self.fields)
            unknown = sorted(str(name) for name in data if name not in known)
            if unknown:
                listed = ", ".join(sorted(known))
                raise serializers.ValidationError(
                    {
                        name: [f"is not a field of this request (its fields: {listed})"]
                        for name in unknown
                    }
                )
        return super().to_internal_value(data)
