"""Schemathesis explores the native API from its OpenAPI document with every check (``--checks all``):
no server error, every status and response body as documented, content types and headers as
documented, invalid data refused, valid data accepted.

Each operation is exercised with and without a site administrator's token; requests go straight to
the WSGI application (no server), so the run stays well under a minute.

"Valid data accepted" (``positive_data_acceptance``) is left out only for the operations below, where
whether a value is acceptable depends on the data held, not on its form, so no JSON Schema can say
it; each refuses such values with a 400, 404 or 422 that names the field and how to fix it."""

from __future__ import annotations

import pytest
import schemathesis
from django.core import signals
from django.db import close_old_connections
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import positive_data_acceptance

from ouvert.api.ckan.table import ACTIONS

pytestmark = [pytest.mark.django_db, pytest.mark.slow]  # a property-based sweep of the whole native API

EXAMPLES = 12
CKAN_EXAMPLES = 5
DATA_DEPENDENT = {
    "GET /api/v1/datasets": "theme, organization and licence filters name existing objects",
    "POST /api/v1/datasets": "the organization named must exist and the caller must edit in it",
    "PATCH /api/v1/datasets/{name}": "licence, theme and organization values name existing objects",
    "POST /api/v1/datasets/{name}/resources": "the data dictionary names the table's columns",
    "GET /api/v1/datastore/{resource_id}/rows": "filters and sort name the table's columns",
    "GET /api/v1/datastore/{resource_id}/search": "filters, fields and sort name the table's columns",
    "GET /api/v1/datastore/{resource_id}/aggregate": "group and filters name the table's columns",
    "GET /api/v1/datastore/{resource_id}/export.{fmt}": "filters name the table's columns",
    "GET /api/v1/geo/datasets": "a bounding box must be ordered and within WGS 84, a place must exist",
    "GET /api/v1/openaccess/publications": "a cursor is one the server issued",
    "GET /api/v1/openaccess/ledger": "a cursor is one the server issued",
    "POST /api/v1/reuses": "the datasets named must be published; the address must be a web address",
    "POST /api/v1/webhooks": "the address must be public (never loopback or a private network)",
    "PATCH /api/v1/webhooks/{webhook_id}": "the address must be public (never loopback or a private network)",
    "POST /api/v1/consultations/{slug}/responses": "answers name the consultation's questions and options",
    "POST /api/v1/datasets/{name}/resources/upload": "the file must hold something to publish (not empty)",
    "POST /api/v1/geo/layers/{resource_id}": "the file must be a readable geographic file; the organization must exist",
}


SHARDS = 4  # the sweep in four parts, so that the test processes share it instead of one running it all


@pytest.mark.parametrize("shard", range(SHARDS))
def test_native_api_has_no_server_error(shard, make_org, make_user, make_member, site_admin, make_token):
    from ouvert.wsgi import application

    make_org("sct")
    make_member(make_user("membre@exemple.qc.ca"), make_org("montreal"), role="admin")
    token = make_token(site_admin)
    # As Django's test client does: keep the test's database connection open between requests.
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    try:
        schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", application)
        # NUL is refused in every parameter and body, whatever the operation (400, ouvert.core.middleware)
        schema.config.generation.update(allow_x00=False)
        operations = [result.ok() for result in schema.get_all_operations()]
        assert len(operations) >= 5
        stale = set(DATA_DEPENDENT) - {operation.label for operation in operations}
        assert not stale, f"DATA_DEPENDENT names operations that no longer exist: {stale}"
        mine = sorted(operations, key=lambda operation: operation.label)[shard::SHARDS]
        assert mine, f"shard {shard} of {SHARDS} has no operation"
        for operation in mine:
            for headers in ({"Authorization": token}, {}):
                explore(operation, headers)
    finally:
        signals.request_started.connect(close_old_connections)
        signals.request_finished.connect(close_old_connections)


def explore(operation, headers: dict[str, str], *, examples: int = EXAMPLES, excluded: list | None = None) -> None:
    if excluded is None:
        excluded = [positive_data_acceptance] if operation.label in DATA_DEPENDENT else []

    @given(case=operation.as_strategy())
    @settings(max_examples=examples, deadline=None, derandomize=True, database=None,
              suppress_health_check=list(HealthCheck))
    def run(case):
        case.call_and_validate(headers=headers, excluded_checks=excluded)  # every check (``--checks all``)

    run()


def test_ckan_actions_have_no_server_error_and_keep_their_envelope(make_org, make_user, make_member, site_admin,
                                                                   make_token, client):
    """The same sweep over the CKAN Action API, from the OpenAPI description Ouvert derives from its
    action table (``/api/3/openapi.json``): every action, GET and POST, with and without a token, and
    every check. "Valid data accepted" is waived: CKAN declares its parameters by name only, as text,
    so most values a generator makes are rightly refused (409, 404) by the action itself."""
    from ouvert.wsgi import application

    make_org("sct")
    make_member(make_user("membre@exemple.qc.ca"), make_org("montreal"), role="admin")
    token = make_token(site_admin)
    document = client.get("/api/3/openapi.json").json()
    assert set(document["paths"]) == {f"/api/3/action/{name}" for name in ACTIONS}
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    try:
        schema = schemathesis.openapi.from_wsgi("/api/3/openapi.json", application)
        schema.config.generation.update(allow_x00=False)
        for result in schema.get_all_operations():
            operation = result.ok()
            for headers in ({"Authorization": token}, {}):
                explore(operation, headers, examples=CKAN_EXAMPLES, excluded=[positive_data_acceptance])
    finally:
        signals.request_started.connect(close_old_connections)
        signals.request_finished.connect(close_old_connections)
