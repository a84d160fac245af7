"""An OpenAPI 3.1 description of the CKAN-compatible Action API, built from the action table.

CKAN itself publishes none; clients and tools that speak OpenAPI (schemathesis, code generators,
the API documentation) then know each action, its parameters, whether it needs a token, and the
envelope every answer comes in (``help``, ``success``, ``result`` or ``error`` with CKAN's
``__type``). Parameters are described as CKAN declares them: by name, as text (a JSON body may
carry any JSON value under those names, as CKAN accepts)."""

from __future__ import annotations

import inspect
from typing import Any

from django.http import HttpRequest, JsonResponse

from ouvert import __version__

from .registry import Action
from .table import ACTIONS

ENVELOPE_OK: dict[str, Any] = {
    "type": "object",
    "required": ["help", "success", "result"],
    "properties": {"help": {"type": "string"}, "success": {"const": True}, "result": {}},
}
ENVELOPE_ERROR: dict[str, Any] = {
    "type": "object",
    "required": ["help", "success", "error"],
    "properties": {
        "help": {"type": "string"}, "success": {"const": False},
        "error": {"type": "object", "required": ["__type"], "properties": {"__type": {"type": "string"},
                                                                           "message": {"type": "string"}}},
    },
}
ERRORS = {
    "400": "Requête invalide (paramètre illisible, JSON mal formé, méthode) : `error.message` dit quoi corriger.",
    "403": "Non autorisé : jeton absent, invalide ou sans le droit de faire cela.",
    "404": "Introuvable, ou non publié (la même réponse dans les deux cas).",
    "409": "Données invalides : `error` nomme chaque champ fautif avec ses messages.",
    "429": "Trop de requêtes : réessayez après le délai de l'en-tête Retry-After.",
    "500": "Erreur interne, consignée ; l'enveloppe reste celle de CKAN.",
}


def _summary(action: Action) -> str:
    return (inspect.getdoc(action.handler) or action.name).split("\n\n", 1)[0].replace("\n", " ")


def _operation(action: Action, method: str) -> dict[str, Any]:
    responses: dict[str, Any] = {"200": {"description": "Réussi.", "content": {
        "application/json": {"schema": {"$ref": "#/components/schemas/Success"}}}}}
    for status in ERRORS:
        responses[status] = {"$ref": f"#/components/responses/Error{status}"}
    operation: dict[str, Any] = {
        "operationId": f"ckan_{action.name}_{method}", "tags": ["ckan"], "summary": _summary(action)[:200],
        "description": action.help, "responses": responses,
    }
    if method == "get":
        operation["parameters"] = [{"name": name, "in": "query", "required": False, "description": text,
                                    "schema": {"type": "string"}} for name, text in action.params.items()]
    else:
        operation["requestBody"] = {"required": False, "content": {"application/json": {"schema": {
            "type": "object", "properties": {name: {"description": text} for name, text in action.params.items()},
        }}}}
    if not action.read:
        operation["security"] = [{"ApiToken": []}]
    return operation


def document() -> dict[str, Any]:
    """The whole description: one path per action, GET and POST for reads, POST for writes."""
    paths = {f"/api/3/action/{name}": ({"get": _operation(action, "get")} if action.read else {})
             | {"post": _operation(action, "post")} for name, action in sorted(ACTIONS.items())}
    return {
        "openapi": "3.1.0",
        "info": {"title": "Ouvert — API CKAN (Action API)", "version": __version__, "description": (
            "L'API d'actions de CKAN (version 3), telle que ckanapi, frictionless et les moissonneurs la "
            "parlent : même enveloppe, mêmes paramètres et mêmes erreurs. Les écritures exigent un jeton "
            "(`Authorization: <jeton>`)."), "x-generated-from": "ouvert/api/ckan/table.py"},
        "paths": paths,
        "components": {
            "schemas": {"Success": ENVELOPE_OK, "Error": ENVELOPE_ERROR},
            "responses": {f"Error{status}": {"description": text, "content": {
                "application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}}
                for status, text in ERRORS.items()},
            "securitySchemes": {"ApiToken": {"type": "apiKey", "in": "header", "name": "Authorization"}},
        },
    }


def openapi_view(request: HttpRequest, ver: str | None = None) -> JsonResponse:
    return JsonResponse(document(), json_dumps_params={"ensure_ascii": False})
