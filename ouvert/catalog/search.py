"""Bilingual full-text search (French first, English second) with two interchangeable backends.

Both backends see the same text and the same parsed query, normalized in Python by :func:`terms`:
folded (lower case, no accents), stop words dropped, stemmed with Snowball (French, or English for
the optional English fields), and a plural ending Snowball keeps removed ("vélos" → "velo", like
"vélo"; "feux" → "feu"). Every dataset is indexed twice: its French text (title, keywords, body)
and its English text (``title_en``, ``keywords_en``, ``notes_en``, resources' English names, themes'
and the organization's English names).

- **SQLite**: an FTS5 table ``catalog_dataset_fts`` (``unicode61 remove_diacritics 2``) with the
  columns ``title keywords body`` (French) and ``title_en keywords_en body_en`` (English); a query
  is restricted to one language's columns with an FTS5 column filter.
- **PostgreSQL**: two ``tsvector`` columns on ``catalog_searchdocument``, ``vector`` (French) and
  ``vector_en`` (English), built with the ``simple`` configuration from the same normalized terms
  (weights A title, B keywords, D body) under GIN indexes; the query is a ``to_tsquery('simple', …)``
  built from the same terms (phrases with ``<->``, words with ``&``).

Sharing the normalization means "vélos" and "vélo" find the same datasets on both engines. A query
is read in the language of the request (:func:`query_language`); the catalogue's selector tries the
other language when the first finds nothing. Quoted phrases match adjacent words; several words must
all match. English queries drop English function words (:data:`ENGLISH_STOPWORDS`). Services call
:func:`index_dataset` inside the same transaction as the write, so a change is findable at once.
"""

from __future__ import annotations

import difflib
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import lru_cache

import snowballstemmer
from django.db import connection
from django.db.models import F, QuerySet
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

_WORD = re.compile(r"[^\W_]+", re.UNICODE)
_PHRASE = re.compile(r'"([^"]*)"')

LANGUAGES = ("fr", "en")
STOPWORDS = {"fr": FRENCH_STOPWORDS, "en": ENGLISH_STOPWORDS}


def fold(text: str) -> str:
    """Lower case without accents: "École" → "ecole"."""
    decomposed = unicodedata.normalize("NFKD", text or "")
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch)).lower()


@lru_cache(maxsize=2)
def _stemmer(language: str) -> snowballstemmer.Stemmer:
    return snowballstemmer.stemmer("english" if language == "en" else "french")


@lru_cache(maxsize=100_000)
def stem(word: str, language: str = "fr") -> str:
    """Snowball's stem of a folded word. In French, the plural ending Snowball keeps after a vowel
    ("velos", "radios", "zoos") and the "-eux" plural ("feux", "lieux") are removed too, so that
    singular and plural meet ("velos" → "velo")."""
    stemmed = _stemmer(language).stemWord(word)
    if language == "fr" and len(stemmed) > 3 and (
            (stemmed[-1] == "s" and stemmed[-2] in "aiou") or stemmed.endswith("eux")):
        stemmed = stemmed[:-1]
    return stemmed


def terms(text: str, language: str = "fr") -> list[str]:
    """Folded, stemmed words of ``text`` without the stop words of ``language``."""
    stop = STOPWORDS[language]
    return [stem(w, language) for w in _WORD.findall(fold(text)) if w not in stop]


@dataclass
class ParsedQuery:
    words: list[str] = field(default_factory=list)      # raw words (folded, unstemmed)
    phrases: list[list[str]] = field(default_factory=list)
    language: str = "fr"

    def __bool__(self) -> bool:
        return bool(self.words or self.phrases)

    def stemmed(self) -> tuple[list[list[str]], list[str]]:
        """(phrases, words) stemmed in the query's language, stop words dropped."""
        stop = STOPWORDS[self.language]
        phrases = [[stem(w, self.language) for w in p if w not in stop] for p in self.phrases]
        words = [stem(w, self.language) for w in self.words if w not in stop]
        return [p for p in phrases if p], words

    def fts5(self) -> str:
        """The query as an FTS5 expression over the stemmed text (all columns)."""
        phrases, words = self.stemmed()
        return " AND ".join(['"' + " ".join(p) + '"' for p in phrases] + ['"' + w + '"' for w in words])

    def tsquery(self) -> str:
        """The query for ``to_tsquery('simple', …)``: phrases with ``<->``, everything ANDed. Terms are
        letters and digits only (see ``_WORD``), so quoting them needs no escaping."""
        phrases, words = self.stemmed()
        parts = ["(" + " <-> ".join(f"'{w}'" for w in p) + ")" for p in phrases] + [f"'{w}'" for w in words]
        return " & ".join(parts)


