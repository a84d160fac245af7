"""One way to give a new object a readable identifier nobody else has: ``unique_slug``."""

from __future__ import annotations

from typing import Any

from django.db.models import Model
from django.utils.text import slugify


def unique_slug(model: type[Model], base: str, *, field: str = "slug", exclude_pk: Any = None,
                max_length: int = 100, default: str = "") -> str:
    """``slugify(base)`` cut to ``max_length`` (``default`` when nothing is left), then ``-2``,
    ``-3``… appended until no other row of ``model`` (other than ``exclude_pk``) has it in ``field``.
    The base is shortened as needed so that a suffixed slug still fits the column."""
    column = getattr(model._meta.get_field(field), "max_length", None) or max_length
    slug = slugify(base)[:max_length] or default
    candidate, n = slug, 2
    others = model._default_manager.exclude(pk=exclude_pk) if exclude_pk is not None else model._default_manager.all()
    while others.filter(**{field: candidate}).exists():
        suffix = f"-{n}"
        candidate, n = f"{slug[:column - len(suffix)]}{suffix}", n + 1
    return candidate
