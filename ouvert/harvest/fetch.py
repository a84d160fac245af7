"""Reading from remote sources without trusting them. Every request goes through
:mod:`ouvert.core.fetch` (addresses checked on every hop, connection pinned, size and time caps, no
response text in errors); this module adds the harvest's limits (per request and per run) and strict
decoding, and turns failures into the reason shown in the run's report."""

from __future__ import annotations

import json
import time
from dataclasses import dataclass
from typing import Any

from django.conf import settings

from ouvert import __version__
from ouvert.core import fetch as guarded
from ouvert.core.messages import message

from .report import StoredReason, fetch_message

USER_AGENT = f"Ouvert-moissonneur/{__version__} (+https://github.com/ouvert)"


class FetchError(StoredReason):
    """The source could not be read; ``exc.stored`` is the reason kept in the run's report."""


@dataclass
class Limits:
    timeout: float = 30.0  # seconds to connect and between bytes; a whole response gets 4 times that
    max_bytes: int = 50 * 1024 * 1024  # per response
    deadline: float | None = None  # time.monotonic() after which the run stops

    @classmethod
    def from_settings(cls) -> Limits:
        return cls(timeout=settings.HARVEST_TIMEOUT, max_bytes=settings.HARVEST_MAX_BYTES,
                   deadline=time.monotonic() + settings.HARVEST_MAX_RUN_SECONDS)

    def guarded(self) -> guarded.FetchLimits:
        return guarded.FetchLimits(timeout=self.timeout, total_seconds=self.timeout * 4,
                                   max_bytes=self.max_bytes, deadline=self.deadline)


def get_bytes(url: str, limits: Limits, *, params: dict[str, Any] | None = None,
              accept: str = "application/json") -> tuple[bytes, str]:
    """The body of a GET (at most ``limits.max_bytes``) and its declared charset ('' if none); after the
    run's deadline, no request starts (the fetcher's ``deadline`` refusal)."""
    try:
        result = guarded.fetch(url, params=params, limits=limits.guarded(),
                               headers={"User-Agent": USER_AGENT, "Accept": accept})
    except guarded.FetchError as exc:
        raise FetchError(fetch_message(exc)) from None
    return result.content or b"", result.charset


def decode_utf8(body: bytes, declared: str = "") -> str:
    """JSON is UTF-8 (RFC 8259); anything else is refused rather than guessed."""
    if declared and declared.lower().replace("_", "-") not in {"utf-8", "utf8", "us-ascii", "ascii"}:
        raise FetchError.of("harvest.encoding_refused", encoding=declared)
    try:
        return body.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise FetchError.of("harvest.encoding_invalid", position=exc.start) from None


def get_json(url: str, limits: Limits, *, params: dict[str, Any] | None = None) -> Any:
    body, declared = get_bytes(url, limits, params=params)
    text = decode_utf8(body, declared)
    try:
        return json.loads(text)
    except ValueError as exc:
        # the decoder's message and position only: never the response's text
        reason: Any = (message("harvest.json_position", error=exc.msg, line=exc.lineno, column=exc.colno)
                       if isinstance(exc, json.JSONDecodeError) else type(exc).__name__)
        raise FetchError.of("harvest.json_invalid", url=guarded.shown_url(url), error=reason) from None
