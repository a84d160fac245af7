"""Fixed-window rate limits on public writes, keyed by a hash of the client (never stored in clear).

The client address is :func:`client_address`: ``REMOTE_ADDR``, unless that is one of the proxies
named in ``settings.OUVERT_TRUSTED_PROXIES``; then ``X-Forwarded-For`` is read from right to left,
through trusted hops only, and the first address no trusted proxy vouches for is the client. Every
rate limit (pages, API writes) goes through it.

One counter (:func:`rate_limit_hit`) serves every scope: page forms, CKAN query actions and API
writes (:func:`write_throttle`, counted per caller and per client address)."""

from __future__ import annotations

import contextlib
import functools
import hashlib
import ipaddress
import threading
import time
from collections.abc import Iterator

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest

Network = ipaddress.IPv4Network | ipaddress.IPv6Network
Address = ipaddress.IPv4Address | ipaddress.IPv6Address


@functools.lru_cache(maxsize=8)
def _networks(entries: tuple[str, ...]) -> tuple[Network, ...]:
    networks = []
    for entry in entries:
        try:
            networks.append(ipaddress.ip_network(entry.strip(), strict=False))
        except ValueError:
            continue  # ``ouvert check`` reports it; an unreadable entry trusts nobody
    return tuple(networks)


def _parse(value: str) -> Address | None:
    value = value.strip()
    if value.startswith("[") and "]" in value:  # "[2001:db8::1]:443"
        value = value[1:value.index("]")]
    elif value.count(":") == 1:  # "203.0.113.7:51234"
        value = value.split(":", 1)[0]
    try:
        address = ipaddress.ip_address(value)
    except ValueError:
        return None
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped:
        return address.ipv4_mapped
    return address


def trusted_proxies() -> tuple[Network, ...]:
    entries = settings.OUVERT_TRUSTED_PROXIES or ()
    if isinstance(entries, str):
        entries = entries.split(",")
    return _networks(tuple(str(e) for e in entries if str(e).strip()))


def _is_trusted(address: Address, networks: tuple[Network, ...]) -> bool:
    return any(address.version == net.version and address in net for net in networks)


def client_address(request: HttpRequest) -> str:
    """The address of the client that made ``request``, as far as trusted proxies can tell."""
    remote = request.META.get("REMOTE_ADDR", "")
    networks = trusted_proxies()
    current = _parse(remote)
    if current is None or not networks or not _is_trusted(current, networks):
        return str(current) if current is not None else remote
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    for hop in reversed([h for h in forwarded.split(",") if h.strip()]):
        address = _parse(hop)
        if address is None:
            break  # garbage a trusted proxy would not write: stop at the last hop we can vouch for
        current = address
        if not _is_trusted(address, networks):
            break
    return str(current)


def _digest(value: str) -> str:
    return hashlib.sha256(f"{settings.SECRET_KEY}:{value}".encode()).hexdigest()[:24]


def address_key(request: HttpRequest) -> str:
    """The rate-limit key of the client address (a keyed hash: the address itself is never stored)."""
    return "a" + _digest(client_address(request))


def client_key(request: HttpRequest) -> str:
    """The signed-in account, else the client address."""
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        return f"u{user.pk}"
    return address_key(request)


def account_key(identifier: str) -> str:
    """The rate-limit key of an account named in a form (an e-mail address), existing or not."""
    return "e" + _digest(identifier.strip().lower())


def _bucket(scope: str, key: str) -> tuple[str, int, int, int]:
    limit, window = settings.RATE_LIMITS.get(scope, (60, 60))
    now = int(time.time())
    bucket = now // window
    return f"rl:{scope}:{key}:{bucket}", limit, (bucket + 1) * window - now, window


def rate_limit_hit(request: HttpRequest, scope: str, *, key: str | None = None) -> int | None:
    """Count one hit for ``scope``; return the seconds to wait if the limit is exceeded, else None.

    ``key`` counts for something else than the client (see :func:`account_key`)."""
    cache_key, limit, wait, window = _bucket(scope, key or client_key(request))
    cache.add(cache_key, 0, timeout=window + 5)
    try:
        count = cache.incr(cache_key)
    except ValueError:
        cache.set(cache_key, 1, timeout=window + 5)
        count = 1
    return wait if count > limit else None


def rate_limit_exceeded(scope: str, *, key: str) -> int | None:
    """The seconds to wait if ``key`` is already over its limit in ``scope`` (counts nothing)."""
    cache_key, limit, wait, _window = _bucket(scope, key)
    count = cache.get(cache_key) or 0
    return wait if count >= limit else None


def write_throttle(request: HttpRequest) -> int | None:
    """Count one API write, per caller (``RATE_LIMITS["api_write"]``: token or account, else address)
    and per client address (``["api_write_ip"]``); the seconds to wait if either limit is exceeded,
    else ``None``. The native API's middleware and the CKAN write actions both call it."""
    waits = [wait for wait in (rate_limit_hit(request, "api_write"),
                               rate_limit_hit(request, "api_write_ip", key=address_key(request)))
             if wait is not None]
    return max(waits) if waits else None


_slots_lock = threading.Lock()
_slots_taken: dict[str, int] = {}


@contextlib.contextmanager
def concurrency_slot(pool: str, limit: int) -> Iterator[bool]:
    """Hold one of ``limit`` slots of ``pool`` in this process for the block: yields True, or False
    without holding anything when every slot is taken (the caller answers 429). Per process: with
    several app servers, each has its own ``limit`` slots."""
    with _slots_lock:
        taken = _slots_taken.get(pool, 0)
        acquired = taken < limit
        if acquired:
            _slots_taken[pool] = taken + 1
    try:
        yield acquired
    finally:
        if acquired:
            with _slots_lock:
                _slots_taken[pool] -= 1
