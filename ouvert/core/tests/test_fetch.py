"""The guarded fetcher: what it refuses (schemes, ports, internal addresses on any hop), how it
connects (one lookup per hop, the connection pinned to the checked address, TLS checked against the
name), its caps (size, total time) and its errors (never the response's text)."""

from __future__ import annotations

import contextlib
import ipaddress
import shutil
import socket
import ssl
import subprocess
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from ouvert.core import fetch

PUBLIC = "93.184.216.34"  # a global address: never contacted, tests map it to their loopback server


class Seen:
    def __init__(self) -> None:
        self.requests: list[dict] = []


Handler = Callable[[BaseHTTPRequestHandler, Seen], None]


@contextmanager
def server(handle: Handler, *, tls: ssl.SSLContext | None = None) -> Iterator[tuple[int, Seen]]:
    seen = Seen()

    class RequestHandler(BaseHTTPRequestHandler):
        def _any(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            seen.requests.append({"method": self.command, "path": self.path, "headers": dict(self.headers),
                                  "body": self.rfile.read(length) if length else b""})
            with contextlib.suppress(BrokenPipeError, ConnectionResetError):
                handle(self, seen)

        do_GET = do_POST = _any  # noqa: N815 — http.server's naming

        def log_message(self, *args):
            pass

    httpd = ThreadingHTTPServer(("127.0.0.1", 0), RequestHandler)
    httpd.daemon_threads = True
    if tls is not None:
        httpd.socket = tls.wrap_socket(httpd.socket, server_side=True)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield httpd.server_address[1], seen
    finally:
        httpd.shutdown()
        httpd.server_close()


def reply(status: int = 200, body: bytes = b"ok", content_type: str = "text/plain", **headers: str) -> Handler:
    def handle(request: BaseHTTPRequestHandler, seen: Seen) -> None:
        request.send_response(status)
        request.send_header("Content-Type", content_type)
        request.send_header("Content-Length", str(len(body)))
        for name, value in headers.items():
            request.send_header(name.replace("_", "-"), value)
        request.end_headers()
        request.wfile.write(body)
    return handle


@pytest.fixture
def names(monkeypatch):
    """A fake name service: ``names["host"] = [addresses...]`` (a list of answers, one per lookup, the
    last repeated); counts lookups. Unknown names fail like a missing domain."""
    table: dict[str, list[list[str]]] = {}
    calls: list[str] = []

    def lookup(host, port):
        calls.append(host)
        if host not in table:
            try:
                ipaddress.ip_address(host)
            except ValueError:
                raise socket.gaierror(socket.EAI_NONAME, "not known") from None
            answers = [host]
        else:
            answers = table[host][min(calls.count(host), len(table[host])) - 1]
        return [(socket.AF_INET6 if ":" in a else socket.AF_INET, socket.SOCK_STREAM, 6, "", (a, port))
                for a in answers]

    monkeypatch.setattr(fetch, "_lookup", lookup)

    class Names(dict):
        lookups = calls

        def __setitem__(self, host, answers):
            table[host] = answers if answers and isinstance(answers[0], list) else [answers]

    return Names()


@pytest.fixture
def internet(monkeypatch):
    """Connections to PUBLIC go to the loopback test server on the same port (the 'internet');
    every address actually connected to is recorded."""
    connected: list[str] = []
    real = fetch._open_socket

    def open_socket(address, port, timeout):
        connected.append(address)
        return real("127.0.0.1" if address == PUBLIC else address, port, timeout)

    monkeypatch.setattr(fetch, "_open_socket", open_socket)
    return connected


# Refused before any connection ------------------------------------------------------------------

def test_loopback_is_refused_by_default(settings):
    assert settings.OUVERT_FETCH_ALLOW_PRIVATE is False and not settings.OUVERT_FETCH_ALLOWED_NETWORKS
    with server(reply(body=b"secret")) as (port, seen):
        for host in ("127.0.0.1", "[::ffff:127.0.0.1]", "localhost"):
            with pytest.raises(fetch.FetchError) as caught:
                fetch.fetch(f"http://{host}:{port}/")
            assert caught.value.code == "blocked", host
            assert "adresse interne" in str(caught.value)
    assert seen.requests == []


@pytest.mark.parametrize("address", [
    "127.0.0.1", "127.1.2.3", "10.0.0.1", "172.16.5.4", "192.168.1.1", "169.254.169.254", "100.64.0.1",
    "100.127.255.254", "0.0.0.0", "224.0.0.251",  # noqa: S104 — addresses checked, nothing is bound "239.255.255.250", "240.0.0.1", "255.255.255.255",
    "192.0.2.10", "::1", "::", "fe80::1", "fc00::1", "fd12:3456::1", "fec0::1", "ff02::1",
    "::ffff:127.0.0.1", "::ffff:10.0.0.1", "::ffff:169.254.169.254", "64:ff9b::7f00:1", "2002:7f00:1::1",
])
def test_internal_addresses_are_refused(address):
    assert fetch.address_refusal(ipaddress.ip_address(address))


@pytest.mark.parametrize("address", [PUBLIC, "8.8.8.8", "2606:4700:4700::1111", "::ffff:93.184.216.34"])
def test_public_addresses_are_allowed(address):
    assert fetch.address_refusal(ipaddress.ip_address(address)) == ""


def test_allow_private_opens_loopback_and_private_but_not_link_local_or_multicast(settings):
    settings.OUVERT_FETCH_ALLOW_PRIVATE = True
    for address in ("127.0.0.1", "10.1.2.3", "::1", "100.64.1.1"):
        assert fetch.address_refusal(ipaddress.ip_address(address)) == "", address
    for address in ("169.254.169.254", "fe80::1", "224.0.0.1", "0.0.0.0", "240.0.0.1"):  # noqa: S104
        assert fetch.address_refusal(ipaddress.ip_address(address)), address


def test_allowed_networks_open_one_network(settings, names):
    settings.OUVERT_FETCH_ALLOWED_NETWORKS = ["127.0.0.0/8"]
    with server(reply(body=b"ok")) as (port, seen):
        assert fetch.fetch(f"http://127.0.0.1:{port}/").content == b"ok"
    names["intranet.example"] = ["10.9.8.7"]
    with pytest.raises(fetch.FetchError) as caught:
        fetch.fetch("http://intranet.example/")
    assert caught.value.code == "blocked" and caught.value.params["address"] == "10.9.8.7"


def test_a_name_pointing_to_a_private_range_is_refused_without_connecting(names, internet):
    names["intranet.example"] = ["10.20.30.40"]
    names["mixed.example"] = [PUBLIC, "192.168.0.10"]  # one internal answer is enough
    for host in ("intranet.example", "mixed.example"):
        with pytest.raises(fetch.FetchError) as caught:
            fetch.fetch(f"https://{host}/catalogue.ttl")
        assert caught.value.code == "blocked"
    assert internet == []


@pytest.mark.parametrize("url,code", [
    ("ftp://files.example/../../resources/x.csv", "scheme"),
    ("file:///etc/passwd", "scheme"),
    ("gopher://example.org/", "scheme"),
    ("http:///no-host", "scheme"),
    ("//example.org/x", "scheme"),
    ("https://user:pass@example.org/x", "credentials"),
    ("http://example.org:22/", "port"),
    ("http://example.org:99999/", "scheme"),
])
def test_other_schemes_credentials_and_ports_are_refused_before_any_lookup(names, url, code):
    with pytest.raises(fetch.FetchError) as caught:
        fetch.fetch(url)
    assert caught.value.code == code
    assert names.lookups == []
    assert "user:pass" not in str(caught.value)


# Redirects --------------------------------------------------------------------------------------

def test_every_redirect_hop_is_checked(names, internet):
    with server(reply(302, Location="http://127.0.0.1:{port}/secret")) as (port, seen):
        seen.requests.clear()

        def redirect_to(location: str) -> Handler:
            return reply(302, b"", Location=location.format(port=port))

        names["portal.example"] = [PUBLIC]
        for location, code in [("http://127.0.0.1:{port}/secret", "blocked"),
                               ("http://169.254.169.254/latest/meta-data/", "blocked"),
                               ("http://[::1]:{port}/", "blocked"),
                               ("file:///etc/passwd", "scheme"),
                               ("ftp://portal.example/x", "scheme")]:
            with server(redirect_to(location)) as (front, front_seen):
                with pytest.raises(fetch.FetchError) as caught:
                    fetch.fetch(f"http://portal.example:{front}/catalogue")
                assert caught.value.code == code, location
                assert [r["path"] for r in front_seen.requests] == ["/catalogue"]
        assert seen.requests == []  # the internal server was never reached
        assert set(internet) == {PUBLIC}


def test_redirects_are_followed_and_limited_and_credentials_stay_with_their_origin(allow_loopback, names):
    with server(reply(body=b"final")) as (port, seen):
        names["other.example"] = ["127.0.0.1"]

        def hop(request, hop_seen):
            n = int(request.path.strip("/") or 0)
            target = f"/{n + 1}" if n < 2 else f"http://other.example:{port}/end"
            reply(301, b"", Location=target)(request, hop_seen)

        with server(hop) as (front, front_seen):
            result = fetch.fetch(f"http://127.0.0.1:{front}/", headers={"Authorization": "Bearer t"})
            assert result.content == b"final" and result.url == f"http://other.example:{port}/end"
            assert len(result.redirects) == 3
            assert all(r["headers"].get("Authorization") == "Bearer t" for r in front_seen.requests)
            assert "Authorization" not in seen.requests[0]["headers"]
            assert seen.requests[0]["headers"]["Host"] == f"other.example:{port}"
            with pytest.raises(fetch.FetchError) as caught:
                fetch.fetch(f"http://127.0.0.1:{front}/", limits=fetch.FetchLimits(max_redirects=2))
            assert caught.value.code == "redirects"


# One lookup per hop, connection pinned ----------------------------------------------------------

def test_dns_rebinding_the_connection_uses_the_checked_address(names, internet):
    """The name answers a public address first and loopback afterwards: the one lookup is the one
    checked, and the connection goes to that checked address, never to a second answer."""
    with server(reply(body=b"a,b\n1,2\n", content_type="text/csv")) as (port, seen):
        names["rebind.example"] = [[PUBLIC], ["127.0.0.1"]]
        result = fetch.fetch(f"http://rebind.example:{port}/data.csv")
    assert result.content == b"a,b\n1,2\n"
    assert names.lookups == ["rebind.example"]  # resolved once
    assert internet == [PUBLIC]  # connected to the address that was checked
    assert seen.requests[0]["headers"]["Host"] == f"rebind.example:{port}"  # the name is kept


def test_dns_rebinding_on_the_second_request_is_refused(names, internet):
    with server(reply(body=b"ok")) as (port, seen):
        names["rebind.example"] = [[PUBLIC], ["127.0.0.1"]]
        fetch.fetch(f"http://rebind.example:{port}/")
        with pytest.raises(fetch.FetchError) as caught:
            fetch.fetch(f"http://rebind.example:{port}/")
    assert caught.value.code == "blocked"
    assert internet == [PUBLIC] and len(seen.requests) == 1


@pytest.fixture
def certificates(tmp_path) -> Callable[[str], tuple[Path, Path]]:
    if not shutil.which("openssl"):
        pytest.skip("openssl is not installed")

    def make(name: str) -> tuple[Path, Path]:
        cert, key = tmp_path / f"{name}.pem", tmp_path / f"{name}.key"
        subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2",  # noqa: S603,S607
                        "-subj", f"/CN={name}", "-addext", f"subjectAltName=DNS:{name}",
                        "-keyout", str(key), "-out", str(cert)], check=True, capture_output=True)
        return cert, key
    return make


