"""HTTP semantics real clients rely on: HEAD without a body, and byte ranges on files and exports.

GDAL's ``/vsicurl/``, DuckDB's ``httpfs`` and download managers ask ``HEAD`` for a file's size,
then ``GET`` with ``Range: bytes=a-b`` for the parts they need. :class:`HeadAndRangeMiddleware`
(first in ``MIDDLEWARE``) gives them that on every route:

- ``HEAD`` runs the ``GET`` view (django-ninja routes declare only ``GET``) and sends its headers
  with no body (RFC 9110 §9.3.2), ``Content-Length`` kept, so a kept-alive connection is not
  corrupted. Views can tell with :func:`is_head` (a download counter does not count it).
- A ``200`` whose size is known — a :class:`~django.http.FileResponse` on a seekable file, or an
  in-memory response — advertises ``Accept-Ranges: bytes`` and answers one ``Range`` with ``206``
  and ``Content-Range`` (``416`` when unsatisfiable). Several ranges, a compressed body or an
  ``If-Range`` validator that no longer matches get the whole ``200``, as RFC 9110 allows.

A streamed export has no size until it is written: :func:`materialized_response` writes it once
to the data directory's ``cache/exports`` (keyed by what determines its bytes, e.g. a table's
version) when a client asks ``HEAD`` or a range, and serves that file; a plain ``GET`` still
streams.
"""

from __future__ import annotations

import hashlib
import os
import re
import tempfile
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import IO

from django.conf import settings
from django.http import FileResponse, HttpRequest, HttpResponse, HttpResponseBase, StreamingHttpResponse

_RANGE = re.compile(r"^bytes=(\d*)-(\d*)$")
_CHUNK = 64 * 1024


def is_head(request: HttpRequest) -> bool:
    """True when the client asked ``HEAD`` (the view runs as ``GET``)."""
    return bool(getattr(request, "ouvert_head", False))


def wants_size(request: HttpRequest) -> bool:
    """True when the client needs the response's size up front (``HEAD`` or a ``Range``)."""
    return is_head(request) or "HTTP_RANGE" in request.META


class HeadAndRangeMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        head = request.method == "HEAD"
        if head:
            request.method = "GET"
            request.META["REQUEST_METHOD"] = "GET"
            request.ouvert_head = True  # type: ignore[attr-defined]
        response = self.get_response(request)
        if response.status_code == 200 and request.method == "GET":
            response = _ranged(request, response)
        if head:
            _strip_body(response)
        return response


def _size_and_reader(response: HttpResponseBase) -> tuple[int, Callable[[int, int], Iterator[bytes]]] | None:
    """The body's size and a way to read a slice of it, when both are known without reading it all."""
    if response.has_header("Content-Encoding"):
        return None
    if isinstance(response, FileResponse):
        handle: IO[bytes] | None = getattr(response, "file_to_stream", None)
        length = response.get("Content-Length")
        if handle is None or length is None or not _seekable(handle):
            return None

        def read_file(start: int, end: int) -> Iterator[bytes]:
            handle.seek(start)
            remaining = end - start + 1
            while remaining > 0:
                chunk = handle.read(min(_CHUNK, remaining))
                if not chunk:
                    break
                remaining -= len(chunk)
                yield chunk

        return int(length), read_file
    if isinstance(response, HttpResponse):
        content = response.content

        def read_bytes(start: int, end: int) -> Iterator[bytes]:
            yield content[start:end + 1]

        return len(content), read_bytes
    return None


def _seekable(handle: IO[bytes]) -> bool:
    try:
        return bool(handle.seekable())
    except (AttributeError, OSError, ValueError):
        return False


