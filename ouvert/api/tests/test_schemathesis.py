"""Schemathesis explores the native API from its OpenAPI document and must find no server error.

Each operation is exercised with and without a site administrator's token; requests go straight to
the WSGI application (no server), so the run stays well under a minute."""

from __future__ import annotations

import pytest
import schemathesis
from django.core import signals
from django.db import close_old_connections
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import not_a_server_error

pytestmark = [pytest.mark.django_db, pytest.mark.slow]  # a property-based sweep of the whole native API

EXAMPLES = 30


def test_native_api_has_no_server_error(make_org, make_user, make_member, site_admin, make_token):
    from ouvert.wsgi import application

    make_org("sct")
    make_member(make_user("membre@exemple.qc.ca"), make_org("montreal"), role="admin")
    token = make_token(site_admin)
    # As Django's test client does: keep the test's database connection open between requests.
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    try:
        schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", application)
        operations = [result.ok() for result in schema.get_all_operations()]
        assert len(operations) >= 5
        for operation in operations:
            for headers in ({"Authorization": token}, {}):
                explore(operation, headers)
    finally:
        signals.request_started.connect(close_old_connections)
        signals.request_finished.connect(close_old_connections)


def explore(operation, headers: dict[str, str]) -> None:
    @given(case=operation.as_strategy())
    @settings(max_examples=EXAMPLES, deadline=None, derandomize=True, database=None,
              suppress_health_check=list(HealthCheck))
    def run(case):
        case.call_and_validate(headers=headers, checks=[not_a_server_error])

    run()
