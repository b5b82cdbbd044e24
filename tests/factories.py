from __future__ import annotations

import factory
from django.contrib.auth import get_user_model
from django.utils import timezone

from dispatch.models import Unit

PASSWORD = "correct-horse-battery"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)

    username = factory.Sequence(lambda n: f"user{n}")
    password = factory.django.Password(PASSWORD)


class UnitFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Unit

    name = factory.Sequence(lambda n: f"UNIT-{n}")
    kind = "HEART"
    lat = 35.994
    lon = -78.8986
    # A fresh position: trusted for "nearest" (docs/location.md) unless a test ages it.
    position_at = factory.LazyFunction(timezone.now)
