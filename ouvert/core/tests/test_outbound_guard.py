"""The reverse guard: inside ``outbound_forbidden()`` nothing can be fetched or read from disk."""

from __future__ import annotations

import socket
import urllib.request

import pytest

from ouvert.core.outbound_guard import OutboundForbidden, outbound_forbidden


def test_outbound_forbidden_blocks_connections_lookups_and_files(tmp_path):
    secret = tmp_path / "secret.txt"
    secret.write_text("x")
    with outbound_forbidden():
        with pytest.raises(OutboundForbidden):
            socket.create_connection(("127.0.0.1", 9), timeout=0.1)
        with pytest.raises(OutboundForbidden):
            socket.getaddrinfo("example.org", 80)
        with pytest.raises(OutboundForbidden):
            secret.read_text()
        with pytest.raises(OutboundForbidden):
            urllib.request.urlopen(secret.as_uri())  # noqa: S310 — what is being refused
    assert secret.read_text() == "x"  # outside the block, nothing changes
