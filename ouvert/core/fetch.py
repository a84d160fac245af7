"""The one way out: every request the platform makes to an address someone gave it (harvest sources,
linked files, later webhooks) goes through :func:`fetch`, :func:`fetch_to_file` or :func:`post_json`.

The rules (``docs/security.md``):

- ``http://`` and ``https://`` only, no user name or password in the address, ports 80, 443 and
  1024–65535;
- the host name is resolved once per hop, every address it resolves to must be public, and the TCP
  connection goes to one of those checked addresses — never to the answer of a second lookup — while
  the ``Host`` header, SNI and the certificate check keep the name;
- redirects are followed one at a time and every hop is checked again; credentials are dropped when
  a redirect leaves the origin;
- a time limit per socket operation and one for the whole exchange (a watchdog cuts the socket), a
  size cap while streaming (decoded bytes);
- errors carry a code, the status, the content type and a short reason, never the response's text.

``OUVERT_FETCH_ALLOW_PRIVATE`` lifts the address rule for loopback and private networks (tests, a
closed network); ``OUVERT_FETCH_ALLOWED_NETWORKS`` lists networks allowed one by one.

:func:`ouvert.core.outbound_guard.outbound_forbidden` is the reverse guard, for parsers that could
follow references themselves.
"""

from __future__ import annotations

import contextlib
import contextvars
import hashlib
import io
import ipaddress
import json
import os
import socket
import ssl
import tempfile
import threading
import time
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field, replace
from functools import lru_cache
from pathlib import Path
from typing import IO, Any
from urllib.parse import urlencode, urljoin, urlsplit, urlunsplit

import certifi
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop, ngettext
from urllib3 import exceptions as u3
from urllib3.connection import HTTPConnection, HTTPSConnection
from urllib3.connectionpool import HTTPConnectionPool, HTTPSConnectionPool
from urllib3.util.timeout import Timeout

from ouvert import __version__

USER_AGENT = f"Ouvert/{__version__} (+https://github.com/ouvert)"
REDIRECT_STATUSES = frozenset({301, 302, 303, 307, 308})
KEPT_HEADERS = ("content-type", "content-length", "content-disposition", "content-encoding", "etag",
                "last-modified")
CREDENTIAL_HEADERS = frozenset({"authorization", "cookie", "proxy-authorization"})
CHUNK = 64 * 1024
CGNAT = ipaddress.ip_network("100.64.0.0/10")
NAT64 = ipaddress.ip_network("64:ff9b::/96")

Address = ipaddress.IPv4Address | ipaddress.IPv6Address


# Limits, results, errors --------------------------------------------------------------------------

@dataclass(frozen=True)
class FetchLimits:
    """How long and how much. ``deadline`` is a :func:`time.monotonic` value after which no new
    request starts (a harvest run's total time)."""

    timeout: float = 30.0  # seconds to connect, and at most between two reads
    total_seconds: float = 300.0  # the whole exchange, redirects and body included
    max_bytes: int = 50 * 1024 * 1024  # of the body, after decompression
    max_redirects: int = 5
    deadline: float | None = None


@dataclass(frozen=True)
class FetchResult:
    """What was fetched. ``content`` for :func:`fetch` and :func:`post_json`; ``path`` (a temporary
    file removed when the :func:`fetch_to_file` block ends) for large downloads."""

    url: str  # the final address, after redirects
    status: int
    headers: Mapping[str, str]  # lower-case names, only KEPT_HEADERS
    size: int
    sha256: str
    content: bytes | None = None
    path: Path | None = None
    redirects: tuple[str, ...] = field(default=())

    @property
    def content_type(self) -> str:
        """The media type without parameters, lower case (``"text/csv"``; ``""`` when not declared)."""
        return self.headers.get("content-type", "").split(";", 1)[0].strip().lower()

    @property
    def charset(self) -> str:
        """The declared charset (``""`` when none)."""
        for part in self.headers.get("content-type", "").split(";")[1:]:
            name, _sep, value = part.partition("=")
            if name.strip().lower() == "charset":
                return value.strip().strip('"').strip()
        return ""


