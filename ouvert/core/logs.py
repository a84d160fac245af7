"""Request ids and structured logs.

:class:`RequestIdMiddleware` gives every request an id: the ``X-Request-ID`` the load balancer sent
(letters, digits, ``.``, ``_``, ``-``, at most 128), else a new one; it is sent back in the response's
``X-Request-ID`` and attached to every log line written while the request is served, with the route
template that served it. :class:`JsonFormatter` (production profile) writes one JSON object per line:
``time`` (UTC, ISO 8601), ``level``, ``logger``, ``message``, ``request_id``, ``route``, and
``exception`` when there is one."""

from __future__ import annotations

import contextvars
import datetime as dt
import json
import logging
import re
import uuid
from collections.abc import Callable
from typing import Any

from django.core.signals import request_finished
from django.dispatch import receiver

request_id: contextvars.ContextVar[str] = contextvars.ContextVar("ouvert_request_id", default="")
request_route: contextvars.ContextVar[str] = contextvars.ContextVar("ouvert_request_route", default="")

VALID_ID = re.compile(r"[A-Za-z0-9._-]{1,128}")


class RequestIdMiddleware:
    def __init__(self, get_response: Callable[[Any], Any]) -> None:
        self.get_response = get_response

    def __call__(self, request: Any) -> Any:
        given = request.headers.get("X-Request-ID", "").strip()
        rid = given if VALID_ID.fullmatch(given) else uuid.uuid4().hex
        request.request_id = rid
        # Kept until the response is closed (:func:`_forget`): Django logs a 4xx/5xx answer after the
        # middleware returned it.
        request_id.set(rid)
        request_route.set("")
        response = self.get_response(request)
        response["X-Request-ID"] = rid
        return response

    def process_view(self, request: Any, view_func: Any, view_args: Any, view_kwargs: Any) -> None:
        match = getattr(request, "resolver_match", None)
        request_route.set(str(match.route) if match is not None and match.route else "")


@receiver(request_finished, dispatch_uid="ouvert.core.logs.forget")
def _forget(sender: Any, **kwargs: Any) -> None:
    request_id.set("")
    request_route.set("")


class JsonFormatter(logging.Formatter):
    """One JSON object per line (log collectors read it without a pattern)."""

    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, Any] = {
            "time": dt.datetime.fromtimestamp(record.created, tz=dt.UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
            "request_id": request_id.get(),
            "route": request_route.get(),
        }
        status = getattr(record, "status_code", None)
        if isinstance(status, int):
            entry["status"] = status
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        return json.dumps(entry, ensure_ascii=False, default=str)
