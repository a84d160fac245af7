"""Stored files (uploads) served through the access model.

``/media/<storage name>`` asks :func:`ouvert.core.access.file_standing` which object owns the file
and whether the person may read it now; absent and forbidden get the same 404. Files are sent as
attachments with a safe type, except raster images (shown in pages); nothing uploaded is ever
rendered as HTML, SVG or script from the platform's origin, and every file response carries a
sandboxing Content-Security-Policy in case a browser is talked into rendering it anyway.
"""

from __future__ import annotations

import mimetypes
import posixpath

from django.core.files.storage import default_storage
from django.http import FileResponse, Http404, HttpRequest
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from . import access
from .typing import signed_in_user

INLINE_TYPES = frozenset({"image/png", "image/jpeg", "image/gif", "image/webp", "image/avif"})
"""Types shown inline (``<img>``): raster images, which cannot carry script."""

FILE_CSP = "default-src 'none'; img-src 'self'; style-src 'unsafe-inline'; sandbox"


def file_response(name: str, *, public: bool) -> FileResponse:
    """Stream the stored file ``name`` (already allowed) with safe headers."""
    try:
        handle = default_storage.open(name, "rb")
    except (FileNotFoundError, OSError) as exc:
        raise Http404(_("Fichier introuvable.")) from exc
    guessed, encoding = mimetypes.guess_type(name)
    inline = guessed in INLINE_TYPES and encoding is None
    content_type = guessed if inline else _attachment_type(guessed, encoding)
    response = FileResponse(handle, as_attachment=not inline, filename=posixpath.basename(name),
                            content_type=content_type)
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = FILE_CSP
    response["Cross-Origin-Resource-Policy"] = "same-origin"
    response["Cache-Control"] = "public, max-age=300" if public else "private, no-store"
    return response


def _attachment_type(guessed: str | None, encoding: str | None) -> str:
    """A download's type: what it is, but never one a browser would run as a page."""
    if encoding or not guessed:
        return "application/octet-stream"
    if guessed in {"text/html", "application/xhtml+xml", "image/svg+xml", "text/javascript",
                   "application/javascript", "text/xml", "application/xml", "text/xsl"}:
        return "application/octet-stream"
    return guessed


@require_safe
def media(request: HttpRequest, path: str) -> FileResponse:
    standing = access.file_standing(path)
    if not access.may_read_standing(signed_in_user(request), standing):
        raise Http404(_("Fichier introuvable."))
    assert standing is not None  # noqa: S101 — may_read_standing refuses None
    return file_response(path, public=standing.public)