class FetchError(Exception):
    """The address could not be read. ``code`` says why (see :func:`_messages`); ``status`` and
    ``content_type`` are set when the server answered. ``str(exc)`` is the reason in the current
    language: what happened, to which address, and what to do. It never contains the response's text."""

    def __init__(self, code: str, *, url: str = "", status: int | None = None, content_type: str = "",
                 **params: Any):
        self.code, self.url, self.status, self.content_type, self.params = code, url, status, content_type, params
        super().__init__(code)

    def __str__(self) -> str:
        return self.message

    @property
    def message(self) -> str:
        values = {"url": shown_url(self.url), "status": self.status or "",
                  "content_type": self.content_type or _("type non indiqué"), "reason": "", **self.params}
        if self.code in PLURAL_MESSAGES:
            one, many, count = PLURAL_MESSAGES[self.code]
            return ngettext(one, many, int(values.get(count) or 0)) % values
        template = _messages().get(self.code) or _messages()["connection"]
        return template % values


# Messages with a count: (singular, plural, the parameter that holds the count), chosen by ngettext.
PLURAL_MESSAGES = {
    "too_large": (gettext_noop("Réponse trop volumineuse : plus de %(max)s octet (%(url)s)."),
                  gettext_noop("Réponse trop volumineuse : plus de %(max)s octets (%(url)s)."), "max"),
    "timeout": (gettext_noop("Délai dépassé : %(url)s n'a pas répondu en %(seconds)s seconde."),
                gettext_noop("Délai dépassé : %(url)s n'a pas répondu en %(seconds)s secondes."), "seconds"),
    "too_slow": (gettext_noop("Réponse trop lente : %(url)s n'avait pas fini en %(seconds)s seconde, lecture arrêtée."),
                 gettext_noop("Réponse trop lente : %(url)s n'avait pas fini en %(seconds)s secondes, lecture "
                              "arrêtée."), "seconds"),
}


def _messages() -> dict[str, str]:
    return {
        "scheme": _("Adresse refusée : « %(url)s » n'est pas une adresse http:// ou https:// valide. "
                    "Donnez le lien web complet (https://…)."),
        "credentials": _("Adresse refusée : « %(url)s » contient un identifiant ou un mot de passe. "
                         "Retirez-les du lien."),
        "port": _("Adresse refusée : le port %(port)s de « %(url)s » n'est pas permis "
                  "(80, 443 ou de 1024 à 65535)."),
        "dns": _("Le serveur « %(host)s » est introuvable (%(url)s) : vérifiez le lien."),
        "blocked": _("Adresse refusée : « %(host)s » correspond à une adresse interne (%(address)s) ; "
                     "seules les adresses publiques sont lues (%(url)s)."),
        "redirects": _("Trop de redirections depuis %(url)s (plus de %(max)s) : donnez l'adresse finale."),
        "status": _("Le serveur a répondu %(status)s (%(content_type)s) à %(url)s."),
"deadline": _("Durée maximale dépassée : aucune nouvelle requête n'est lancée (%(url)s)."),
        "tls": _("Connexion sécurisée impossible avec %(url)s : certificat invalide pour ce nom ou "
                 "échec de la négociation TLS."),
        "connection": _("Source injoignable (%(url)s) : %(reason)s."),
    }


def _reason(kind: str) -> str:
    return {"refused": _("connexion refusée"), "reset": _("connexion interrompue"),
            "protocol": _("réponse HTTP invalide")}.get(kind, _("erreur réseau"))


def shown_url(url: str) -> str:
    """An address fit for a report: no user name or password, at most 300 characters."""
    try:
        parts = urlsplit(url)
        if parts.username is not None or parts.password is not None:
            netloc = parts.hostname or ""
            if parts.port:
                netloc = f"{netloc}:{parts.port}"
            url = urlunsplit(parts._replace(netloc=netloc))
    except ValueError:
        pass
    return url if len(url) <= 300 else url[:299] + "…"


# Where requests may go ----------------------------------------------------------------------------

@dataclass(frozen=True)
class _Target:
    url: str
    scheme: str
    host: str  # ASCII (IDNA), without brackets
    port: int
    path: str  # path and query

    @property
    def origin(self) -> tuple[str, str, int]:
        return self.scheme, self.host, self.port


