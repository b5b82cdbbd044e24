"""The client's address: the peer's, or what a trusted proxy says it is.

Behind a reverse proxy every request comes from the proxy's address, so an address-based
throttle would throttle everyone at once. A proxy's forwarded header is read only when the
request comes from an address listed in TRUSTED_PROXIES, and only the header named by
CLIENT_ADDRESS_HEADER: any client can send an X-Forwarded-For of its choosing, and believing it
would let an attacker sign in from a new address with every request.
"""

from __future__ import annotations

import ipaddress
from functools import cache

from django.conf import settings
from django.http import HttpRequest

Network = ipaddress.IPv4Network | ipaddress.IPv6Network


@cache
def _trusted(proxies: tuple[str, ...]) -> tuple[Network, ...]:
    return tuple(ipaddress.ip_network(p, strict=False) for p in proxies)


def _address(text: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    try:
        return ipaddress.ip_address(text.strip())
    except ValueError:
        return None


def _is_trusted(address: ipaddress.IPv4Address | ipaddress.IPv6Address) -> bool:
    return any(address in network for network in _trusted(tuple(settings.TRUSTED_PROXIES)))


def client_address(request: HttpRequest | None) -> str | None:
    """REMOTE_ADDR, unless it is a trusted proxy that names the client in the configured
    header. X-Forwarded-For lists every hop, the client's claim first: the answer is the last
    address that is not one of our proxies (the one our first proxy saw)."""
    if request is None:
        return None
    peer = _address(request.META.get("REMOTE_ADDR") or "")
    header = settings.CLIENT_ADDRESS_HEADER
    if peer is None or not header or not _is_trusted(peer):
        return str(peer) if peer is not None else None
    meta_key = "HTTP_" + header.upper().replace("-", "_")
    hops = [_address(hop) for hop in request.META.get(meta_key, "").split(",")]
    for hop in reversed(hops):
        if hop is None:
            return str(peer)  # a malformed header: keep the address we know
        if not _is_trusted(hop):
            return str(hop)
    return str(hops[0]) if hops and hops[0] is not None else str(peer)
