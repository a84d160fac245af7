"""CKAN's error types, with the HTTP status each one is answered with."""

from __future__ import annotations

from typing import Any


class ActionError(Exception):
    """Base class: ``type`` is CKAN's ``__type``, ``status`` the HTTP status."""

    type = "Bad Request"
    status = 400

    def __init__(self, message: str = "") -> None:
        super().__init__(message)
        self.message = message

    def error_dict(self) -> dict[str, Any]:
        return {"__type": self.type, "message": self.message}


class BadRequest(ActionError):
    pass


class NotFound(ActionError):
    type = "Not Found Error"
    status = 404

    def error_dict(self) -> dict[str, Any]:
        return {"__type": self.type, "message": f"Not found: {self.message}" if self.message else "Not found"}


class NotAuthorized(ActionError):
    type = "Authorization Error"
    status = 403

    def error_dict(self) -> dict[str, Any]:
        return {"__type": self.type,
                "message": f"Access denied: {self.message}" if self.message else "Access denied"}


class ValidationError(ActionError):
    """``errors`` maps a field name to a list of messages, as CKAN does."""

    type = "Validation Error"
    status = 409

    def __init__(self, errors: dict[str, list[str]] | str) -> None:
        if isinstance(errors, str):
            errors = {"message": [errors]}
        self.errors = errors
        super().__init__("; ".join(f"{k}: {' '.join(v)}" for k, v in errors.items()))

    def error_dict(self) -> dict[str, Any]:
        return {"__type": self.type, **self.errors}


class SearchQueryError(ActionError):
    type = "Search Query Error"
    status = 400

    def error_dict(self) -> dict[str, Any]:
        return {"__type": self.type, "message": f"Search Query is invalid: {self.message}"}


def from_django_validation(exc: Any) -> ValidationError:
    """Turn a Django ``ValidationError`` into CKAN's field → messages form."""
    if hasattr(exc, "error_dict"):
        return ValidationError({("message" if k == "__all__" else k): [str(m) for m in v]
                                for k, v in exc.message_dict.items()})
    return ValidationError({"message": [str(m) for m in exc.messages]})