def _parse_url(url: str) -> _Target:
    try:
        parts = urlsplit(url.strip())
        port = parts.port
        hostname = parts.hostname
    except ValueError:
        raise FetchError("scheme", url=url) from None
    scheme = parts.scheme.lower()
    if scheme not in ("http", "https") or not hostname:
        raise FetchError("scheme", url=url)
    if parts.username is not None or parts.password is not None:
        raise FetchError("credentials", url=url)
    try:
        host = hostname.rstrip(".").encode("idna").decode("ascii") if not _is_ip(hostname) else hostname
    except UnicodeError:
        raise FetchError("scheme", url=url) from None
    port = port or (443 if scheme == "https" else 80)
    if port not in (80, 443) and not 1024 <= port <= 65535:
        raise FetchError("port", url=url, port=port)
    path = parts.path or "/"
    if parts.query:
        path = f"{path}?{parts.query}"
    return _Target(url=urlunsplit((scheme, parts.netloc, parts.path, parts.query, "")), scheme=scheme,
                   host=host, port=port, path=path)


def _is_ip(value: str) -> bool:
    try:
        ipaddress.ip_address(value)
    except ValueError:
        return False
    return True


def check_url(url: str) -> str:
    """The address if its form is acceptable (scheme, no credentials, port); raises :class:`FetchError`
    otherwise. Nothing is resolved: a form check for what is stored before being fetched later."""
    return _parse_url(url).url


def _allowed_networks() -> list[ipaddress.IPv4Network | ipaddress.IPv6Network]:
    values = settings.OUVERT_FETCH_ALLOWED_NETWORKS or []
    try:
        return [ipaddress.ip_network(str(v).strip(), strict=False) for v in values if str(v).strip()]
    except ValueError as exc:
        raise ImproperlyConfigured(
            f"OUVERT_FETCH_ALLOWED_NETWORKS: {exc} (expected CIDR networks such as 10.20.0.0/16)") from exc


def _embedded_ipv4(address: ipaddress.IPv6Address) -> ipaddress.IPv4Address | None:
    """The IPv4 address an IPv6 one carries (mapped, NAT64, 6to4, Teredo), if any."""
    if address.ipv4_mapped is not None:
        return address.ipv4_mapped
    if address in NAT64:
        return ipaddress.IPv4Address(int(address) & 0xFFFFFFFF)
    if address.sixtofour is not None:
        return address.sixtofour
    if address.teredo is not None:
        return address.teredo[1]
    return None


def address_refusal(address: Address) -> str:
    """Why ``address`` may not be fetched from, ``""`` when it may: ``"loopback"``, ``"private"``,
    ``"shared"`` (CGNAT), ``"site-local"``, ``"not-global"`` — lifted by ``OUVERT_FETCH_ALLOW_PRIVATE`` —
    or ``"unspecified"``, ``"link-local"``, ``"multicast"``, ``"reserved"``, which only an explicit
    ``OUVERT_FETCH_ALLOWED_NETWORKS`` entry lifts."""
    if any(address in network for network in _allowed_networks() if network.version == address.version):
        return ""
    if isinstance(address, ipaddress.IPv6Address):
        embedded = _embedded_ipv4(address)
        if embedded is not None:
            inner = address_refusal(embedded)
            if inner or address.ipv4_mapped is not None:
                return inner
    hard = ("unspecified" if address.is_unspecified else "")
    soft = ""
    if not hard:
        if address.is_loopback:
            soft = "loopback"
        elif address.is_link_local:
            hard = "link-local"
        elif address.is_multicast:
            hard = "multicast"
        elif isinstance(address, ipaddress.IPv6Address) and address.is_site_local:
            soft = "site-local"
        elif address.is_reserved:
            hard = "reserved"
        elif isinstance(address, ipaddress.IPv4Address) and address in CGNAT:
            soft = "shared"
        elif address.is_private:
            soft = "private"
        elif not address.is_global:
            soft = "not-global"
    if hard:
        return hard
    if soft and not settings.OUVERT_FETCH_ALLOW_PRIVATE:
        return soft
    return ""


