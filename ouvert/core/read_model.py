"""Typed, frozen views of core objects for read models and wire formats (see
``ouvert/catalog/read_model.py``)."""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass

from django.utils.translation import get_language

from .models import Organization


@dataclass(frozen=True)
class OrganizationView:
    id: uuid.UUID
    slug: str
    kind: str
    name_fr: str
    name_en: str
    description_fr: str
    description_en: str
    acronym: str
    website: str
    logo_url: str  # "" without a logo; relative to the site
    created_at: dt.datetime
    updated_at: dt.datetime

    @property
    def name(self) -> str:
        """The name in the active language (French when there is no English name)."""
        return self.name_en if (get_language() or "fr").startswith("en") and self.name_en else self.name_fr



def organization_view(org: Organization) -> OrganizationView:
    return OrganizationView(
        id=org.id, slug=org.slug, kind=org.kind, name_fr=org.name_fr, name_en=org.name_en,
        description_fr=org.description_fr, description_en=org.description_en, acronym=org.acronym,
        website=org.website, logo_url=org.logo.url if org.logo else "", created_at=org.created_at,
        updated_at=org.updated_at)
