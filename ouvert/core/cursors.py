"""Opaque pagination cursors for the native API: URL-safe base64 of a short text, unpadded."""

from __future__ import annotations

import base64


def cursor_encode(value: str) -> str:
    return base64.urlsafe_b64encode(value.encode()).decode().rstrip("=")


def cursor_decode(cursor: str) -> str:
    """The text a cursor carries, or "" when it is not one of ours."""
    try:
        return base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode()
    except (ValueError, UnicodeDecodeError):
        return ""