def _lookup(host: str, port: int) -> list[tuple[Any, ...]]:
    """The name service's answer for ``host`` (the one place a name is looked up; tests replace it)."""
    return socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)


def _resolve(target: _Target) -> tuple[str, ...]:
    """Every address of the host, looked up once; all must be allowed (a name that also points
    inside is refused, even if another of its addresses is public)."""
    try:
        infos = _lookup(target.host, target.port)
    except (OSError, UnicodeError):
        raise FetchError("dns", url=target.url, host=target.host) from None
    addresses: list[str] = []
    for info in infos:
        text = str(info[4][0]).split("%", 1)[0]
        if text not in addresses:
            addresses.append(text)
    if not addresses:
        raise FetchError("dns", url=target.url, host=target.host)
    for text in addresses:
        if address_refusal(ipaddress.ip_address(text)):
            raise FetchError("blocked", url=target.url, host=target.host, address=text)
    return tuple(addresses)


# Connections pinned to the checked addresses ------------------------------------------------------

class _Watchdog:
    """Shuts the exchange's sockets when its total time is up (reads then end at once)."""

    def __init__(self, seconds: float):
        self.seconds = seconds
        self.fired = False
        self._sockets: list[socket.socket] = []
        self._lock = threading.Lock()
        self._timer = threading.Timer(seconds, self._fire)
        self._timer.daemon = True

    def start(self) -> None:
        self._timer.start()

    def cancel(self) -> None:
        self._timer.cancel()
        with self._lock:
            self._sockets.clear()

    def watch(self, sock: socket.socket) -> None:
        with self._lock:
            if not self.fired:
                self._sockets.append(sock)
                return
        _shut(sock)

    def _fire(self) -> None:
        with self._lock:
            self.fired = True
            sockets, self._sockets = self._sockets, []
        for sock in sockets:
            _shut(sock)


def _shut(sock: socket.socket) -> None:
    with contextlib.suppress(OSError, ValueError):
        sock.shutdown(socket.SHUT_RDWR)


_current_watchdog: contextvars.ContextVar[_Watchdog | None] = contextvars.ContextVar("ouvert_fetch_watchdog",
                                                                                     default=None)


class _WatchedSSLSocket(ssl.SSLSocket):
    """A TLS socket the watchdog can cut during the handshake too (the plain socket is detached then)."""

    def do_handshake(self, block: bool = False) -> None:
        watchdog = _current_watchdog.get()
        if watchdog is not None:
            watchdog.watch(self)
        super().do_handshake(block)


@lru_cache(maxsize=1)
def _ssl_context() -> ssl.SSLContext:
    context = ssl.create_default_context(cafile=certifi.where())  # CERT_REQUIRED, hostname checked
    context.sslsocket_class = _WatchedSSLSocket
    return context


def _open_socket(address: str, port: int, timeout: float | None) -> socket.socket:
    """A TCP connection to exactly this address (an IP literal: nothing is looked up)."""
    family = socket.AF_INET6 if ":" in address else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    watchdog = _current_watchdog.get()
    if watchdog is not None:
        watchdog.watch(sock)
    try:
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        sock.settimeout(timeout)
        sock.connect((address, port))
    except BaseException:
        sock.close()
        raise
    return sock


class _PinnedMixin:
    """Connects to the addresses checked for this hop (in order), never to a new lookup of the name;
    ``host`` stays the name, so the Host header, SNI and the certificate check use it."""

    host: str
    port: int
    timeout: Any

    def __init__(self, *args: Any, addresses: tuple[str, ...] = (), **kwargs: Any):
        self._addresses = addresses
        super().__init__(*args, **kwargs)

    def _new_conn(self) -> socket.socket:
        if not self._addresses:
            raise u3.NewConnectionError(self, "no checked address")  # type: ignore[arg-type]  # a mixin of HTTPConnection
        timeout = self.timeout if isinstance(self.timeout, int | float) else None
        error: OSError | None = None
        for address in self._addresses:
            try:
                return _open_socket(address, self.port, timeout)
            except TimeoutError as exc:
                raise u3.ConnectTimeoutError(self, f"connect timeout ({address})") from exc
            except OSError as exc:
                error = exc
        raise u3.NewConnectionError(self, f"cannot connect: {error}")  # type: ignore[arg-type]  # as above


