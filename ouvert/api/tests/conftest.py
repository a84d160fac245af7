"""Helpers shared by the API layer's tests: a CKAN action call and an editor with a token."""

from __future__ import annotations

import json
from typing import Any

import pytest


def post(client, name: str, data: Any = None, token: str | None = None, **extra):
    """POST the CKAN action ``name`` with a JSON body, as ``token``'s owner when given."""
    headers = {"HTTP_AUTHORIZATION": token} if token else {}
    return client.post(f"/api/3/action/{name}", json.dumps(data or {}), content_type="application/json",
                       **headers, **extra)


@pytest.fixture
def publisher(make_user, make_org, make_member, make_token):
    """An editor of the Ville de Montréal (``montreal``): ``(organization, token)``."""
    org = make_org("montreal", name_fr="Ville de Montréal", kind="municipality")
    user = make_user("editeur@montreal.example")
    make_member(user, org, role="editor")
    return org, make_token(user)
