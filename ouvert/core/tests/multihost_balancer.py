"""The load balancer of the multi-host test: a small HTTP/1.1 proxy in front of the app servers.

    python -m ouvert.core.tests.multihost_balancer --listen 127.0.0.1:8080 \
        --backend app1=10.231.7.11:8000 --backend app2=10.231.7.12:8000 [--log FILE]

What it does, as a production balancer (haproxy's ``balance roundrobin``, ``retry-on`` and
``option redispatch``) would, and no more:

- **round robin** over the backends that are up; one upstream connection per request
  (``Connection: close`` both ways), the request body read whole before it is sent, so that it can
  be sent again;
- **retries on the other backend**: a request whose connection was refused or reset before it was
  sent is sent again whatever its method (the server never saw it); one that was sent and got no
  response (the server died with it) is sent again only when its method is idempotent (GET, HEAD,
  OPTIONS, PUT, DELETE), otherwise the client gets a ``502`` and retries itself;
- a backend that fails is marked down for ``--down-seconds`` and checked again (``/healthz``) every second;
- ``X-Forwarded-For`` gets the client's address appended (the app servers trust this balancer);
- each response names the backend that answered (``X-Ouvert-Backend``) and a request may ask for
  one (``X-Ouvert-Backend: app2``), so a test can move a session from one server to the other.

One line of JSON per request goes to the log: backend, method, path, status, attempts.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import time
from dataclasses import dataclass, field
from typing import TextIO

IDEMPOTENT = {"GET", "HEAD", "OPTIONS", "PUT", "DELETE"}
HOP_BY_HOP = {b"connection", b"keep-alive", b"proxy-connection", b"te", b"trailer", b"upgrade",
              b"transfer-encoding"}
PIN = b"x-ouvert-backend"


@dataclass
class Backend:
    name: str
    host: str
    port: int
    down_until: float = 0.0

    def up(self) -> bool:
        return time.monotonic() >= self.down_until


@dataclass
class Balancer:
    backends: list[Backend]
    down_seconds: float = 2.0
    log: TextIO | None = None
    turn: int = 0
    served: dict[str, int] = field(default_factory=dict)

    def order(self, pinned: str | None) -> list[Backend]:
        """The backends to try, in order: the pinned one alone, or every one starting at the next in turn."""
        if pinned:
            return [b for b in self.backends if b.name == pinned]
        self.turn += 1
        rotated = self.backends[self.turn % len(self.backends):] + self.backends[:self.turn % len(self.backends)]
        return [b for b in rotated if b.up()] + [b for b in rotated if not b.up()]

    def record(self, entry: dict) -> None:
        if self.log is not None:
            self.log.write(json.dumps(entry) + "\n")
            self.log.flush()


class Unsent(Exception):  # noqa: N818 — the request never reached the backend
    pass


class NoResponse(Exception):  # noqa: N818 — sent, and the backend closed without a response
    pass


async def _read_request(reader: asyncio.StreamReader) -> tuple[bytes, list[tuple[bytes, bytes]], bytes] | None:
    try:
        head = await reader.readuntil(b"\r\n\r\n")
    except (asyncio.IncompleteReadError, asyncio.LimitOverrunError, ConnectionError):
        return None
    lines = head[:-4].split(b"\r\n")
    headers = []
    for line in lines[1:]:
        name, _, value = line.partition(b":")
        headers.append((name.strip(), value.strip()))
    length = next((int(v) for n, v in headers if n.lower() == b"content-length"), 0)
    body = await reader.readexactly(length) if length else b""
    return lines[0], headers, body


async def _send(backend: Backend, start: bytes, headers: list[tuple[bytes, bytes]], body: bytes,
                client: asyncio.StreamWriter) -> int:
    """Forward one request to ``backend`` and stream its response to ``client``; returns the status."""
    try:
        reader, writer = await asyncio.wait_for(asyncio.open_connection(backend.host, backend.port), timeout=3)
    except (OSError, TimeoutError) as error:
        raise Unsent(str(error)) from error
    try:
        out = [start]
        out += [n + b": " + v for n, v in headers]
        out.append(b"Connection: close")
        writer.write(b"\r\n".join(out) + b"\r\n\r\n" + body)
        try:
            await writer.drain()
            head = await reader.readuntil(b"\r\n\r\n")
        except ConnectionRefusedError as error:
            raise Unsent(str(error)) from error
        except (asyncio.IncompleteReadError, asyncio.LimitOverrunError, ConnectionError) as error:
            raise NoResponse(str(error)) from error
        status = int(head.split(b" ", 2)[1])
        lines = [line for line in head[:-4].split(b"\r\n")
                 if line.split(b":", 1)[0].strip().lower() not in HOP_BY_HOP]
        lines += [b"X-Ouvert-Backend: " + backend.name.encode(), b"Connection: close"]
        client.write(b"\r\n".join(lines) + b"\r\n\r\n")
        while chunk := await reader.read(65536):
            client.write(chunk)
            await client.drain()
        return status
    finally:
        writer.close()
        with contextlib.suppress(Exception):
            await writer.wait_closed()


def _bad_gateway(client: asyncio.StreamWriter, reason: str) -> None:
    body = json.dumps({"error": "bad gateway", "reason": reason}).encode()
    client.write(b"HTTP/1.1 502 Bad Gateway\r\nContent-Type: application/json\r\nConnection: close\r\n"
                 b"Content-Length: " + str(len(body)).encode() + b"\r\n\r\n" + body)


async def handle(balancer: Balancer, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
    try:
        request = await _read_request(reader)
        if request is None:
            return
        start, headers, body = request
        method = start.split(b" ", 1)[0].decode()
        peer = writer.get_extra_info("peername")[0].encode()
        pinned = next((v.decode() for n, v in headers if n.lower() == PIN), None)
        forwarded = next((v for n, v in headers if n.lower() == b"x-forwarded-for"), None)
        headers = [(n, v) for n, v in headers if n.lower() not in HOP_BY_HOP and n.lower() not in
                   {PIN, b"x-forwarded-for"}]
        headers.append((b"X-Forwarded-For", forwarded + b", " + peer if forwarded else peer))
        attempts: list[str] = []
        status = 502
        for backend in balancer.order(pinned):
            attempts.append(backend.name)
            try:
                status = await _send(backend, start, headers, body, writer)
                break
            except Unsent:
                backend.down_until = time.monotonic() + balancer.down_seconds
                continue
            except NoResponse:
                backend.down_until = time.monotonic() + balancer.down_seconds
                if method in IDEMPOTENT:
                    continue
                _bad_gateway(writer, "the server closed the connection before answering")
                break
        else:
            _bad_gateway(writer, "no server answered")
        balancer.served[attempts[-1] if attempts else "-"] = balancer.served.get(attempts[-1] if attempts else "-",
                                                                                   0) + 1
        balancer.record({"method": method, "path": start.split(b" ")[1].decode(errors="replace")[:200],
                         "status": status, "attempts": attempts})
        await writer.drain()
    except ConnectionError:
        pass
    finally:
        writer.close()
        with contextlib.suppress(Exception):
            await writer.wait_closed()


async def _check(balancer: Balancer) -> None:
    """Bring a backend back once its ``/healthz`` answers."""
    while True:
        await asyncio.sleep(1)
        for backend in balancer.backends:
            if backend.up():
                continue
            try:
                reader, writer = await asyncio.wait_for(asyncio.open_connection(backend.host, backend.port), 1)
                writer.write(b"GET /healthz HTTP/1.1\r\nHost: balancer\r\nConnection: close\r\n\r\n")
                line = await asyncio.wait_for(reader.readline(), 2)
                writer.close()
                if b" 200 " in line:
                    backend.down_until = 0.0
            except (OSError, TimeoutError):
                continue


async def serve(*, listen: str, backends: list[Backend], log_path: str | None) -> None:
    host, port = listen.rsplit(":", 1)
    with contextlib.ExitStack() as stack:
        log = stack.enter_context(open(log_path, "a")) if log_path else None  # noqa: SIM115, PTH123
        balancer = Balancer(backends=backends, log=log)
        server = await asyncio.start_server(lambda r, w: handle(balancer, r, w), host, int(port), backlog=1024,
                                            limit=1 << 20)
        checker = asyncio.create_task(_check(balancer))
        print(f"balancer listening on {listen}", flush=True)
        async with server:
            await server.serve_forever()
        checker.cancel()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--listen", required=True)
    parser.add_argument("--backend", action="append", required=True, help="name=host:port")
    parser.add_argument("--log")
    args = parser.parse_args()
    backends = []
    for spec in args.backend:
        name, _, address = spec.partition("=")
        host, port = address.rsplit(":", 1)
        backends.append(Backend(name=name, host=host, port=int(port)))
    asyncio.run(serve(listen=args.listen, backends=backends, log_path=args.log))


if __name__ == "__main__":
    main()
