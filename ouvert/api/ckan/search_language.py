"""package_search's ``q`` in one language, else the other: the catalogue page's fallback for the
CKAN API. A query is read in ``search_language`` (``fr`` or ``en``; default: the request's
language); when it finds nothing there and finds something in the other language, the other
language's results are returned, and the response says which language was used
(``search_language``) and that it was a fallback (``search_language_fallback``)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import QuerySet
from django.utils.translation import gettext as _

from ouvert.catalog import search as catalog_search
from ouvert.catalog.models import Dataset

from . import errors
from .params import as_str

LANGUAGES = ("fr", "en")


@dataclass(frozen=True)
class TextSearch:
    ranked: QuerySet[Dataset]  # the matches, annotated with ``search_rank`` when ``q`` has words
    matching: QuerySet[Dataset]  # the same without ranking (facets are counted over it)
    language: str  # the language ``q`` was read in
    fallback: bool  # True when nothing matched in the language asked for


def requested_language(data: dict[str, Any]) -> str:
    """``search_language`` (fr or en), else the request's language."""
    wanted = as_str(data, "search_language").strip().lower()
    if wanted and wanted not in LANGUAGES:
        raise errors.ValidationError({"search_language": [_("Langue attendue : fr ou en.")]})
    return catalog_search.query_language(wanted or None)


def _matches(queryset: QuerySet[Dataset], q: str, language: str) -> QuerySet[Dataset]:
    ids = catalog_search.matching_ids(q, language=language)
    return queryset if ids is None else queryset.filter(pk__in=ids)


def text_search(matching: QuerySet[Dataset], q: str, *, language: str) -> TextSearch:
    """The datasets of ``matching`` that match the plain text ``q`` in ``language``, else in the other."""
    found = _matches(matching, q, language)
    if catalog_search.parse(q, language=language) and not found.exists():
        other = catalog_search.other_language(language)
        alternative = _matches(matching, q, other)
        if catalog_search.parse(q, language=other) and alternative.exists():
            return TextSearch(ranked=catalog_search.apply(matching, q, language=other), matching=alternative,
                              language=other, fallback=True)
    return TextSearch(ranked=catalog_search.apply(matching, q, language=language), matching=found,
                      language=language, fallback=False)
