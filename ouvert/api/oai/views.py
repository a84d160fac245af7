"""``/oai``: GET or POST (``application/x-www-form-urlencoded``), no language prefix."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from django.utils import translation
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from .protocol import respond


@csrf_exempt  # a read-only protocol endpoint: POST carries the same arguments as GET, no session
@require_http_methods(["GET", "HEAD", "POST"])
def oai(request: HttpRequest) -> HttpResponse:
    query = request.POST if request.method == "POST" else request.GET
    params = {name: query.getlist(name) for name in query}
    base_url = request.build_absolute_uri(reverse("oai"))
    with translation.override("fr"):
        status, body = respond(
            params, base_url=base_url,
            landing=lambda pk: request.build_absolute_uri(reverse("openaccess:publication", args=[pk])),
            file_url=lambda name: request.build_absolute_uri(reverse("media", args=[name])))
    return HttpResponse(body, status=status, content_type="text/xml; charset=utf-8")
