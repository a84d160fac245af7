"""Services and reads for reuses (moderated), hackathons and the learning section's tutorials."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any, TypedDict

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from ouvert.core import permissions as core_permissions
from ouvert.core.audit import audit_record
from ouvert.core.models import User
from ouvert.core.slugs import unique_slug

from . import permissions
from .models import Dataset, Hackathon, Reuse, Tutorial


@transaction.atomic
def reuse_propose(*, by: User, title: str, description: str, url: str, kind: str, datasets: list[Dataset],
                  hackathon: Hackathon | None = None, image: UploadedFile[Any] | None = None) -> Reuse:
    """Anyone signed in proposes a reuse, with an optional illustration (PNG, JPEG, GIF or WebP);
    it shows once a site administrator approves it."""
    permissions.check_signed_in(by)
    errors: dict[str, list[str]] = {}
    if image is not None and (problem := _image_problem(image)):
        errors["image"] = [problem]
    if not title.strip():
        errors["title"] = [_("Donnez un titre à la réutilisation.")]
    if not datasets:
        errors["datasets"] = [_("Indiquez au moins un jeu de données utilisé.")]
    if kind not in Reuse.Kind.values:
        errors["kind"] = [_("Choisissez un type de réutilisation.")]
    if errors:
        raise ValidationError(errors)
    reuse = Reuse(title=title.strip(), description=description.strip(), url=url, kind=kind, hackathon=hackathon,
                  submitted_by=by)
    try:
        reuse.full_clean(exclude=["image", "submitted_by", "hackathon"])
    except ValidationError as error:
        raise ValidationError(error.message_dict) from error
    if image is not None:
        reuse.image.save(image.name or "image.png", image, save=False)
    reuse.save()
    reuse.datasets.set(datasets)
    audit_record(actor=by, action="reuse.propose", obj=reuse, changes={"title": [None, reuse.title]})
    return reuse


def _image_problem(image: UploadedFile[Any]) -> str:
    """Why ``image`` cannot illustrate a reuse ("" when it can)."""
    from PIL import Image, UnidentifiedImageError

    if image.size and image.size > settings.LOGO_MAX_BYTES:
        return _("L'image dépasse %(max)s Mo. Réduisez-la et réessayez.") % {
            "max": settings.LOGO_MAX_BYTES // (1024 * 1024)}
    try:
        with Image.open(image) as picture:
            kind = picture.format
            picture.verify()
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError):
        kind = None
    finally:
        image.seek(0)
    if kind not in {"PNG", "JPEG", "GIF", "WEBP"}:
        return _("Ce fichier n'est pas une image lisible : déposez une image PNG, JPEG, GIF ou WebP.")
    return ""


@transaction.atomic
def reuse_moderate(*, reuse: Reuse, by: User, approve: bool, is_winner: bool | None = None) -> Reuse:
    core_permissions.check_site_admin(by)
    before = reuse.status
    reuse.status = Reuse.Status.APPROVED if approve else Reuse.Status.REJECTED
    if is_winner is not None:
        reuse.is_winner = is_winner
    reuse.save(update_fields=["status", "is_winner"])
    audit_record(actor=by, action="reuse.moderate", obj=reuse, changes={"status": [before, reuse.status]})
    return reuse


@transaction.atomic
def hackathon_create(*, by: User, title: str, theme: str, starts_on: dt.date, ends_on: dt.date,
                     description: str = "", location: str = "", datasets: Sequence[Dataset] = ()) -> Hackathon:
    core_permissions.check_site_admin(by)
    if ends_on < starts_on:
        raise ValidationError({"ends_on": [_("La fin précède le début.")]})
    event = Hackathon.objects.create(slug=unique_slug(Hackathon, title, default="hackathon"), title=title,
                                     theme=theme, starts_on=starts_on, ends_on=ends_on,
                                     description=description, location=location)
    event.datasets.set(datasets)
    audit_record(actor=by, action="hackathon.create", obj=event)
    return event


@transaction.atomic
def tutorial_save(*, by: User, slug: str, title: str, track: str, summary: str, body: str,
                  position: int = 0) -> Tutorial:
    """Create or update a tutorial (site administrators edit the learning section)."""
    core_permissions.check_site_admin(by)
    tutorial, created = Tutorial.objects.update_or_create(slug=slug, defaults={
        "title": title, "track": track, "summary": summary, "body": body, "position": position,
        "updated_at": timezone.now()})
    audit_record(actor=by, action="tutorial.create" if created else "tutorial.update", obj=tutorial)
    return tutorial


def reuses_public(*, dataset: Dataset | None = None) -> QuerySet[Reuse]:
    qs = Reuse.objects.filter(status=Reuse.Status.APPROVED).prefetch_related("datasets")
    if dataset is not None:
        qs = qs.filter(datasets=dataset)
    return qs.order_by("-is_winner", "-created_at")


def reuses_pending() -> QuerySet[Reuse]:
    return Reuse.objects.filter(status=Reuse.Status.PENDING).prefetch_related("datasets")


TUTORIALS_DIR = __import__("pathlib").Path(__file__).resolve().parent / "tutorials"


class TutorialFile(TypedDict):
    """A shipped tutorial, as :func:`tutorial_save` takes it."""

    slug: str
    title: str
    track: str
    summary: str
    body: str
    position: int


def tutorial_files() -> list[TutorialFile]:
    """The tutorials shipped with Ouvert (``tutorials/*.md`` with a small front matter)."""
    result: list[TutorialFile] = []
    for position, path in enumerate(sorted(TUTORIALS_DIR.glob("*.md"))):
        text = path.read_text(encoding="utf-8")
        _, header, body = text.split("---\n", 2)
        meta = dict(line.split(": ", 1) for line in header.strip().splitlines())
        result.append({"slug": path.stem.split("-", 1)[1], "title": meta["title"], "track": meta["track"],
                       "summary": meta["summary"], "body": body.strip() + "\n", "position": position})
    return result
