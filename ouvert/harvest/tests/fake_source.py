"""A small HTTP server on loopback that plays a remote portal: recorded real CKAN answers, or a
hostile source (slow, broken JSON, huge, wrong encoding)."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlparse

Route = Callable[[str, dict[str, list[str]]], tuple[int, dict[str, str], bytes]]


@contextmanager
def serve(route: Route):
    class Handler(BaseHTTPRequestHandler):
        def do_GET(self):  # noqa: N802 — http.server's naming
            parsed = urlparse(self.path)
            status, headers, body = route(parsed.path, parse_qs(parsed.query))
            try:
                self.send_response(status)
                for key, value in headers.items():
                    self.send_header(key, value)
                if "Content-Length" not in headers:
                    self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)
            except (BrokenPipeError, ConnectionResetError):
                pass

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


def slow(seconds: float) -> Route:
    def route(path, query):
        time.sleep(seconds)
        return 200, {"Content-Type": "application/json"}, b"{}"
    return route


def fixed(body: bytes, content_type: str = "application/json", status: int = 200) -> Route:
    return lambda path, query: (status, {"Content-Type": content_type}, body)