def test_tls_is_checked_against_the_name_while_connecting_to_the_checked_address(names, internet, monkeypatch,
                                                                                  certificates):
    cert, key = certificates("donnees.example")
    served = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    served.load_cert_chain(cert, key)
    trusted = ssl.create_default_context(cafile=str(cert))
    trusted.sslsocket_class = fetch._WatchedSSLSocket
    monkeypatch.setattr(fetch, "_ssl_context", lambda: trusted)
    names["donnees.example"] = [PUBLIC]
    names["autre.example"] = [PUBLIC]
    with server(reply(body=b"secure"), tls=served) as (port, seen):
        assert fetch.fetch(f"https://donnees.example:{port}/").content == b"secure"
        with pytest.raises(fetch.FetchError) as caught:  # same server and address, another name
            fetch.fetch(f"https://autre.example:{port}/")
    assert caught.value.code == "tls"
    assert internet == [PUBLIC, PUBLIC]


# Caps and errors --------------------------------------------------------------------------------

def test_size_cap_stops_the_stream(allow_loopback):
    def unannounced(request, seen):
        request.send_response(200)
        request.send_header("Content-Type", "text/csv")
        request.end_headers()
        for _ in range(100):
            request.wfile.write(b"x" * 10_000)
        request.close_connection = True

    limits = fetch.FetchLimits(max_bytes=50_000)
    for handle in (reply(body=b"x" * 300_000), unannounced):
        with server(handle) as (port, seen), pytest.raises(fetch.FetchError) as caught:
            fetch.fetch(f"http://127.0.0.1:{port}/", limits=limits)
        assert caught.value.code == "too_large"


