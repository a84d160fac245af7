"""The reverse of :mod:`ouvert.core.fetch`: a block inside which nothing may be fetched at all.

Parsers that could follow references on their own (rdflib's JSON-LD contexts, XML entities) run
inside :func:`outbound_forbidden`: an audit hook (:func:`sys.addaudithook`, installed once, active
only inside the block and only for the thread or task that entered it) refuses connections, name
lookups, ``urllib`` requests and the opening of files outside the Python installation.
"""

from __future__ import annotations

import contextlib
import contextvars
import os
import sys
import threading
from collections.abc import Iterator
from functools import lru_cache
from typing import Any


class OutboundForbidden(RuntimeError):
    """Code run inside :func:`outbound_forbidden` tried to open a connection or a file."""

    def __init__(self, event: str, target: str):
        self.event, self.target = event, target
        super().__init__(f"{event}: {target}")


_forbidding: contextvars.ContextVar[bool] = contextvars.ContextVar("ouvert_outbound_forbidden", default=False)
_hook_lock = threading.Lock()
_hook_installed = False
_NETWORK_EVENTS = frozenset({"socket.connect", "socket.getaddrinfo", "socket.gethostbyname",
                             "socket.gethostbyname_ex", "socket.gethostbyaddr", "urllib.Request",
                             "http.client.connect", "ftplib.connect", "smtplib.connect"})


@lru_cache(maxsize=1)
def _python_dirs() -> tuple[str, ...]:
    import site
    import sysconfig

    dirs = {sys.prefix, sys.base_prefix, sys.exec_prefix, sysconfig.get_paths().get("stdlib", ""),
            sysconfig.get_paths().get("purelib", ""), sysconfig.get_paths().get("platlib", ""),
            *site.getsitepackages()}
    return tuple(sorted(os.path.realpath(d) + os.sep for d in dirs if d))


def _audit(event: str, args: tuple[Any, ...]) -> None:
    if not _forbidding.get():
        return
    if event in _NETWORK_EVENTS:
        raise OutboundForbidden(event, str(args[1] if event == "socket.connect" and len(args) > 1 else
                                           args[0] if args else ""))
    if event == "open" and args and isinstance(args[0], str | bytes | os.PathLike):
        path = os.path.realpath(os.fsdecode(args[0]))
        if not path.startswith(_python_dirs()):
            raise OutboundForbidden(event, path)


@contextlib.contextmanager
def outbound_forbidden() -> Iterator[None]:
    """Inside this block (this thread or task only), opening a connection, looking a name up or
    opening a file outside the Python installation raises :class:`OutboundForbidden`."""
    global _hook_installed
    if not _hook_installed:
        with _hook_lock:
            if not _hook_installed:
                _python_dirs()  # computed before the guard is on (it opens files)
                sys.addaudithook(_audit)
                _hook_installed = True
    token = _forbidding.set(True)
    try:
        yield
    finally:
        _forbidding.reset(token)
