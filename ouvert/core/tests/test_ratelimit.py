"""Client addresses behind trusted proxies, and sign-in limits per address and per account."""

from typing import Any

import pytest
from django.core.cache import cache
from django.test import RequestFactory

from ouvert.core.ratelimit import client_address


@pytest.fixture(autouse=True)
def _empty_cache():
    cache.clear()
    yield
    cache.clear()


def _request(remote: str, forwarded: str | None = None):
    extra: dict[str, Any] = {"REMOTE_ADDR": remote}
    if forwarded is not None:
        extra["HTTP_X_FORWARDED_FOR"] = forwarded
    return RequestFactory().get("/", **extra)


def test_without_trusted_proxies_the_forwarded_header_is_ignored(settings):
    settings.OUVERT_TRUSTED_PROXIES = []
    assert client_address(_request("203.0.113.9", "198.51.100.1")) == "203.0.113.9"


def test_forwarded_for_is_read_right_to_left_through_trusted_hops_only(settings):
    settings.OUVERT_TRUSTED_PROXIES = ["10.0.0.0/8", "2001:db8::1"]
    # The client lies in the left part of the header; the proxies appended the real hops.
    assert client_address(_request("10.0.0.5", "1.2.3.4, 198.51.100.7, 10.1.1.1")) == "198.51.100.7"
    assert client_address(_request("10.0.0.5", "198.51.100.7")) == "198.51.100.7"
    assert client_address(_request("2001:db8::1", "198.51.100.8:51234")) == "198.51.100.8"
    assert client_address(_request("10.0.0.5", "[2001:db8::77]:443")) == "2001:db8::77"
    # Not from a trusted proxy: the header is anyone's, REMOTE_ADDR counts.
    assert client_address(_request("203.0.113.9", "198.51.100.7")) == "203.0.113.9"
    # Only trusted hops, or garbage: the last hop we can vouch for.
    assert client_address(_request("10.0.0.5", "10.2.2.2")) == "10.2.2.2"
    assert client_address(_request("10.0.0.5", "not-an-address, 10.2.2.2")) == "10.2.2.2"
    assert client_address(_request("10.0.0.5")) == "10.0.0.5"


def test_login_limits_count_the_client_behind_the_proxy(client, settings, make_user, password):
    """One attacker behind the shared proxy no longer locks everyone else out."""
    settings.OUVERT_TRUSTED_PROXIES = ["10.0.0.0/8"]
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "login": (3, 300), "login_account": (100, 900)}
    make_user("victime@exemple.qc.ca")
    attacker = {"REMOTE_ADDR": "10.0.0.5", "HTTP_X_FORWARDED_FOR": "198.51.100.66"}
    codes = [client.post("/fr/compte/connexion/", {"username": f"x{i}@exemple.qc.ca", "password": "faux"},
                         **attacker).status_code for i in range(4)]
    assert codes[-1] == 429
    other = client.post("/fr/compte/connexion/", {"username": "victime@exemple.qc.ca", "password": password},
                        REMOTE_ADDR="10.0.0.5", HTTP_X_FORWARDED_FOR="198.51.100.20")
    assert other.status_code == 302


def test_failed_logins_are_limited_per_account_across_addresses(client, settings, make_user, password):
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "login": (100, 300), "login_account": (3, 900)}
    make_user("cible@exemple.qc.ca")
    for i in range(3):
        response = client.post("/fr/compte/connexion/", {"username": "Cible@exemple.qc.ca", "password": "faux"},
                               REMOTE_ADDR=f"198.51.100.{i + 1}")
        assert response.status_code == 200
    blocked = client.post("/fr/compte/connexion/", {"username": "cible@exemple.qc.ca", "password": password},
                          REMOTE_ADDR="198.51.100.50")
    assert blocked.status_code == 429 and int(blocked["Retry-After"]) > 0
    # An address that does not exist is limited the same way (no existence oracle).
    for _ in range(3):
        client.post("/fr/compte/connexion/", {"username": "absent@exemple.qc.ca", "password": "faux"})
    assert client.post("/fr/compte/connexion/", {"username": "absent@exemple.qc.ca",
                                                 "password": "faux"}).status_code == 429
    # Other accounts are not affected.
    make_user("autre@exemple.qc.ca")
    assert client.post("/fr/compte/connexion/", {"username": "autre@exemple.qc.ca",
                                                 "password": password}).status_code == 302


def test_api_write_limits_use_the_client_address(settings):
    from ouvert.core.ratelimit import write_throttle

    settings.OUVERT_TRUSTED_PROXIES = ["10.0.0.0/8"]
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "api_write_ip": (1, 60)}
    assert write_throttle(_request("10.0.0.5", "198.51.100.1")) is None
    assert write_throttle(_request("10.0.0.5", "198.51.100.2")) is None
    assert write_throttle(_request("10.0.0.6", "198.51.100.1")) is not None


def test_unreadable_trusted_proxy_is_reported(settings):
    from ouvert.core.checks import trusted_proxies_readable

    settings.OUVERT_TRUSTED_PROXIES = ["10.0.0.0/8", "proxy.local"]
    assert [e.id for e in trusted_proxies_readable(None)] == ["ouvert.E003"]
