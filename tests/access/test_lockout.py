import pytest
from django.test import Client

from access.models import AuditEntry
from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db


def attempt(client: Client, password: str):
    return client.post("/accounts/login/", {"username": "casey", "password": password})


def test_it_locks_an_account_for_10_minutes_after_5_failed_logins(call_taker):
    client = Client()
    for _ in range(4):
        assert attempt(client, "wrong").status_code == 200
    assert attempt(client, "wrong").status_code == 429  # the fifth failure locks
    locked = attempt(client, PASSWORD)
    assert locked.status_code == 429
    assert "Account locked" in locked.content.decode()
    assert AuditEntry.objects.filter(action="login", outcome="failure").count() >= 5


def test_it_unlocks_after_the_cool_off(call_taker):
    import time_machine
    from django.utils import timezone

    client = Client()
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        for _ in range(5):
            attempt(client, "wrong")
        assert attempt(client, PASSWORD).status_code == 429
    with time_machine.travel(start.timestamp() + 11 * 60, tick=False):
        assert attempt(Client(), PASSWORD).status_code == 302


def test_it_keeps_other_accounts_open_from_the_same_address(call_taker, make_user):
    make_user("dana2")
    client = Client()
    for _ in range(5):
        attempt(client, "wrong")
    other = client.post("/accounts/login/", {"username": "dana2", "password": PASSWORD})
    assert other.status_code == 302
