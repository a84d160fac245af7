"""``ouvert synthetic-check``: publish a test dataset with a CSV file, wait until its table answers
through ``datastore_search``, remove it; every step timed (docs/operations.md).

It exercises what a visitor and a publisher rely on, end to end on the running platform: the
database, the file storage, the task queue and a worker (ingestion runs in the background), the
datastore and the search selector. The probe acts through the catalogue's services as its own
account, editor and administrator of its own organization (``verification-synthetique``), both
created on the first run by the system actor ``synthetic`` (in the audit log)."""

from __future__ import annotations

import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction

from . import actors
from .audit import audit_record
from .models import Membership, Organization, OrganizationKind, Role, User

ORGANIZATION_SLUG = "verification-synthetique"
ACCOUNT_EMAIL = "verification-synthetique@ouvert.invalid"


@dataclass
class SyntheticReport:
    ok: bool = False
    steps: dict[str, float] = field(default_factory=dict)  # step → milliseconds
    error: str = ""
    rows: int = 0

    def as_dict(self) -> dict[str, Any]:
        return {"ok": self.ok, "rows": self.rows, "ms": {k: round(v, 1) for k, v in self.steps.items()},
                "total_ms": round(sum(self.steps.values()), 1), **({"error": self.error} if self.error else {})}


def synthetic_account() -> User:
    """The probe's account and organization (created once, by the system actor)."""
    with transaction.atomic():
        organization, created = Organization.objects.get_or_create(
            slug=ORGANIZATION_SLUG, defaults={"kind": OrganizationKind.PUBLIC_BODY,
                                              "name_fr": "Vérification synthétique", "name_en": "Synthetic check"})
        if created:
            audit_record(actor=actors.SYNTHETIC, action="organization.create", obj=organization,
                         organization=organization)
        user = User.objects.filter(email=ACCOUNT_EMAIL).first()
        if user is None:
            user = User.objects.create_user(email=ACCOUNT_EMAIL, password=None)
            audit_record(actor=actors.SYNTHETIC, action="user.create", obj=user, organization=organization)
        Membership.objects.update_or_create(user=user, organization=organization, defaults={"role": Role.ADMIN})
    return user


def synthetic_check(*, timeout: float = 120.0, poll: float = 0.2,
                    clock: Callable[[], float] = time.perf_counter) -> SyntheticReport:
    """Run the probe once; never raises for a failing platform (the report says what failed)."""
    from django.core.exceptions import ValidationError
    from django.http import Http404

    from ouvert.catalog import services
    from ouvert.datastore.selectors import datastore_search
    from ouvert.datastore.types import SearchQuery

    report = SyntheticReport()
    token = uuid.uuid4().hex[:12]
    rows = [("rang", "jeton")] + [(str(n), f"{token}-{n}") for n in range(1, 51)]
    content = "".join(f"{a},{b}\n" for a, b in rows).encode()
    dataset = None
    step = "account"
    try:
        start = clock()
        user = synthetic_account()
        report.steps["account"] = (clock() - start) * 1000
        step = "publish"
        start = clock()
        dataset = services.dataset_create(by=user, organization=user.memberships.get().organization,
                                          title=f"Vérification synthétique {token}")
        services.dataset_publish(dataset=dataset, by=user)
        resource = services.resource_create(dataset=dataset, by=user,
                                            file=SimpleUploadedFile(f"verification-{token}.csv", content))
        report.steps["publish"] = (clock() - start) * 1000
        step = "ingest"
        start = clock()
        deadline = start + timeout
        while True:
            try:
                result = datastore_search(query=SearchQuery(resource_id=resource.pk,
                                                            filters={"jeton": [f"{token}-50"]}), user=None)
            except (Http404, ValidationError):
                result = None  # no table yet: ingestion is queued or running
            if result is not None and result.total == 1:
                break
            if clock() > deadline:
                raise TimeoutError(f"the table did not answer within {timeout:g} s (is a worker running?)")
            time.sleep(poll)
        report.steps["ingest"] = (clock() - start) * 1000
        step = "query"
        start = clock()
        full = datastore_search(query=SearchQuery(resource_id=resource.pk, include_total=True), user=None)
        report.rows = int(full.total or 0)
        report.steps["query"] = (clock() - start) * 1000
        if report.rows != len(rows) - 1:
            raise AssertionError(f"the table has {report.rows} rows, {len(rows) - 1} were sent")
        report.ok = True
    except Exception as exc:  # noqa: BLE001 — the report names the failing step
        report.error = f"{step}: {type(exc).__name__}: {exc}"
    finally:
        if dataset is not None:
            start = clock()
            try:
                _cleanup(dataset)
            except Exception as exc:  # noqa: BLE001
                report.ok = False
                report.error = (report.error + "; " if report.error else "") + f"cleanup: {type(exc).__name__}: {exc}"
            report.steps["cleanup"] = (clock() - start) * 1000
    return report


def _cleanup(dataset: Any) -> None:
    from ouvert.catalog import services

    user = User.objects.get(email=ACCOUNT_EMAIL)
    dataset.refresh_from_db()
    for resource in list(dataset.resources.all()):
        services.resource_delete(resource=resource, by=user)
    dataset = services.dataset_delete(dataset=dataset, by=user)
    services.dataset_purge(dataset=dataset, by=user)
