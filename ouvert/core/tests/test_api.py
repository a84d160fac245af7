import json
from pathlib import Path

import pytest

pytestmark = pytest.mark.django_db
SNAPSHOT = Path(__file__).resolve().parents[2] / "api" / "openapi.json"


def test_organizations_are_paged_by_cursor(client, make_org):
    for i in range(5):
        make_org(f"org-{i}")
    first = client.get("/api/v1/organizations?limit=2").json()
    assert first["count"] == 5 and len(first["results"]) == 2
    second = client.get(f"/api/v1/organizations?limit=2&cursor={first['next_cursor']}").json()
    assert [o["slug"] for o in second["results"]] == ["org-2", "org-3"]
    assert client.get("/api/v1/organizations/org-4").json()["name_fr"] == "Organisation org-4"
    assert client.get("/api/v1/organizations/absent").status_code == 404


def test_openapi_matches_committed_snapshot(client):
    """Run ``python -m ouvert.api.snapshot`` after changing an endpoint, and commit the result."""
    live = client.get("/api/v1/openapi.json").json()
    assert live == json.loads(SNAPSHOT.read_text()), "OpenAPI changed: regenerate ouvert/api/openapi.json"
