"""The native API at ``/api/v1/``. Each domain app contributes a router."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest
from django.utils.translation import gettext as _
from ninja import NinjaAPI
from ninja.errors import ValidationError as SchemaError

from ouvert import __version__
from ouvert.catalog.api import quality_router
from ouvert.catalog.api import router as catalog_router
from ouvert.consultations.api import router as consultations_router
from ouvert.core.api import router as core_router
from ouvert.core.api_webhooks import router as webhooks_router
from ouvert.datastore.api import router as datastore_router
from ouvert.geo.api import router as geo_router
from ouvert.harvest.api import router as harvest_router
from ouvert.openaccess.api import router as openaccess_router
from ouvert.plans.api import router as plans_router
from ouvert.procurement.api import router as procurement_router

from .ckan.datastore_router import router as ckan_datastore_router

ERROR_SCHEMA = {
    "title": "Error",
    "type": "object",
    "description": "Une erreur : `detail` dit ce qui ne va pas et comment corriger (texte ; pour une erreur de "
                   "validation, la liste des paramètres fautifs ou les champs et leurs messages).",
    "properties": {"detail": {"anyOf": [{"type": "string"}, {"type": "array", "items": {"type": "object"}},
                                        {"type": "object"}]}},
    "required": ["detail"],
}
WRITE_METHODS = ("post", "put", "patch", "delete")


def _error_responses(operation: dict[str, Any], method: str, path: str) -> dict[str, str]:
    """The error statuses an operation can answer besides its own, by what it takes: a token (401,
    403), a path parameter or a body naming objects (404), parameters or a body (400, 422), a write
    or a datastore query (429, rate limits)."""
    statuses: dict[str, str] = {}
    parameters = operation.get("parameters", [])
    if operation.get("security"):
        statuses["401"] = "Jeton absent, invalide ou révoqué."
        statuses["403"] = "Ce jeton n'a pas le droit de faire cela."
    if any(parameter.get("in") == "path" for parameter in parameters) or "requestBody" in operation:
        statuses["404"] = ("Introuvable, ou non publié (la même réponse dans les deux cas) : l'objet de l'adresse "
                           "ou un objet que nomment les données envoyées.")
    if parameters or "requestBody" in operation:
        statuses["400"] = ("Requête illisible : un corps qui n'est pas un JSON ou un formulaire, un filtre ou un tri "
                           "qui nomme une colonne inconnue ; `detail` dit quoi corriger.")
    if parameters or "requestBody" in operation:
        statuses["422"] = ("Paramètres ou données invalides : `detail` nomme chaque paramètre ou champ et dit "
                           "comment corriger.")
    if method in WRITE_METHODS or path.startswith("/api/v1/datastore/"):
        statuses["429"] = "Trop de requêtes : réessayez après le délai de l'en-tête Retry-After."
    return statuses


class OuvertAPI(NinjaAPI):
    """The native API; its OpenAPI document also lists each operation's error answers (same body:
    :data:`ERROR_SCHEMA`), so that clients and schemathesis know every status it may send."""

    def get_openapi_schema(self, *args: Any, **kwargs: Any) -> Any:
        schema = super().get_openapi_schema(*args, **kwargs)
        components = schema.setdefault("components", {})
        components.setdefault("schemas", {})["Error"] = ERROR_SCHEMA
        shared = components.setdefault("responses", {})
        for path, item in schema.get("paths", {}).items():
            for method, operation in item.items():
                responses = operation.setdefault("responses", {})
                for status, description in _error_responses(operation, method, path).items():
                    if status in responses or int(status) in responses:  # ninja keys its own by int
                        continue
                    shared[f"Error{status}"] = {"description": description, "content": {
                        "application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}}
                    responses[int(status)] = {"$ref": f"#/components/responses/Error{status}"}
        return schema


api = OuvertAPI(
    title="Ouvert API",
    version="1",
    description=(
        "API native d'Ouvert (typée, paginée). Authentification par jeton : "
        "`Authorization: Bearer <jeton>` (créez-en un dans votre compte ou avec `ouvert token create`)."
    ),
    urls_namespace="api-v1",
    docs_url="/docs",
)
api.add_router("/", core_router)
api.add_router("/", harvest_router)
api.add_router("/", geo_router)
api.add_router("/", datastore_router)
api.add_router("/", ckan_datastore_router)
api.add_router("/", catalog_router)
api.add_router("/", quality_router)
api.add_router("/", consultations_router)
api.add_router("/", plans_router)
api.add_router("/", webhooks_router)
api.add_router("/", procurement_router)
api.add_router("/", openaccess_router)


@api.exception_handler(PermissionDenied)
def _permission_denied(request: HttpRequest, exc: PermissionDenied):
    return api.create_response(request, {"detail": str(exc) or "Permission refusée."}, status=403)


@api.exception_handler(ValidationError)
def _validation_error(request: HttpRequest, exc: ValidationError):
    detail = exc.message_dict if hasattr(exc, "error_dict") else {"__all__": exc.messages}
    return api.create_response(request, {"detail": detail}, status=422)


def _schema_problem(error: dict) -> str:
    """Pydantic's error for one parameter, in the user's language: which parameter, what is accepted,
    what to do."""
    loc = [str(part) for part in error.get("loc", ()) if part not in ("query", "path", "body", "form")]
    name = ".".join(loc) or "?"
    ctx = error.get("ctx") or {}
    kind = error.get("type", "")
    values: dict = {"name": name}
    if "le" in ctx or "lt" in ctx:
        values["max"] = ctx.get("le", ctx.get("lt"))
        return _("« %(name)s » doit être au plus %(max)s ; corrigez ce paramètre.") % values
    if "ge" in ctx or "gt" in ctx:
        values["min"] = ctx.get("ge", ctx.get("gt"))
        return _("« %(name)s » doit être au moins %(min)s ; corrigez ce paramètre.") % values
    if kind.startswith("int_"):
        return _("« %(name)s » doit être un nombre entier, sans décimale ni exposant ; "
                 "corrigez ce paramètre.") % values
    if kind.startswith("bool_"):
        return _("« %(name)s » doit valoir true ou false.") % values
    if kind == "missing":
        return _("« %(name)s » est obligatoire : ajoutez ce paramètre.") % values
    if kind in ("literal_error", "enum"):
        values["allowed"] = ctx.get("expected", "")
        return _("« %(name)s » doit être l'une des valeurs %(allowed)s.") % values
    return _("« %(name)s » est invalide : %(why)s") % {**values, "why": error.get("msg", "")}


@api.exception_handler(SchemaError)
def _schema_error(request: HttpRequest, exc: SchemaError):
    """Parameters that do not fit the operation's schema: 422 as before (same list of pydantic
    errors), each with a ``message`` saying which parameter, the accepted range and how to fix it."""
    detail = [{**error, "message": _schema_problem(error)} if isinstance(error, dict) else error
              for error in exc.errors]
    return api.create_response(request, {"detail": detail}, status=422)


@api.exception_handler(Http404)
def _not_found(request: HttpRequest, exc: Http404):
    return api.create_response(request, {"detail": str(exc) or "Introuvable."}, status=404)


@api.get("/status", tags=["site"], summary="Version et état du service")
def status(request: HttpRequest) -> dict:
    return {"name": "Ouvert", "version": __version__, "authenticated": request.user.is_authenticated}