def english_query(language: str | None = None) -> bool:
    """Whether a query is read as English: ``language``, else the active language (the request's)."""
    return (language or get_language() or "fr").startswith("en")


def query_language(language: str | None = None) -> str:
    """"en" or "fr": the language a query is read in (see :func:`english_query`)."""
    return "en" if english_query(language) else "fr"


def other_language(language: str) -> str:
    return "fr" if language == "en" else "en"


def parse(query: str, *, language: str | None = None) -> ParsedQuery:
    """Words and quoted phrases of ``query``, folded. In English (see :func:`english_query`) the
    English function words outside phrases are dropped as well."""
    parsed = ParsedQuery(language=query_language(language))
    query = (query or "")[:500]
    for match in _PHRASE.finditer(query):
        words = _WORD.findall(fold(match.group(1)))
        if len(words) == 1:
            parsed.words.extend(words)
        elif words:
            parsed.phrases.append(words)
    rest = _PHRASE.sub(" ", query).replace('"', " ")
    parsed.words.extend(_WORD.findall(fold(rest)))
    if parsed.language == "en":
        parsed.words = [w for w in parsed.words if w not in ENGLISH_STOPWORDS]
    # A query of stop words only ("de la") would match nothing on either backend: drop them.
    if not any(w not in FRENCH_STOPWORDS for w in parsed.words) and not parsed.phrases:
        parsed.words = []
    return parsed


def _document(dataset: Dataset) -> dict[str, str]:
    keywords = " ".join(k.name for k in dataset.keywords.all())
    themes = dataset.themes.all()
    org = dataset.organization
    resources = list(dataset.resources.all())
    # Themes and the organization in both languages in the French text: a query made in English
    # on a French page still finds a French-only dataset by its theme ("health") or its publisher.
    body = " ".join(filter(None, [dataset.notes, " ".join(f"{t.title_fr} {t.title_en}" for t in themes),
                                  org.name_fr, org.name_en, org.acronym, dataset.spatial,
                                  " ".join(r.name for r in resources)]))
    body_en = " ".join(filter(None, [dataset.notes_en, " ".join(t.title_en for t in themes), org.name_en,
                                     org.acronym, dataset.spatial,
                                     " ".join(f"{r.name_en} {r.description_en}" for r in resources)]))
    return {"title": dataset.title, "keywords": keywords, "body": body, "title_en": dataset.title_en,
            "keywords_en": " ".join(dataset.keywords_en or []), "body_en": body_en}


_COLUMNS = ("title", "keywords", "body", "title_en", "keywords_en", "body_en")


def _normalized(doc: dict[str, str]) -> list[str]:
    """The six FTS columns' text, normalized: French columns with French rules, English with English."""
    return [" ".join(terms(doc[c], "en" if c.endswith("_en") else "fr")) for c in _COLUMNS]


_PG_VECTORS = (
    "vector = setweight(to_tsvector('simple', %s), 'A') || setweight(to_tsvector('simple', %s), 'B') || "
    "setweight(to_tsvector('simple', %s), 'D'), "
    "vector_en = setweight(to_tsvector('simple', %s), 'A') || setweight(to_tsvector('simple', %s), 'B') || "
    "setweight(to_tsvector('simple', %s), 'D')"
)


def catalogue_changed() -> None:
    """Bump the catalogue's version (inside the writer's transaction): cached facet counts of the
    previous version are no longer read. (The catalogue page's own counts need no recount: the
    facet rows' writes keep them current, see ``facet_rows``.)"""
    from .models import CatalogueVersion

    if not CatalogueVersion.objects.filter(pk=1).update(number=F("number") + 1):
        CatalogueVersion.objects.get_or_create(pk=1, defaults={"number": 1})


def catalogue_version() -> int:
    from .models import CatalogueVersion

    return CatalogueVersion.objects.filter(pk=1).values_list("number", flat=True).first() or 0


_FTS_INSERT = ("INSERT INTO catalog_dataset_fts (rowid, dataset_id, title, keywords, body, title_en, keywords_en, "
               "body_en) VALUES (%s, %s, %s, %s, %s, %s, %s, %s)")


