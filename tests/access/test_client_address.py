"""The client's address (web/addresses.py): the peer's, or a trusted proxy's word for it."""

import pytest
from django.test import RequestFactory

from web.addresses import client_address


def request(remote: str, forwarded: str | None = None):
    extra = {"REMOTE_ADDR": remote}
    if forwarded is not None:
        extra["HTTP_X_FORWARDED_FOR"] = forwarded
    return RequestFactory().get("/", **extra)


@pytest.fixture
def behind_proxy(settings):
    settings.TRUSTED_PROXIES = ["10.0.0.0/24", "::1"]
    settings.CLIENT_ADDRESS_HEADER = "X-Forwarded-For"


def test_it_takes_the_peer_address_when_no_proxy_is_configured(settings):
    settings.TRUSTED_PROXIES = []
    settings.CLIENT_ADDRESS_HEADER = ""
    assert client_address(request("198.51.100.20", "203.0.113.9")) == "198.51.100.20"


def test_it_takes_the_address_the_trusted_proxy_saw(behind_proxy):
    # The client may claim anything first; the proxy appends the address it saw.
    assert client_address(request("10.0.0.2", "1.2.3.4, 203.0.113.9")) == "203.0.113.9"


def test_it_skips_our_own_proxies_in_the_chain(behind_proxy):
    assert client_address(request("10.0.0.2", "203.0.113.9, 10.0.0.7")) == "203.0.113.9"


def test_it_ignores_the_header_from_anyone_but_a_trusted_proxy(behind_proxy):
    assert client_address(request("198.51.100.20", "203.0.113.9")) == "198.51.100.20"


@pytest.mark.parametrize("header", ["", "not-an-address", "203.0.113.9, junk"])
def test_it_keeps_the_proxy_address_when_the_header_is_missing_or_malformed(behind_proxy, header):
    assert client_address(request("10.0.0.2", header)) == "10.0.0.2"


def test_it_answers_none_without_a_request_or_a_peer():
    assert client_address(None) is None
    assert client_address(request("")) is None
