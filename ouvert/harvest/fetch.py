"""Reading from remote sources without trusting them: a time limit per request and per run, a
size cap on every response, strict decoding, and errors that say what went wrong in plain words."""

from __future__ import annotations

import json
import time
from dataclasses import dataclass
from typing import Any

import requests
from django.conf import settings
from django.utils.translation import gettext as _

from ouvert import __version__

USER_AGENT = f"Ouvert-moissonneur/{__version__} (+https://github.com/ouvert)"


class FetchError(Exception):
    """The source could not be read; ``str(exc)`` is the reason shown in the run's report."""


@dataclass
class Limits:
    timeout: float = 30.0  # seconds to connect and between bytes
    max_bytes: int = 50 * 1024 * 1024  # per response
    deadline: float | None = None  # time.monotonic() after which the run stops

    @classmethod
    def from_settings(cls) -> Limits:
        run_seconds = getattr(settings, "HARVEST_MAX_RUN_SECONDS", 3600)
        return cls(timeout=getattr(settings, "HARVEST_TIMEOUT", 30.0),
                   max_bytes=getattr(settings, "HARVEST_MAX_BYTES", 50 * 1024 * 1024),
                   deadline=time.monotonic() + run_seconds)


def get_bytes(url: str, limits: Limits, *, params: dict[str, Any] | None = None,
              accept: str = "application/json") -> tuple[bytes, str]:
    """The body of a GET (at most ``limits.max_bytes``) and its declared charset ('' if none)."""
    if limits.deadline is not None and time.monotonic() > limits.deadline:
        raise FetchError(_("Durée maximale du moissonnage dépassée."))
    try:
        with requests.get(url, params=params, timeout=limits.timeout, stream=True, allow_redirects=True,
                          headers={"User-Agent": USER_AGENT, "Accept": accept}) as response:
            if response.status_code >= 400:
                raise FetchError(_("La source a répondu %(code)s à %(url)s.")
                                 % {"code": response.status_code, "url": response.url})
            declared = response.headers.get("Content-Length")
            if declared and declared.isdigit() and int(declared) > limits.max_bytes:
                raise FetchError(_("Réponse trop volumineuse (%(n)s octets annoncés, limite %(max)s).")
                                 % {"n": declared, "max": limits.max_bytes})
            chunks, size, started = [], 0, time.monotonic()
            for chunk in response.iter_content(64 * 1024):
                size += len(chunk)
                if size > limits.max_bytes:
                    raise FetchError(_("Réponse trop volumineuse (plus de %(max)s octets).")
                                     % {"max": limits.max_bytes})
                if time.monotonic() - started > limits.timeout * 4:
                    raise FetchError(_("La source envoie sa réponse trop lentement (%(url)s).") % {"url": url})
                chunks.append(chunk)
            return b"".join(chunks), (response.encoding if "charset" in
                                      response.headers.get("Content-Type", "").lower() else "") or ""
    except requests.Timeout:
        raise FetchError(_("Délai dépassé : la source n'a pas répondu en %(s)s secondes (%(url)s).")
                         % {"s": int(limits.timeout), "url": url}) from None
    except requests.RequestException as exc:
        raise FetchError(_("Source injoignable (%(url)s) : %(error)s") % {"url": url, "error": exc}) from None


def decode_utf8(body: bytes, declared: str = "") -> str:
    """JSON is UTF-8 (RFC 8259); anything else is refused rather than guessed."""
    if declared and declared.lower().replace("_", "-") not in {"utf-8", "utf8", "us-ascii", "ascii"}:
        raise FetchError(_("Encodage %(enc)s refusé : la réponse doit être en UTF-8.") % {"enc": declared})
    try:
        return body.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise FetchError(_("Encodage invalide : la réponse n'est pas en UTF-8 (octet %(pos)s).")
                         % {"pos": exc.start}) from None


def get_json(url: str, limits: Limits, *, params: dict[str, Any] | None = None) -> Any:
    body, declared = get_bytes(url, limits, params=params)
    text = decode_utf8(body, declared)
    try:
        return json.loads(text)
    except ValueError as exc:
        raise FetchError(_("JSON invalide reçu de %(url)s : %(error)s") % {"url": url, "error": exc}) from None