def test_total_time_cap_cuts_a_trickling_server(allow_loopback):
    def trickle(request, seen):
        request.send_response(200)
        request.send_header("Content-Type", "text/csv")
        request.send_header("Content-Length", "100000")
        request.end_headers()
        for _ in range(200):
            request.wfile.write(b"x")
            request.wfile.flush()
            time.sleep(0.05)

    with server(trickle) as (port, seen):
        started = time.monotonic()
        with pytest.raises(fetch.FetchError) as caught:
            fetch.fetch(f"http://127.0.0.1:{port}/", limits=fetch.FetchLimits(timeout=1, total_seconds=1))
    assert caught.value.code == "too_slow"
    assert time.monotonic() - started < 3


def test_errors_carry_status_and_type_but_never_the_body(allow_loopback):
    answer = reply(500, b"SECRET-TOKEN-42 internal stack", content_type="text/html; charset=utf-8")
    with server(answer) as (port, _), pytest.raises(fetch.FetchError) as caught:
        fetch.fetch(f"http://127.0.0.1:{port}/admin")
    error = caught.value
    assert (error.code, error.status, error.content_type) == ("status", 500, "text/html")
    assert "500" in str(error) and "text/html" in str(error)
    assert "SECRET" not in str(error) and "SECRET" not in repr(error.args) and "SECRET" not in str(error.params)


