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


# Throttling by address in front of the per-account lock (access/login_throttle.py).


def from_address(address: str) -> Client:
    return Client(REMOTE_ADDR=address)


def sign_in(client: Client, username: str, password: str):
    return client.post("/accounts/login/", {"username": username, "password": password})


def test_it_keeps_an_account_open_from_other_addresses_when_one_address_fails(dispatcher):
    """Five wrong passwords for `dana` from an attacker's address lock dana out from there
    only: on the floor, dana signs in."""
    attacker = from_address("203.0.113.9")
    for _ in range(4):
        assert sign_in(attacker, "dana", "wrong").status_code == 200
    assert sign_in(attacker, "dana", "wrong").status_code == 429
    assert sign_in(attacker, "dana", PASSWORD).status_code == 429  # even the right one, there
    floor = from_address("198.51.100.20")
    assert sign_in(floor, "dana", PASSWORD).status_code == 302
    entry = AuditEntry.objects.get(action="login.lockout")
    assert (entry.username, entry.source_address, entry.detail["scope"]) == (
        "dana",
        "203.0.113.9",
        "account",
    )


def test_it_pauses_an_address_that_tries_passwords_on_many_accounts(settings, make_user):
    settings.LOGIN_ADDRESS_FAILURE_LIMIT = 8
    make_user("kim")
    attacker = from_address("203.0.113.9")
    for n in range(8):
        assert sign_in(attacker, f"guess{n}", "wrong").status_code in (200, 429)
    paused = sign_in(attacker, "kim", PASSWORD)
    assert paused.status_code == 429
    assert "paused for this address" in paused.content.decode()
    assert paused["Retry-After"] == "600"
    assert sign_in(from_address("198.51.100.20"), "kim", PASSWORD).status_code == 302
    assert AuditEntry.objects.filter(action="login.lockout", detail__scope="address").count() == 1


def test_it_alerts_supervisors_when_many_accounts_lock_at_once(settings, make_user, supervisor):
    settings.LOGIN_LOCKOUT_ALERT_ACCOUNTS = 3
    names = ["ann", "ben", "cat"]
    for name in names:
        make_user(name)
    for address, name in zip(["203.0.113.1", "203.0.113.2", "203.0.113.3"], names, strict=True):
        client = from_address(address)
        for _ in range(5):
            sign_in(client, name, "wrong")
    alert = AuditEntry.objects.get(action="login.lockout_alert")
    assert alert.detail["accounts"] == names and alert.outcome == "failure"
    # More locks inside the window raise no second alert.
    make_user("dee")
    for _ in range(5):
        sign_in(from_address("203.0.113.4"), "dee", "wrong")
    assert AuditEntry.objects.filter(action="login.lockout_alert").count() == 1

    page = Client()
    page.force_login(supervisor)
    shown = page.get("/").content.decode()
    assert "Sign-in alert: 3 accounts were locked out" in shown and "ann, ben, cat" in shown
    other = Client()
    other.force_login(make_user("someone"))
    assert "Sign-in alert" not in other.get("/").content.decode()


def test_it_raises_no_alert_for_one_locked_account(make_user, supervisor):
    for _ in range(5):
        sign_in(from_address("203.0.113.1"), "casey", "wrong")
    assert not AuditEntry.objects.filter(action="login.lockout_alert").exists()


def test_it_reads_the_client_address_from_the_trusted_proxy_only(settings, call_taker):
    """Behind the proxy every request comes from the proxy: the lock is per client address,
    which only the configured proxy may tell; anyone else's X-Forwarded-For is ignored."""
    settings.TRUSTED_PROXIES = ["10.0.0.2"]
    settings.CLIENT_ADDRESS_HEADER = "X-Forwarded-For"
    proxy = Client(REMOTE_ADDR="10.0.0.2")
    for _ in range(5):
        response = proxy.post(
            "/accounts/login/",
            {"username": "casey", "password": "wrong"},
            headers={"X-Forwarded-For": "203.0.113.9"},
        )
    assert response.status_code == 429
    floor = proxy.post(
        "/accounts/login/",
        {"username": "casey", "password": PASSWORD},
        headers={"X-Forwarded-For": "198.51.100.20"},
    )
    assert floor.status_code == 302
    # The lock was the client's address, as the proxy said.
    assert AuditEntry.objects.get(action="login.lockout").source_address == "203.0.113.9"


def test_it_locks_the_token_endpoint_like_the_sign_in_page(call_taker):
    client = from_address("203.0.113.9")
    body = {"username": "casey", "password": "wrong"}
    answers = [
        client.post("/api/v1/auth/token/", body, content_type="application/json") for _ in range(5)
    ]
    assert [a.status_code for a in answers] == [400, 400, 400, 400, 429]
    locked = answers[-1]
    assert "Account locked" in locked.json()["detail"] and locked["Retry-After"] == "600"
    right = {"username": "casey", "password": PASSWORD}
    assert (
        client.post("/api/v1/auth/token/", right, content_type="application/json").status_code
        == 429
    )
    elsewhere = from_address("198.51.100.20")
    assert (
        elsewhere.post("/api/v1/auth/token/", right, content_type="application/json").status_code
        == 200
    )


@pytest.mark.parametrize("path", ["/accounts/login/", "/api/v1/auth/token/", "/admin/login/"])
def test_it_answers_a_300_character_username_cleanly_and_records_it(path):
    """axes keeps attempts in a varchar(255): a longer username was a 500, with no audit
    entry. Now it is refused by field where the form can say so, and a failed login."""
    username = "u" * 300
    response = Client().post(path, {"username": username, "password": "x"})
    assert response.status_code in (200, 400), response.content[:500]
    if path != "/admin/login/":
        assert response.status_code == 400
        text = response.content.decode()
        assert "username" in text and "at most 150" in text
    entry = AuditEntry.objects.get(action="login", outcome="failure")
    assert entry.username == "u" * 150 and entry.detail == {"username_length": 300}