def write_index(rows: Iterable[tuple[str, dict[str, str]]], *, new: bool = False) -> None:
    """Write the engine's index for ``(dataset id hex, document)`` rows whose SearchDocument exists
    (the benchmark's bulk generator uses it too, in batches). On SQLite each FTS5 row is replaced by
    its rowid, kept in ``SearchDocument.fts_rowid``; a row written before it was kept is found by its
    ``dataset_id`` (a scan of the table, once), unless ``new`` says the documents were just created."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.executemany(f"UPDATE catalog_searchdocument SET {_PG_VECTORS} WHERE dataset_id = %s",  # noqa: S608
                               [[*_normalized(doc), key] for key, doc in rows])
            return
        pending = [(key, _normalized(doc)) for key, doc in rows]
        keys = [key for key, _values in pending]
        known: dict[str, int | None] = {}
        for start in range(0, len(keys), 500):
            chunk = keys[start:start + 500]
            cursor.execute("SELECT dataset_id, fts_rowid FROM catalog_searchdocument "  # noqa: S608
                           f"WHERE dataset_id IN ({', '.join(['%s'] * len(chunk))})", chunk)
            known.update(cursor.fetchall())
        cursor.execute("SELECT COALESCE(MAX(rowid), 0) FROM catalog_dataset_fts")
        (last,) = cursor.fetchone()
        inserts, numbered = [], []
        for key, values in pending:
            rowid = known.get(key)
            if rowid is not None:
                cursor.execute("DELETE FROM catalog_dataset_fts WHERE rowid = %s", [rowid])
            else:
                if not new:
                    cursor.execute("DELETE FROM catalog_dataset_fts WHERE dataset_id = %s", [key])
                last += 1
                rowid = last
                numbered.append((rowid, key))
            inserts.append([rowid, key, *values])
        cursor.executemany(_FTS_INSERT, inserts)
        cursor.executemany("UPDATE catalog_searchdocument SET fts_rowid = %s WHERE dataset_id = %s", numbered)


def index_dataset(dataset: Dataset) -> None:
    """(Re)index one dataset: its text and its facet rows. Call inside the service's transaction."""
    from .facet_rows import dataset_facets_write

    catalogue_changed()
    doc = _document(dataset)
    _document_row, created = SearchDocument.objects.update_or_create(dataset=dataset, defaults=doc)
    write_index([(dataset.pk.hex if connection.vendor != "postgresql" else str(dataset.pk), doc)], new=created)
    dataset_facets_write(dataset.pk)


def remove_dataset(dataset_id) -> None:
    """Take a dataset out of the index and the facet counts (in the trash, purged, or about to take
    another id). Call inside the service's transaction."""
    from .facet_rows import dataset_facets_remove

    catalogue_changed()
    if connection.vendor != "postgresql":
        rowid = SearchDocument.objects.filter(dataset_id=dataset_id).values_list("fts_rowid", flat=True).first()
        with connection.cursor() as cursor:
            if rowid is not None:
                cursor.execute("DELETE FROM catalog_dataset_fts WHERE rowid = %s", [rowid])
            else:
                cursor.execute("DELETE FROM catalog_dataset_fts WHERE dataset_id = %s", [dataset_id.hex])
    SearchDocument.objects.filter(dataset_id=dataset_id).delete()
    dataset_facets_remove(dataset_id)


# Weights: title 10, keywords 5, body 1 (SQLite bm25); A=1.0, B=0.4, D=0.1 (PostgreSQL).
_PG_QUERY = "to_tsquery('simple', %s)"
_PG_VECTOR = {"fr": "catalog_searchdocument.vector", "en": "catalog_searchdocument.vector_en"}
_FTS_COLUMNS = {"fr": "{title keywords body}", "en": "{title_en keywords_en body_en}"}
_BM25 = "bm25(catalog_dataset_fts, 0.0, 10.0, 5.0, 1.0, 10.0, 5.0, 1.0)"


def _fts5(parsed: ParsedQuery) -> str:
    expression = parsed.fts5()
    return f"{_FTS_COLUMNS[parsed.language]} : ({expression})" if expression else '""'