def test_unreachable_port(allow_loopback):
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    with pytest.raises(fetch.FetchError) as caught:
        fetch.fetch(f"http://127.0.0.1:{port}/")
    assert caught.value.code == "connection" and "injoignable" in str(caught.value)


def test_result_and_file_download(allow_loopback):
    body = "nom;valeur\nérable;1\n".encode()
    with server(reply(body=body, content_type="text/csv; charset=UTF-8", ETag='"v1"')) as (port, _):
        result = fetch.fetch(f"http://127.0.0.1:{port}/a.csv", params={"page": 2})
        assert result.url.endswith("/a.csv?page=2") and result.status == 200 and result.content == body
        assert (result.content_type, result.charset, result.headers["etag"]) == ("text/csv", "UTF-8", '"v1"')
        with fetch.fetch_to_file(f"http://127.0.0.1:{port}/a.csv", suffix=".csv") as downloaded:
            assert downloaded.path.read_bytes() == body and downloaded.size == len(body)
            assert downloaded.sha256 == result.sha256 and downloaded.content is None
        assert not downloaded.path.exists()


def test_post_json_for_webhooks(allow_loopback):
    with server(reply(202, b'{"recu": true}', content_type="application/json")) as (port, seen):
        result = fetch.post_json(f"http://127.0.0.1:{port}/hook", {"évènement": "dataset.update"},
                                 headers={"X-Ouvert-Signature": "abc"})
    assert result.status == 202 and result.content == b'{"recu": true}'
    [request] = seen.requests
    assert request["method"] == "POST" and request["headers"]["Content-Type"].startswith("application/json")
    assert request["body"] == '{"évènement":"dataset.update"}'.encode() and request["headers"]["X-Ouvert-Signature"]
    with server(reply(307, b"", Location="/elsewhere")) as (port, seen), pytest.raises(fetch.FetchError) as caught:
        fetch.post_json(f"http://127.0.0.1:{port}/hook", {})
    assert caught.value.code == "redirects" and len(seen.requests) == 1


def test_deadline_stops_new_requests(names):
    with pytest.raises(fetch.FetchError) as caught:
        fetch.fetch("https://example.org/", limits=fetch.FetchLimits(deadline=time.monotonic() - 1))
    assert caught.value.code == "deadline" and names.lookups == []
