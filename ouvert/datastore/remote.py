"""Fetching a linked resource's file for the datastore: streamed to a temporary file with a size cap
and time limits, and never from the platform's own network (loopback, private, link-local and
reserved addresses are refused unless ``DATASTORE_FETCH_ALLOW_PRIVATE`` is set, for tests)."""

from __future__ import annotations

import contextlib
import hashlib
import ipaddress
import socket
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit

import requests
from django.conf import settings
from django.utils.translation import gettext as _

from ouvert import __version__

from .sources import SourceError

USER_AGENT = f"Ouvert-entrepot/{__version__}"


def is_remote(source: str) -> bool:
    return source.startswith(("http://", "https://"))


def _check_host(url: str) -> None:
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise SourceError(_("Lien invalide : « %(url)s » (une adresse http:// ou https:// est attendue).")
                          % {"url": url})
    if getattr(settings, "DATASTORE_FETCH_ALLOW_PRIVATE", False):
        return
    try:
        infos = socket.getaddrinfo(parts.hostname, parts.port or (443 if parts.scheme == "https" else 80),
                                   proto=socket.IPPROTO_TCP)
    except socket.gaierror as exc:
        raise SourceError(_("Le serveur « %(host)s » est introuvable : vérifiez le lien.")
                          % {"host": parts.hostname}) from exc
    for info in infos:
        address = ipaddress.ip_address(info[4][0])
        if not address.is_global:
            raise SourceError(_("Le lien pointe vers une adresse interne (%(addr)s) : seules les adresses "
                                "publiques sont lues.") % {"addr": address})


@contextlib.contextmanager
def fetched(url: str) -> Iterator[tuple[Path, dict]]:
    """The linked file in a temporary file, with what was fetched (final URL, size, SHA-256)."""
    max_bytes = settings.UPLOAD_MAX_BYTES
    timeout = getattr(settings, "DATASTORE_FETCH_TIMEOUT", 30.0)
    suffix = Path(urlsplit(url).path).suffix[:10]
    with tempfile.NamedTemporaryFile(suffix=suffix) as tmp:
        digest, size, started = hashlib.sha256(), 0, time.monotonic()
        try:
            response = _follow(url, timeout)
            with response:
                if response.status_code >= 400:
                    raise SourceError(_("Le lien a répondu %(code)s (%(url)s) : le fichier n'a pas pu être lu.")
                                      % {"code": response.status_code, "url": response.url})
                for block in response.iter_content(1 << 20):
                    size += len(block)
                    if size > max_bytes:
                        raise SourceError(_("Le fichier lié dépasse %(max)s octets, la limite des dépôts.")
                                          % {"max": max_bytes})
                    if time.monotonic() - started > timeout * 20:
                        raise SourceError(_("Le serveur envoie le fichier trop lentement (%(url)s).")
                                          % {"url": url})
                    digest.update(block)
                    tmp.write(block)
                final_url = response.url
        except requests.RequestException as exc:
            raise SourceError(_("Le lien est injoignable (%(url)s) : %(error)s") % {"url": url, "error": exc}) from exc
        tmp.flush()
        yield Path(tmp.name), {"url": final_url, "bytes": size, "sha256": digest.hexdigest()}


MAX_REDIRECTS = 5


def _follow(url: str, timeout: float) -> requests.Response:
    """GET ``url``, following redirects one by one so that every hop's host is checked first."""
    for _hop in range(MAX_REDIRECTS + 1):
        _check_host(url)
        response = requests.get(url, stream=True, timeout=timeout, allow_redirects=False,
                                headers={"User-Agent": USER_AGENT})
        if not response.is_redirect:
            return response
        location = response.headers.get("Location", "")
        response.close()
        url = requests.compat.urljoin(url, location)
    raise SourceError(_("Trop de redirections depuis le lien (plus de %(n)d).") % {"n": MAX_REDIRECTS})