class _PinnedHTTPConnection(_PinnedMixin, HTTPConnection):
    pass


class _PinnedHTTPSConnection(_PinnedMixin, HTTPSConnection):
    pass


class _PinnedHTTPPool(HTTPConnectionPool):
    ConnectionCls = _PinnedHTTPConnection


class _PinnedHTTPSPool(HTTPSConnectionPool):
    ConnectionCls = _PinnedHTTPSConnection


def _pool(target: _Target, addresses: tuple[str, ...], limits: FetchLimits) -> HTTPConnectionPool:
    timeout = Timeout(connect=limits.timeout, read=limits.timeout)
    if target.scheme == "https":
        return _PinnedHTTPSPool(target.host, target.port, timeout=timeout, maxsize=1, retries=False,
                                cert_reqs="CERT_REQUIRED", ssl_context=_ssl_context(), addresses=addresses)
    return _PinnedHTTPPool(target.host, target.port, timeout=timeout, maxsize=1, retries=False,
                           addresses=addresses)


# The exchange -------------------------------------------------------------------------------------

def _with_params(url: str, params: Mapping[str, Any] | None) -> str:
    if not params:
        return url
    parts = urlsplit(url)
    extra = urlencode([(k, v) for k, v in params.items() if v is not None], doseq=True)
    return urlunsplit(parts._replace(query=f"{parts.query}&{extra}" if parts.query else extra))


def _kept_headers(raw: Mapping[str, str]) -> dict[str, str]:
    return {name: raw[name] for name in KEPT_HEADERS if raw.get(name) is not None}


def _exchange(url: str, *, method: str, headers: Mapping[str, str] | None, body: bytes | None,
              limits: FetchLimits, sink: IO[bytes]) -> FetchResult:
    if limits.deadline is not None and time.monotonic() > limits.deadline:
        raise FetchError("deadline", url=url)
    sent: dict[str, str] = {"User-Agent": USER_AGENT, "Accept": "*/*", "Accept-Encoding": "gzip, deflate"}
    for name, value in (headers or {}).items():  # the caller's headers win, whatever their case
        sent = {k: v for k, v in sent.items() if k.lower() != name.lower()}
        sent[name] = value
    watchdog = _Watchdog(limits.total_seconds)
    token = _current_watchdog.set(watchdog)
    watchdog.start()
    current, hops = url, list[str]()
    try:
        while True:
            target = _parse_url(current)
            addresses = _resolve(target)
            pool = _pool(target, addresses, limits)
            try:
                response = pool.urlopen(method, target.path, body=body, headers=sent, redirect=False,
                                        retries=False, preload_content=False, decode_content=True,
                                        assert_same_host=False, release_conn=False)
                try:
                    location = response.headers.get("Location")
                    if response.status in REDIRECT_STATUSES and location:
                        if len(hops) >= limits.max_redirects:
                            raise FetchError("redirects", url=url, max=limits.max_redirects)
                        following = urljoin(target.url, location.strip())
                        if response.status == 303 or (response.status in (301, 302) and method == "POST"):
                            method = "GET" if method != "HEAD" else method
                            body = None
                            sent = {k: v for k, v in sent.items() if k.lower() not in ("content-type",
                                                                                      "content-length")}
                        next_target = _parse_url(following)
                        if next_target.origin != target.origin:
                            sent = {k: v for k, v in sent.items() if k.lower() not in CREDENTIAL_HEADERS}
                        hops.append(target.url)
                        current = following
                        continue
                    kept = _kept_headers(response.headers)
                    if response.status >= 400:
                        raise FetchError("status", url=target.url, status=response.status,
                                         content_type=kept.get("content-type", "").split(";", 1)[0].strip())
                    declared = kept.get("content-length", "")
                    if declared.isdigit() and int(declared) > limits.max_bytes and \
                            "content-encoding" not in kept:
                        raise FetchError("too_large", url=target.url, status=response.status,
                                         max=limits.max_bytes)
                    digest, size = hashlib.sha256(), 0
                    for block in response.stream(CHUNK, decode_content=True):
                        size += len(block)
                        if size > limits.max_bytes:
                            raise FetchError("too_large", url=target.url, status=response.status,
                                             max=limits.max_bytes)
                        digest.update(block)
                        sink.write(block)
                    if watchdog.fired:
                        raise FetchError("too_slow", url=target.url, seconds=int(limits.total_seconds))
                    return FetchResult(url=target.url, status=response.status, headers=kept, size=size,
                                       sha256=digest.hexdigest(), redirects=tuple(hops))
                finally:
                    response.close()
            except FetchError:
                raise
            except Exception as exc:  # noqa: BLE001 — urllib3, ssl and socket errors, each mapped to a reason
                raise _network_error(exc, target, limits, watchdog) from None
            finally:
                pool.close()
    finally:
        watchdog.cancel()
        _current_watchdog.reset(token)


