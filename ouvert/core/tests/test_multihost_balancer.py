"""The multi-host test's load balancer, on its own (no namespace, no root): which requests it sends again
to the other server, and which it answers with a 502 for the client to retry."""

from __future__ import annotations

import http.server
import json
import socket
import subprocess
import sys
import threading
from collections.abc import Iterator

import pytest

from .multihost import ROOT, free_port, request, wait_until

pytestmark = [pytest.mark.slow, pytest.mark.one_engine]  # a process of its own; no database


class _Answer(http.server.BaseHTTPRequestHandler):
    def _reply(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        out = f"{self.command} {self.path} {len(body)} {self.headers.get('X-Forwarded-For')}".encode()
        self.send_response(200)
        self.send_header("Content-Length", str(len(out)))
        self.end_headers()
        self.wfile.write(out)

    do_GET = do_POST = _reply  # noqa: N815

    def log_message(self, *args: object) -> None:
        return


def _mute(port: int, stop: threading.Event) -> None:
    """A server that takes the request and dies without a word (its process was killed)."""
    with socket.socket() as server:
        server.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        server.bind(("127.0.0.1", port))
        server.listen(16)
        server.settimeout(0.2)
        while not stop.is_set():
            try:
                conn, _ = server.accept()
            except TimeoutError:
                continue
            conn.recv(65536)
            conn.close()


@pytest.fixture
def servers() -> Iterator[dict[str, int]]:
    live = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Answer)
    threading.Thread(target=live.serve_forever, daemon=True).start()
    stop = threading.Event()
    mute = free_port()
    threading.Thread(target=_mute, args=(mute, stop), daemon=True).start()
    yield {"live": live.server_address[1], "mute": mute, "closed": free_port()}
    stop.set()
    live.shutdown()


def _balancer(*backends: str, log: str = "") -> tuple[subprocess.Popen, str]:
    port = free_port()
    command = [sys.executable, "-m", "ouvert.core.tests.multihost_balancer", "--listen", f"127.0.0.1:{port}"]
    for backend in backends:
        command += ["--backend", backend]
    if log:
        command += ["--log", log]
    process = subprocess.Popen(command, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)  # noqa: S603
    wait_until(lambda: _listening(port) or process.poll() is not None, timeout=30)
    return process, f"http://127.0.0.1:{port}"


def _listening(port: int) -> bool:
    try:
        socket.create_connection(("127.0.0.1", port), timeout=1).close()
        return True
    except OSError:
        return False


def test_a_refused_connection_is_sent_to_the_other_server_whatever_the_method(servers):
    process, base = _balancer(f"dead=127.0.0.1:{servers['closed']}", f"up=127.0.0.1:{servers['live']}")
    try:
        for method in ("GET", "POST", "POST", "GET"):  # the round robin starts on each server in turn
            status, headers, body = request(base + "/x", method=method, data=b"abc" if method == "POST" else None)
            assert status == 200 and headers["X-Ouvert-Backend"] == "up"
            assert body.decode() == f"{method} /x {3 if method == 'POST' else 0} 127.0.0.1"  # client appended
    finally:
        process.kill()
        process.wait(timeout=10)


def test_a_server_dying_with_the_request_gets_it_retried_only_when_idempotent(servers, tmp_path):
    log = tmp_path / "balancer.jsonl"
    process, base = _balancer(f"mute=127.0.0.1:{servers['mute']}", f"up=127.0.0.1:{servers['live']}", log=str(log))
    try:
        first, second = request(base + "/y"), request(base + "/y")  # the second starts on the mute server
        assert first[0] == second[0] == 200 and second[1]["X-Ouvert-Backend"] == "up"
        status, _headers, _body = request(base + "/y", method="POST", data=b"{}", headers={"X-Ouvert-Backend": "mute"})
        assert status == 502  # a POST the dead server may have acted on: not sent again, the client decides
        wait_until(lambda: len(log.read_text().splitlines()) == 3, timeout=10)  # written as the answer closes
        entries = [json.loads(line) for line in log.read_text().splitlines()]
        assert [e["attempts"] for e in entries] == [["up"], ["mute", "up"], ["mute"]]
        assert [e["status"] for e in entries] == [200, 200, 502]
    finally:
        process.kill()
        process.wait(timeout=10)
