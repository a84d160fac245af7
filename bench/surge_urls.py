"""The platform's URLs plus ``POST /bench/floor``: the least an authenticated API write costs on the
same server (middleware, API token, JSON body, one row written in a transaction, a JSON answer).
The surge's submissions per second are read against it. Never part of the product."""

import json

from django.db import connection, transaction
from django.http import HttpRequest, JsonResponse
from django.urls import path
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from ouvert.urls import urlpatterns as platform

FLOOR_TABLE = "bench_floor"


@csrf_exempt
@require_POST
def floor(request: HttpRequest) -> JsonResponse:
    if not getattr(request, "authenticated_by_token", False):
        return JsonResponse({"detail": "token required"}, status=401)
    body = json.loads(request.body)
    with transaction.atomic(), connection.cursor() as cur:
        cur.execute(f"INSERT INTO {FLOOR_TABLE} (user_id, body) VALUES (%s, %s)",  # noqa: S608 — constant name
                    [request.user.pk, json.dumps(body, sort_keys=True)])
    return JsonResponse({"stored": True}, status=201)


urlpatterns = [path("bench/floor", floor), *platform]