def _network_error(exc: Exception, target: _Target, limits: FetchLimits, watchdog: _Watchdog) -> FetchError:
    if watchdog.fired:
        return FetchError("too_slow", url=target.url, seconds=int(limits.total_seconds))
    if isinstance(exc, u3.SSLError | ssl.SSLError | ssl.CertificateError):
        return FetchError("tls", url=target.url)
    if isinstance(exc, u3.NewConnectionError):
        return FetchError("connection", url=target.url, reason=_reason("refused"))
    if isinstance(exc, u3.TimeoutError | TimeoutError):
        return FetchError("timeout", url=target.url, seconds=int(limits.timeout))
    if isinstance(exc, u3.ProtocolError):
        inner = exc.args[1] if len(exc.args) > 1 else None
        if isinstance(inner, ssl.SSLError):
            return FetchError("tls", url=target.url)
        return FetchError("connection", url=target.url,
                          reason=_reason("reset" if isinstance(inner, OSError) else "protocol"))
    if isinstance(exc, u3.HTTPError | OSError):
        return FetchError("connection", url=target.url, reason=_reason("other"))
    raise exc


def fetch(url: str, *, method: str = "GET", params: Mapping[str, Any] | None = None,
          headers: Mapping[str, str] | None = None, body: bytes | None = None,
          limits: FetchLimits | None = None) -> FetchResult:
    """Send one request through the guard and read the whole answer into ``content`` (at most
    ``limits.max_bytes``). Raises :class:`FetchError`; a status of 400 or more is an error."""
    sink = io.BytesIO()
    result = _exchange(_with_params(url, params), method=method.upper(), headers=headers, body=body,
                       limits=limits or FetchLimits(), sink=sink)
    return replace(result, content=sink.getvalue())


@contextlib.contextmanager
def fetch_to_file(url: str, *, headers: Mapping[str, str] | None = None, limits: FetchLimits | None = None,
                  suffix: str = "") -> Iterator[FetchResult]:
    """GET ``url`` into a temporary file; the result's ``path`` is removed when the block ends."""
    handle = tempfile.NamedTemporaryFile(suffix=suffix[:10], delete=False)  # noqa: SIM115 — removed below
    try:
        with handle:
            result = _exchange(url, method="GET", headers=headers, body=None, limits=limits or FetchLimits(),
                               sink=handle)
        yield replace(result, path=Path(handle.name))
    finally:
        with contextlib.suppress(OSError):
            os.unlink(handle.name)


def post_json(url: str, payload: Any, *, headers: Mapping[str, str] | None = None,
              limits: FetchLimits | None = None) -> FetchResult:
    """POST ``payload`` as JSON (UTF-8) through the guard. Redirects are not followed unless
    ``limits.max_redirects`` says so (default 0: a redirect is an error)."""
    sent = {"Content-Type": "application/json; charset=utf-8", "Accept": "application/json, */*;q=0.5"}
    for name, value in (headers or {}).items():
        sent = {k: v for k, v in sent.items() if k.lower() != name.lower()}
        sent[name] = value
    return fetch(url, method="POST", headers=sent, limits=limits or FetchLimits(max_redirects=0),
                 body=json.dumps(payload, ensure_ascii=False, separators=(",", ":")).encode("utf-8"))