def apply(queryset: QuerySet[Dataset], query: str, *, language: str | None = None) -> QuerySet[Dataset]:
    """Keep the datasets matching ``query`` in ``language`` (default: the request's) and annotate
    ``search_rank`` (higher is better).

    For the top-level query only: its raw join names ``catalog_dataset``, which inside a subquery
    (``pk__in=apply(...).values("pk")``) would be the outer table, making the subquery correlated.
    To filter by text inside another query, use :func:`matching_ids`."""
    parsed = parse(query, language=language)
    if not parsed:
        return queryset
    if connection.vendor == "postgresql":
        text = parsed.tsquery()
        if not text:
            return queryset.none()
        vector = _PG_VECTOR[parsed.language]
        return queryset.extra(  # noqa: S610 — parameters are bound, never interpolated
            tables=["catalog_searchdocument"],
            where=["catalog_searchdocument.dataset_id = catalog_dataset.id", f"{vector} @@ {_PG_QUERY}"],
            params=[text],
            select={"search_rank": f"ts_rank({vector}, {_PG_QUERY}, 1)"},
            select_params=[text],
        )
    if not parsed.fts5():
        return queryset.none()
    return queryset.extra(  # noqa: S610 — parameters are bound, never interpolated
        tables=["catalog_dataset_fts"],
        where=["catalog_dataset_fts.dataset_id = catalog_dataset.id", "catalog_dataset_fts MATCH %s"],
        params=[_fts5(parsed)],
        select={"search_rank": f"-{_BM25}"},
    )


def matching_ids(query: str, *, language: str | None = None) -> RawSQL | None:
    """A subquery of the ids matching ``query`` (for ``pk__in``; usable inside other subqueries)."""
    parsed = parse(query, language=language)
    if not parsed:
        return None
    if connection.vendor == "postgresql":
        # The vector's name and _PG_QUERY are constants; the user's text is a bound parameter.
        return RawSQL(f"SELECT dataset_id FROM catalog_searchdocument "  # noqa: S608,S611
                      f"WHERE {_PG_VECTOR[parsed.language]} @@ {_PG_QUERY}", [parsed.tsquery() or "''"])
    return RawSQL("SELECT dataset_id FROM catalog_dataset_fts WHERE catalog_dataset_fts MATCH %s",
                  [_fts5(parsed)])


def raw_search(query: str, limit: int = 20, *, language: str = "fr") -> list[str]:
    """The bare full-text query (no visibility, facets or ORM), as the benchmark's baseline."""
    parsed = parse(query, language=language)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            vector = _PG_VECTOR[parsed.language]
            cursor.execute(
                f"SELECT dataset_id FROM catalog_searchdocument WHERE {vector} @@ {_PG_QUERY} "  # noqa: S608
                f"ORDER BY ts_rank({vector}, {_PG_QUERY}, 1) DESC LIMIT %s",
                [parsed.tsquery(), parsed.tsquery(), limit],
            )
        else:
            cursor.execute(
                "SELECT dataset_id FROM catalog_dataset_fts WHERE catalog_dataset_fts MATCH %s "  # noqa: S608
                f"ORDER BY {_BM25} LIMIT %s",
                [_fts5(parsed), limit],
            )
        return [str(row[0]) for row in cursor.fetchall()]


def spelling_suggestions(query: str, vocabulary: Iterable[str], *, limit: int = 3) -> list[str]:
    """Queries close to ``query`` in spelling, each word replaced by the nearest known word of
    ``vocabulary`` (titles and keywords of public datasets): "ecols" → "écoles"."""
    words = _WORD.findall((query or "")[:200])
    if not words:
        return []
    known: dict[str, str] = {}
    for text in vocabulary:
        for word in _WORD.findall(text or ""):
            if len(word) > 2:
                known.setdefault(fold(word), word.lower())
    folded = list(known)
    choices: list[list[str]] = []
    for word in words:
        key = fold(word)
        if key in known or key in FRENCH_STOPWORDS or key in ENGLISH_STOPWORDS or len(key) < 3:
            choices.append([word])
        else:
            close = difflib.get_close_matches(key, folded, n=limit, cutoff=0.75)
            choices.append([known[c] for c in close] or [word])
    suggestions: list[str] = []
    for rank in range(limit):
        candidate = " ".join(c[min(rank, len(c) - 1)] for c in choices)
        if fold(candidate) != fold(" ".join(words)) and candidate not in suggestions:
            suggestions.append(candidate)
    return suggestions