def _ranged(request: HttpRequest, response: HttpResponseBase) -> HttpResponseBase:
    known = _size_and_reader(response)
    if known is None:
        return response
    size, read = known
    response["Accept-Ranges"] = "bytes"
    header = request.META.get("HTTP_RANGE", "").strip()
    if not header or not _if_range_holds(request, response):
        return response
    match = _RANGE.match(header.replace(" ", ""))
    if match is None:  # several ranges, or another unit: the whole representation is a valid answer
        return response
    first, last = match.groups()
    if not first and not last:
        return response
    if first:
        start = int(first)
        end = min(int(last), size - 1) if last else size - 1
        if last and int(last) < start:
            return response  # an invalid range is ignored (RFC 9110 §14.2)
    else:
        suffix = int(last)
        if suffix == 0:
            return _unsatisfiable(response, size)
        start, end = max(size - suffix, 0), size - 1
    if start >= size:
        return _unsatisfiable(response, size)
    partial = StreamingHttpResponse(read(start, end), status=206)
    for name, value in response.items():
        if name.lower() not in ("content-length", "content-type"):
            partial[name] = value
    partial["Content-Type"] = response.get("Content-Type", "application/octet-stream")
    partial["Content-Range"] = f"bytes {start}-{end}/{size}"
    partial["Content-Length"] = str(end - start + 1)
    partial._resource_closers.append(response.close)  # type: ignore[attr-defined]  # the file closes with the partial answer
    return partial


def _if_range_holds(request: HttpRequest, response: HttpResponseBase) -> bool:
    validator = request.META.get("HTTP_IF_RANGE")
    if not validator:
        return True
    if validator.startswith(('"', "W/")):
        etag = response.get("ETag")
        return bool(etag) and not validator.startswith("W/") and etag == validator
    return response.get("Last-Modified") == validator


def _unsatisfiable(response: HttpResponseBase, size: int) -> HttpResponse:
    response.close()
    refused = HttpResponse(status=416)
    refused["Content-Range"] = f"bytes */{size}"
    refused["Accept-Ranges"] = "bytes"
    return refused


def _strip_body(response: HttpResponseBase) -> None:
    if isinstance(response, StreamingHttpResponse):  # FileResponse included
        if not response.has_header("Content-Length"):
            # A stream of unknown size: without a length the server would frame the empty body as
            # chunks and send their terminator, bytes a HEAD must not carry (clients fail on them).
            # Counting costs one generation; the big exports are materialized first and have a size.
            content = response.streaming_content
            if isinstance(content, Iterable):  # the WSGI server's (an async stream is never this path)
                response["Content-Length"] = str(sum(len(chunk) for chunk in content))
        response.close()
        response.streaming_content = iter(())
    elif isinstance(response, HttpResponse):
        if not response.has_header("Content-Length"):
            response["Content-Length"] = str(len(response.content))
        length = response["Content-Length"]
        response.content = b""
        response["Content-Length"] = length


# Streamed exports, written once when a client needs their size -------------------------------------

def export_cache_dir() -> Path:
    return Path(settings.DATA_DIR) / "cache" / "exports"


def materialized_response(*, identity: str, generation: str, produce: Callable[[], Iterable[bytes]],
                          content_type: str, filename: str) -> FileResponse:
    """A file response for a generated body, written once under ``cache/exports``.

    ``identity`` names what is exported (table, format, filters); ``generation`` what changes when
    its bytes do (the table's version). Writing a new generation removes the older ones of the same
    identity, so the cache holds one file per export asked for.
    """
    folder = export_cache_dir()
    folder.mkdir(parents=True, exist_ok=True)
    stem = hashlib.sha256(identity.encode()).hexdigest()[:24]
    tag = hashlib.sha256(f"{identity}\n{generation}".encode()).hexdigest()[:16]
    path = folder / f"{stem}--{tag}"
    if not path.exists():
        descriptor, temporary = tempfile.mkstemp(dir=folder, prefix=".writing-")
        try:
            with os.fdopen(descriptor, "wb") as out:
                for chunk in produce():
                    out.write(chunk)
            os.replace(temporary, path)
        except BaseException:
            Path(temporary).unlink(missing_ok=True)
            raise
        for old in folder.glob(f"{stem}--*"):
            if old != path:
                old.unlink(missing_ok=True)  # an open handle keeps serving until it closes
    response = FileResponse(path.open("rb"), content_type=content_type, as_attachment=True, filename=filename)
    response["ETag"] = f'"{tag}"'
    return response
