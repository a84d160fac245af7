"""What the multi-host test and bench need in the shared database before the servers start: the schema,
a publisher (password and API token) with a published dataset, and an open consultation with the
surge's survey (``bench/consultation_surge.py``'s questions) and one account + token per participant.

    DATABASE_URL=postgres://… DJANGO_SETTINGS_MODULE=ouvert.settings.prod \
        python -m ouvert.core.tests.multihost_seed --participants 200

prints one line of JSON (see :func:`seed`). Also callable in a process that has set Django up.
"""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import importlib.util
import json
import sys
from pathlib import Path
from types import ModuleType
from typing import Any

ROOT = Path(__file__).resolve().parents[3]
EDITOR_EMAIL = "editrice@multihote.local"
EDITOR_PASSWORD = "multihote-mot-de-passe-2026"  # noqa: S105 — a throwaway instance


def bench_module(name: str) -> ModuleType:
    """A script of ``bench/`` (``consultation_surge``: its survey, answers and canonical lines;
    ``catalog_search``: its generated catalogue and queries), imported by path."""
    if name in sys.modules:
        return sys.modules[name]
    spec = importlib.util.spec_from_file_location(name, ROOT / "bench" / f"{name}.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


def surge_module() -> ModuleType:
    return bench_module("consultation_surge")


def seed(*, participants: int, catalog: int = 0) -> dict[str, Any]:
    from django.core.management import call_command
    from django.utils import timezone

    from ouvert.catalog import services as catalog_services
    from ouvert.consultations import services as consultations
    from ouvert.core import services as core
    from ouvert.core.models import ApiToken, Membership, Organization, User
    from ouvert.core.services import TOKEN_PREFIX, token_digest

    surge = surge_module()
    call_command("migrate", interactive=False, verbosity=0)
    org = Organization.objects.create(slug="multihote", kind="municipality", name_fr="Ville multihôte")
    editor = User.objects.create_user(EDITOR_EMAIL, EDITOR_PASSWORD, email_verified_at=timezone.now())
    Membership.objects.create(user=editor, organization=org, role="editor")
    _token, secret = core.token_create(user=editor, by=editor, name="multihôte")
    dataset = catalog_services.dataset_create(by=editor, organization=org, title="Compteurs multihôtes")
    catalog_services.dataset_publish(dataset=dataset, by=editor)

    now = timezone.now()
    consultation = consultations.consultation_create(
        organization=org, by=editor, title="Réseau cyclable : plusieurs serveurs", summary="Essai multihôte.",
        topic="transport", region="06", contact_email="velo@multihote.local",
        opens_at=now - dt.timedelta(hours=1), closes_at=now + dt.timedelta(days=30), purpose_stated=True,
        feedback_planned=True, allow_anonymous=True)
    questions: list[Any] = []
    for position, (kind, label, extra) in enumerate(surge.QUESTIONS, start=1):
        data = {"kind": kind, "label": label, "position": position, "required": kind in ("single", "scale"),
                "choices": extra.get("choices", []), "rows": extra.get("rows", [])}
        if "condition" in extra:
            data.update(condition_question=questions[extra["condition"][0]], condition_value=extra["condition"][1],
                        required=True)
        questions.append(consultations.question_create(consultation=consultation, by=editor, **data))
    consultations.consultation_publish(consultation=consultation, by=editor)
    users = User.objects.bulk_create([User(email=f"p{i:05d}@multihote.local", password="!")
                                      for i in range(participants)])
    tokens, secrets = [], []
    for user in users:
        prefix = f"m{user.pk:07d}"[-8:]
        participant_secret = f"{TOKEN_PREFIX}{prefix}_{hashlib.sha256(user.email.encode()).hexdigest()}"
        tokens.append(ApiToken(user=user, name="multihôte", prefix=prefix, digest=token_digest(participant_secret)))
        secrets.append(participant_secret)
    ApiToken.objects.bulk_create(tokens)
    if catalog:
        bench_module("catalog_search").generate(catalog)
    return {"editor": EDITOR_EMAIL, "password": EDITOR_PASSWORD, "token": secret, "dataset": dataset.name,
            "consultation": consultation.slug, "questions": [q.pk for q in questions],
            "participants": [{"email": u.email, "token": s} for u, s in zip(users, secrets, strict=True)]}


def main() -> None:
    import django

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--participants", type=int, default=0)
    parser.add_argument("--catalog", type=int, default=0, help="datasets generated as bench/catalog_search.py does")
    args = parser.parse_args()
    django.setup()
    print(json.dumps(seed(participants=args.participants, catalog=args.catalog)))


if __name__ == "__main__":
    main()
