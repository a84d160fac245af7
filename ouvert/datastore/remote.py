"""Fetching a linked resource's file for the datastore: ``http://`` and ``https://`` links only,
through :mod:`ouvert.core.fetch` (every hop's address checked and the connection pinned to it,
streamed to a temporary file with the upload size cap and time limits, no response text in errors).

A link is never a path: anything else that looks like an address (``ftp:``, ``file:``, ``s3:``…) is
refused, it is never looked up in storage or on disk."""

from __future__ import annotations

import contextlib
import re
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any, cast
from urllib.parse import urlsplit

from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext as _

from ouvert import __version__
from ouvert.core import fetch as guarded
from ouvert.core.messages import legacy

from .sources import SourceError

USER_AGENT = f"Ouvert-entrepot/{__version__}"
_SCHEME = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:")


def is_remote(source: str) -> bool:
    return source[:8].lower().startswith(("http://", "https://"))


def looks_like_address(source: str) -> bool:
    """True for anything with a URL scheme (``ftp://…``, ``file:…``, ``HTTP://…``): such a source is a
    link, and a link may only be fetched, never read as a storage name or a path."""
    return bool(_SCHEME.match(source.strip())) or source.strip().startswith("//")


def link_refusal(url: str) -> str:
    """Why ``url`` cannot be loaded as a linked file (``""`` when its form is acceptable)."""
    if not is_remote(url.strip()):
        return _("Lien refusé : « %(url)s » n'est pas une adresse http:// ou https://. Seuls les liens web "
                 "sont chargés ; déposez le fichier ou donnez son adresse https://.") % {"url": guarded.shown_url(url)}
    try:
        guarded.check_url(url)
    except guarded.FetchError as exc:
        return str(exc)
    return ""


def limits() -> guarded.FetchLimits:
    timeout = settings.DATASTORE_FETCH_TIMEOUT
    return guarded.FetchLimits(timeout=timeout, total_seconds=timeout * 20, max_bytes=settings.UPLOAD_MAX_BYTES)


def _in_each_language(say: Callable[[], str]) -> dict[str, Any]:
    """The reason a link was not read, kept for the load report in French and in English: the report is
    read later by anyone, in either language (the fetch's reasons are sentences, not report codes)."""
    texts = {}
    for language in ("fr", "en"):
        with translation.override(language):
            texts[language] = say()
    return legacy(texts)


@contextlib.contextmanager
def fetched(url: str) -> Iterator[tuple[Path, dict[str, Any]]]:
    """The linked file in a temporary file, with what was fetched (final URL, size, SHA-256)."""
    refusal = link_refusal(url)
    if refusal:
        raise SourceError(refusal, stored=_in_each_language(lambda: link_refusal(url)))
    with contextlib.ExitStack() as stack:
        try:
            result = stack.enter_context(guarded.fetch_to_file(
                url, headers={"User-Agent": USER_AGENT}, limits=limits(),
                suffix=Path(urlsplit(url).path).suffix))
        except guarded.FetchError as exc:
            raise SourceError(str(exc), stored=_in_each_language(exc.__str__)) from None
        yield cast(Path, result.path), {"url": result.url, "bytes": result.size, "sha256": result.sha256,
                            "content_type": result.content_type}
