"""The single HTTP entry point of the Action API: parse, authorize, dispatch, wrap in CKAN's envelope."""

from __future__ import annotations

import contextlib
import json
import logging
from typing import Any

from django.conf import settings
from django.core.exceptions import ObjectDoesNotExist, PermissionDenied, RequestDataTooBig
from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.middleware.csrf import CsrfViewMiddleware
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.csrf import csrf_exempt

from ouvert.core.ratelimit import concurrency_slot, rate_limit_hit, write_throttle

from . import errors
from .registry import Action, Context
from .table import ACTIONS

log = logging.getLogger(__name__)
CONTENT_TYPE = "application/json;charset=utf-8"


def help_url(request: HttpRequest, version: int, name: str) -> str:
    return request.build_absolute_uri(f"/api/{version}/action/help_show?name={name}")


def _respond(body: dict[str, Any], status: int = 200, headers: dict[str, str] | None = None) -> JsonResponse:
    response = JsonResponse(body, status=status, encoder=DjangoJSONEncoder, content_type=CONTENT_TYPE,
                            json_dumps_params={"ensure_ascii": False})
    for key, value in (headers or {}).items():
        response[key] = value
    return response


def _multi(querydict) -> dict[str, Any]:
    data: dict[str, Any] = {}
    for key in querydict:
        values = querydict.getlist(key)
        data[key] = values[0] if len(values) == 1 else values
    return data


def request_data(request: HttpRequest, action: Action) -> dict[str, Any]:
    """The data dict: URL parameters for GET, the JSON body, or the form fields and files."""
    if request.method == "GET":
        return _multi(request.GET)
    if request.content_type in {"multipart/form-data", "application/x-www-form-urlencoded"}:
        data = _multi(request.POST)
        for key in request.FILES:
            data[key] = request.FILES[key]
        return data
    body = request.body
    if not body.strip():
        return _multi(request.GET) if action.read else {}
    if b"\\u0000" in body or b"\x00" in body:
        raise errors.BadRequest(_("Caractère NUL (\\u0000) refusé."))
    try:
        data = json.loads(body.decode("utf-8"))
    except (UnicodeDecodeError, ValueError) as exc:
        raise errors.BadRequest(f"JSON Error: {exc}") from None
    if not isinstance(data, dict):
        raise errors.BadRequest(
            f"Bad request data: Request data JSON decoded to {data!r} but it needs to be a dictionary."[:300]
        )
    return data


def _csrf_rejected(request: HttpRequest) -> bool:
    """Writes made with a session cookie (not a token) must carry Django's CSRF token."""
    if getattr(request, "authenticated_by_token", False) or not request.user.is_authenticated:
        return False
    return CsrfViewMiddleware(_no_view).process_view(request, _no_view, (), {}) is not None


def _no_view(request: HttpRequest) -> HttpResponse:
    """The view CSRF checks are run for: any view not marked ``csrf_exempt``."""
    return HttpResponse()


def call(action: Action, context: Context, data: dict[str, Any]) -> Any:
    """Run a handler, translating Django's exceptions into CKAN's."""
    try:
        if action.read:
            return action.handler(context, data)
        with transaction.atomic():
            return action.handler(context, data)
    except PermissionDenied as exc:
        raise errors.NotAuthorized(str(exc)) from None
    except DjangoValidationError as exc:
        raise errors.from_django_validation(exc) from None
    except (Http404, ObjectDoesNotExist) as exc:
        raise errors.NotFound(str(exc)) from None


ANONYMOUS_QUERY_POOL = "ckan_anonymous_queries"
SLOT_RETRY_SECONDS = 2


def _rate_limited(envelope: dict[str, Any], wait: int, message: str) -> JsonResponse:
    envelope.update(success=False, error={"__type": "Rate Limit Error", "message": message})
    return _respond(envelope, 429, {"Retry-After": str(wait)})


@csrf_exempt
def action_view(request: HttpRequest, name: str, ver: str | None = None) -> JsonResponse:
    version = int(ver or 3)
    envelope: dict[str, Any] = {"help": help_url(request, version, name)}
    action = ACTIONS.get(name)
    try:
        if action is None:
            raise errors.BadRequest(f"Action name not known: {name}")
        if request.method not in {"GET", "POST"}:
            raise errors.BadRequest(_("Méthode non prise en charge : utilisez GET ou POST."))
        if request.method == "GET" and not action.read:
            raise errors.BadRequest(_("Cette action modifie des données : utilisez la méthode POST."))
        if getattr(request, "api_token_invalid", False):
            raise errors.NotAuthorized(_("jeton d'API invalide ou révoqué"))
        user = request.user if request.user.is_authenticated else None
        if not action.read:
            if user is None:
                raise errors.NotAuthorized(_("cette action exige un jeton d'API (en-tête Authorization)"))
            if _csrf_rejected(request):
                raise errors.NotAuthorized(_("jeton CSRF absent ou invalide"))
            wait = write_throttle(request)
            if wait is not None:
                envelope.update(success=False, error={
                    "__type": "Rate Limit Error",
                    "message": ngettext("Trop de requêtes d'écriture. Réessayez dans %(s)s seconde.",
                                        "Trop de requêtes d'écriture. Réessayez dans %(s)s secondes.", wait)
                    % {"s": wait}})
                return _respond(envelope, 429, {"Retry-After": str(wait)})
        try:
            data = request_data(request, action)
        except RequestDataTooBig:
            raise errors.BadRequest(_("Requête trop volumineuse.")) from None
        with contextlib.ExitStack() as held:
            if action.throttle is not None:
                wait = rate_limit_hit(request, action.throttle)
                if wait is not None:
                    return _rate_limited(envelope, wait, ngettext(
                        "Trop de requêtes %(action)s. Réessayez dans %(s)s seconde.",
                        "Trop de requêtes %(action)s. Réessayez dans %(s)s secondes.", wait)
                        % {"action": name, "s": wait})
                slots = int(settings.API_ANONYMOUS_QUERY_SLOTS)
                if user is None and not held.enter_context(concurrency_slot(ANONYMOUS_QUERY_POOL, slots)):
                    return _rate_limited(envelope, SLOT_RETRY_SECONDS, ngettext(
                        "Le serveur traite déjà autant de requêtes anonymes sur le magasin de données qu'il en "
                        "accepte (%(n)s). Réessayez dans %(s)s seconde, ou authentifiez-vous avec un jeton d'API.",
                        "Le serveur traite déjà autant de requêtes anonymes sur le magasin de données qu'il en "
                        "accepte (%(n)s). Réessayez dans %(s)s secondes, ou authentifiez-vous avec un jeton d'API.",
                        SLOT_RETRY_SECONDS) % {"n": slots, "s": SLOT_RETRY_SECONDS})
            result = call(action, Context(request=request, user=user, api_version=version), data)
    except errors.ActionError as exc:
        envelope.update(success=False, error=exc.error_dict())
        return _respond(envelope, exc.status)
    except Exception:  # an unexpected error still answers in CKAN's envelope, which clients parse
        log.exception("CKAN action %s failed", name)
        envelope.update(success=False, error={"__type": "Internal Server Error", "message": _(
            "Erreur interne du serveur : elle est consignée ; réessayez plus tard ou signalez-la.")})
        return _respond(envelope, 500)
    envelope.update(success=True, result=result)
    return _respond(envelope)


def api_root(request: HttpRequest, ver: str | None = None) -> JsonResponse:
    return JsonResponse({"version": int(ver or 3)})
