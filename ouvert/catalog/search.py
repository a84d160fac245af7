"""French full-text search with two interchangeable backends.

Both backends see the same text and the same parsed query:

- **SQLite**: an FTS5 table ``catalog_dataset_fts`` (``unicode61 remove_diacritics 2``) holding a
  copy of the text that Python has accent-folded and stemmed with Snowball's French stemmer; the
  query goes through the same folding and stemming, so "ecoles" meets "École".
- **PostgreSQL**: a ``tsvector`` column on ``catalog_searchdocument`` built with
  ``to_tsvector('french', unaccent(...))`` (weights A title, B keywords, D body) under a GIN index;
  queries use ``websearch_to_tsquery('french', unaccent(...))``.

Quoted phrases match adjacent words; several words must all match. Queries made in English also
drop English function words (:data:`ENGLISH_STOPWORDS`); the indexed text carries the themes' and the
organization's names in both languages. Services call
:func:`index_dataset` inside the same transaction as the write, so a change is findable at once.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from functools import lru_cache

import snowballstemmer
from django.db import connection
from django.db.models import QuerySet
from django.db.models.expressions import RawSQL
from django.utils.translation import get_language

from .models import Dataset, SearchDocument

FRENCH_STOPWORDS = frozenset([
    "a", "au", "aux", "avec", "ce", "ces", "dans", "de", "des", "du", "elle", "en", "et", "eux", "il", "je",
    "la", "le", "les", "leur", "lui", "ma", "mais", "me", "meme", "mes", "moi", "mon", "ne", "nos", "notre",
    "nous", "on", "ou", "par", "pas", "pour", "qu", "que", "qui", "sa", "se", "ses", "son", "sur", "ta", "te",
    "tes", "toi", "ton", "tu", "un", "une", "vos", "votre", "vous", "c", "d", "j", "l", "m", "n", "s", "t",
    "y", "est", "sont", "ete", "etre", "avoir",
])

# English function words dropped from queries made in English (pages under /en/, API requests asking
# for English): the text searched is mostly French, so "schools in Laval" must not require "in".
# Not applied to French queries, where a few would be words once accents are folded ("thé" → "the").
ENGLISH_STOPWORDS = frozenset([
    "about", "an", "and", "are", "as", "at", "be", "by", "for", "from", "in", "into", "is", "it", "its", "of", "or",
    "per", "than", "that", "the", "these", "this", "those", "to", "was", "were", "with",
])

_WORD = re.compile(r"\w+", re.UNICODE)
_PHRASE = re.compile(r'"([^"]*)"')


def fold(text: str) -> str:
    """Lower case without accents: "École" → "ecole"."""
    decomposed = unicodedata.normalize("NFKD", text or "")
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch)).lower()


@lru_cache(maxsize=1)
def _stemmer():
    return snowballstemmer.stemmer("french")


@lru_cache(maxsize=50_000)
def stem(word: str) -> str:
    return _stemmer().stemWord(word)


def terms(text: str) -> list[str]:
    """Folded, stemmed words of ``text`` without French stop words."""
    return [stem(w) for w in _WORD.findall(fold(text)) if w not in FRENCH_STOPWORDS]


@dataclass
class ParsedQuery:
    words: list[str] = field(default_factory=list)      # raw words (unstemmed)
    phrases: list[list[str]] = field(default_factory=list)

    def __bool__(self) -> bool:
        return bool(self.words or self.phrases)

    def websearch(self) -> str:
        """The query rebuilt for ``websearch_to_tsquery`` (phrases quoted, words ANDed)."""
        parts = ['"' + " ".join(p) + '"' for p in self.phrases] + self.words
        return " ".join(parts)

    def fts5(self) -> str:
        """The query as an FTS5 expression over the stemmed text."""
        parts = []
        for phrase in self.phrases:
            stems = [stem(w) for w in phrase if w not in FRENCH_STOPWORDS]
            if stems:
                parts.append('"' + " ".join(stems) + '"')
        for word in self.words:
            if word not in FRENCH_STOPWORDS:
                parts.append('"' + stem(word) + '"')
        return " AND ".join(parts)


def english_query(language: str | None = None) -> bool:
    """Whether a query is read as English: ``language``, else the active language (the request's)."""
    return (language or get_language() or "fr").startswith("en")


def parse(query: str, *, language: str | None = None) -> ParsedQuery:
    """Words and quoted phrases of ``query``, folded. In English (see :func:`english_query`) the
    English function words outside phrases are dropped as well."""
    parsed = ParsedQuery()
    query = (query or "")[:500]
    for match in _PHRASE.finditer(query):
        words = _WORD.findall(fold(match.group(1)))
        if len(words) == 1:
            parsed.words.extend(words)
        elif words:
            parsed.phrases.append(words)
    rest = _PHRASE.sub(" ", query).replace('"', " ")
    parsed.words.extend(_WORD.findall(fold(rest)))
    if english_query(language):
        parsed.words = [w for w in parsed.words if w not in ENGLISH_STOPWORDS]
    # A query of stop words only ("de la") would match nothing on either backend: drop them.
    if not any(w not in FRENCH_STOPWORDS for w in parsed.words) and not parsed.phrases:
        parsed.words = []
    return parsed


def _document(dataset: Dataset) -> tuple[str, str, str]:
    keywords = " ".join(k.name for k in dataset.keywords.all())
    themes = " ".join(f"{t.title_fr} {t.title_en}" for t in dataset.themes.all())
    org = dataset.organization
    # Themes and the organization in both languages: an English query finds a French-only dataset
    # by its theme ("health") or its publisher ("City of Laval").
    body = " ".join(filter(None, [dataset.notes, themes, org.name_fr, org.name_en, org.acronym, dataset.spatial,
                                  " ".join(r.name for r in dataset.resources.all())]))
    return dataset.title, keywords, body


def index_dataset(dataset: Dataset) -> None:
    """(Re)index one dataset. Call inside the service's transaction."""
    title, keywords, body = _document(dataset)
    SearchDocument.objects.update_or_create(dataset=dataset, defaults={"title": title, "keywords": keywords,
                                                                        "body": body})
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "UPDATE catalog_searchdocument SET vector = "
                "setweight(to_tsvector('french', unaccent(title)), 'A') || "
                "setweight(to_tsvector('french', unaccent(keywords)), 'B') || "
                "setweight(to_tsvector('french', unaccent(body)), 'D') WHERE dataset_id = %s",
                [dataset.pk],
            )
        else:
            key = dataset.pk.hex
            cursor.execute("DELETE FROM catalog_dataset_fts WHERE dataset_id = %s", [key])
            cursor.execute(
                "INSERT INTO catalog_dataset_fts (dataset_id, title, keywords, body) VALUES (%s, %s, %s, %s)",
                [key, " ".join(terms(title)), " ".join(terms(keywords)), " ".join(terms(body))],
            )


def remove_dataset(dataset_id) -> None:
    SearchDocument.objects.filter(dataset_id=dataset_id).delete()
    if connection.vendor != "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("DELETE FROM catalog_dataset_fts WHERE dataset_id = %s", [dataset_id.hex])


# Weights: title 10, keywords 5, body 1 (SQLite bm25); A=1.0, B=0.4, D=0.1 (PostgreSQL).
_PG_QUERY = "websearch_to_tsquery('french', unaccent(%s))"


def apply(queryset: QuerySet[Dataset], query: str) -> QuerySet[Dataset]:
    """Keep the datasets matching ``query`` and annotate ``search_rank`` (higher is better).

    For the top-level query only: its raw join names ``catalog_dataset``, which inside a subquery
    (``pk__in=apply(...).values("pk")``) would be the outer table, making the subquery correlated.
    To filter by text inside another query, use :func:`matching_ids`."""
    parsed = parse(query)
    if not parsed:
        return queryset
    if connection.vendor == "postgresql":
        text = parsed.websearch()
        return queryset.extra(  # noqa: S610 — parameters are bound, never interpolated
            tables=["catalog_searchdocument"],
            where=["catalog_searchdocument.dataset_id = catalog_dataset.id",
                   f"catalog_searchdocument.vector @@ {_PG_QUERY}"],
            params=[text],
            select={"search_rank": f"ts_rank(catalog_searchdocument.vector, {_PG_QUERY}, 1)"},
            select_params=[text],
        )
    expression = parsed.fts5()
    if not expression:
        return queryset.none()
    return queryset.extra(  # noqa: S610 — parameters are bound, never interpolated
        tables=["catalog_dataset_fts"],
        where=["catalog_dataset_fts.dataset_id = catalog_dataset.id", "catalog_dataset_fts MATCH %s"],
        params=[expression],
        select={"search_rank": "-bm25(catalog_dataset_fts, 0.0, 10.0, 5.0, 1.0)"},
    )


def matching_ids(query: str) -> RawSQL | None:
    """A subquery of the ids matching ``query`` (for ``pk__in``; usable inside other subqueries)."""
    parsed = parse(query)
    if not parsed:
        return None
    if connection.vendor == "postgresql":
        # _PG_QUERY is a constant; the user's text is a bound parameter.
        return RawSQL(f"SELECT dataset_id FROM catalog_searchdocument WHERE vector @@ {_PG_QUERY}",  # noqa: S608,S611
                      [parsed.websearch()])
    return RawSQL("SELECT dataset_id FROM catalog_dataset_fts WHERE catalog_dataset_fts MATCH %s",
                  [parsed.fts5() or '""'])


def raw_search(query: str, limit: int = 20) -> list[str]:
    """The bare full-text query (no visibility, facets or ORM), as the benchmark's baseline."""
    parsed = parse(query)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                f"SELECT dataset_id FROM catalog_searchdocument WHERE vector @@ {_PG_QUERY} "  # noqa: S608
                f"ORDER BY ts_rank(vector, {_PG_QUERY}, 1) DESC LIMIT %s",
                [parsed.websearch(), parsed.websearch(), limit],
            )
        else:
            cursor.execute(
                "SELECT dataset_id FROM catalog_dataset_fts WHERE catalog_dataset_fts MATCH %s "
                "ORDER BY bm25(catalog_dataset_fts, 0.0, 10.0, 5.0, 1.0) LIMIT %s",
                [parsed.fts5(), limit],
            )
        return [str(row[0]) for row in cursor.fetchall()]
