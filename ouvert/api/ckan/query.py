"""CKAN's (Solr's) search syntax, as clients write it in ``q`` and ``fq``, turned into Django filters.

Supported: free words and ``"quoted phrases"`` (full-text, through the catalogue's search backend),
``field:value``, ``field:"phrase"``, ``field:(a OR b)``, ranges ``field:[from TO to]`` (``*`` open),
``AND``, ``OR``, ``NOT`` (also ``&&``, ``||``, ``!``, ``-term``, ``+term``), parentheses, and
``*:*``. Terms side by side are joined with AND. Unknown fields are refused with a
``Search Query Error`` rather than silently ignored."""

from __future__ import annotations

import datetime as dt
import re
import uuid
from collections.abc import Callable

from django.db.models import Q
from django.utils.dateparse import parse_date, parse_datetime

from ouvert.catalog.seeds import licence_slug

from .errors import SearchQueryError

TOKEN = re.compile(r'\s*(\(|\)|"(?:[^"\\]|\\.)*"|\[[^\]]*\]|\{[^}]*\}|&&|\|\||[^\s()"]+:(?=["(\[{])|[^\s()"]+)')
TRUE = {"true", "1", "yes"}
TextSearch = Callable[[str], Q]


def tokenize(text: str) -> list[str]:
    tokens, position = [], 0
    text = text.strip()
    while position < len(text):
        match = TOKEN.match(text, position)
        if not match or not match.group(1):
            raise SearchQueryError(f"cannot read the query near « {text[position:position + 20]} »")
        tokens.append(match.group(1))
        position = match.end()
    return tokens


def _unquote(value: str) -> str:
    if len(value) >= 2 and value[0] == value[-1] == '"':
        return re.sub(r"\\(.)", r"\1", value[1:-1])
    return value


def _when(value: str, *, end: bool) -> dt.datetime | None:
    value = value.strip()
    if value in {"*", ""}:
        return None
    value = re.sub(r"NOW(/DAY)?", dt.datetime.now(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ"), value)
    parsed = parse_datetime(value.replace("Z", "+00:00"))
    if parsed is None:
        day = parse_date(value[:10])
        if day is None:
            raise SearchQueryError(f"invalid date « {value} »")
        parsed = dt.datetime.combine(day, dt.time.max if end else dt.time.min)
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=dt.UTC)
    return parsed


def _range(field: str, value: str) -> Q:
    inner = value[1:-1]
    parts = re.split(r"\s+TO\s+", inner.strip())
    if len(parts) != 2:
        raise SearchQueryError(f"invalid range « {value} »")
    start, end = _when(parts[0], end=False), _when(parts[1], end=True)
    q = Q()
    if start is not None:
        q &= Q(**{f"{field}__gt" if value[0] == "{" else f"{field}__gte": start})
    if end is not None:
        q &= Q(**{f"{field}__lt" if value[-1] == "}" else f"{field}__lte": end})
    return q


def _uuid_or_none(value: str) -> uuid.UUID | None:
    try:
        return uuid.UUID(value)
    except ValueError:
        return None


STATES = {"active": "active", "draft": "draft", "deleted": "deleted"}


# Fields a Solr wildcard term (``name:bornes*``, ``title:Born?``) can query, with their column; a tokenized
# field (``title``) matches when one of its words does, as in Solr.
WILDCARD_COLUMNS = {"name": "name", "title": "title", "tags": "keywords__name", "groups": "themes__slug",
                    "res_format": "resources__format", "license_id": "licence__slug",
                    "organization": "organization__slug", "owner_org": "organization__slug",
                    "update_frequency": "update_frequency", "language": "language"}
TOKENIZED = {"title"}


def _wildcard(field: str, value: str) -> Q:
    """``*`` (any run of characters) and ``?`` (one character) as a case-insensitive regular expression
    that both databases run (SQLite through Django's REGEXP function, PostgreSQL's ``~*``)."""
    pattern = "".join(".*" if c == "*" else "." if c == "?" else re.escape(c) for c in value)
    start = "(^|[^0-9a-z])" if field in TOKENIZED else "^"
    end = "" if field in TOKENIZED else "$"
    return Q(**{f"{WILDCARD_COLUMNS[field]}__iregex": f"{start}{pattern}{end}"})


def field_filter(field: str, value: str, text: TextSearch) -> Q:
    """A ``field:value`` term as a filter on ``Dataset``."""
    dates = {"metadata_modified": "updated_at", "metadata_created": "created_at"}
    if field in dates:
        if value[0] in "[{":
            return _range(dates[field], value)
        moment = _when(_unquote(value), end=False)
        return Q(**{dates[field]: moment}) if moment else Q()
    raw = _unquote(value)
    if raw == "*":
        return Q()
    simple = {
        "name": lambda v: Q(name=v),
        "id": lambda v: Q(pk=_uuid_or_none(v)) if _uuid_or_none(v) else Q(pk__in=[]),
        "title": lambda v: Q(title__icontains=v),
        "tags": lambda v: Q(keywords__name__iexact=v),
        "groups": lambda v: Q(themes__slug=v),
        "res_format": lambda v: Q(resources__format__iexact=v),
        "license_id": lambda v: Q(licence__slug=licence_slug(v)[0]),
        "update_frequency": lambda v: Q(update_frequency=v),
        "frequency": lambda v: Q(update_frequency=v),
        "organization_kind": lambda v: Q(organization__kind=v),
        "kind": lambda v: Q(organization__kind=v),
        "is_reference": lambda v: Q(is_reference=v.lower() in TRUE),
        "private": lambda v: Q(private=v.lower() in TRUE),
        "capacity": lambda v: Q(private=v.lower() == "private"),
        "state": lambda v: Q(state=STATES.get(v, v)),
        "language": lambda v: Q(language__icontains=v),
        "type": lambda v: Q() if v == "dataset" else Q(pk__in=[]),
        "dataset_type": lambda v: Q() if v == "dataset" else Q(pk__in=[]),
        "text": text, "notes": text, "res_name": text,
    }
    if ("*" in raw or "?" in raw) and field in WILDCARD_COLUMNS:
        return _wildcard(field, raw)
    if field in {"organization", "owner_org"}:
        org_id = _uuid_or_none(raw)
        return Q(organization_id=org_id) if org_id else Q(organization__slug=raw)
    if field not in simple:
        raise SearchQueryError(f"unknown field « {field} »")
    return simple[field](raw)


class _Parser:
    def __init__(self, tokens: list[str], text: TextSearch) -> None:
        self.tokens, self.position, self.text = tokens, 0, text

    def peek(self) -> str | None:
        return self.tokens[self.position] if self.position < len(self.tokens) else None

    def take(self) -> str:
        term = self.tokens[self.position]
        self.position += 1
        return term

    def parse(self) -> Q:
        if not self.tokens:
            return Q()
        q = self.or_expr(None)
        if self.peek() is not None:
            raise SearchQueryError(f"unexpected « {self.peek()} »")
        return q

    def or_expr(self, field: str | None) -> Q:
        q = self.and_expr(field)
        while self.peek() in {"OR", "||"}:
            self.take()
            q = q | self.and_expr(field)
        return q

    def and_expr(self, field: str | None) -> Q:
        q = self.not_expr(field)
        while self.peek() not in {None, ")", "OR", "||"}:
            if self.peek() in {"AND", "&&"}:
                self.take()
            q = q & self.not_expr(field)
        return q

    def not_expr(self, field: str | None) -> Q:
        term = self.peek()
        if term in {"NOT", "!"}:
            self.take()
            return ~self.not_expr(field)
        if term and term.startswith("-") and len(term) > 1:
            self.tokens[self.position] = term[1:]
            return ~self.atom(field)
        if term and term.startswith("+") and len(term) > 1:
            self.tokens[self.position] = term[1:]
        return self.atom(field)

    def atom(self, field: str | None) -> Q:
        term = self.peek()
        if term is None:
            raise SearchQueryError("the query ends too early")
        self.take()
        if term == "(":
            q = self.or_expr(field)
            if self.peek() != ")":
                raise SearchQueryError("a parenthesis is not closed")
            self.take()
            return q
        if term == ")":
            raise SearchQueryError("unexpected « ) »")
        if term == "*:*":
            return Q()
        if term.endswith(":") and not term.startswith('"'):  # field:"…", field:(…), field:[…]
            name = term[:-1]
            following = self.peek()
            if following == "(":
                self.take()
                q = self.or_expr(name)
                if self.peek() != ")":
                    raise SearchQueryError("a parenthesis is not closed")
                self.take()
                return q
            if following is None:
                raise SearchQueryError(f"no value for « {name} »")
            return field_filter(name, self.take(), self.text)
        match = re.match(r'^([A-Za-z_][\w.]*):(.+)$', term)
        if match and not term.startswith('"'):
            return field_filter(match.group(1), match.group(2), self.text)
        if field is not None:
            return field_filter(field, term, self.text)
        return self.text(term)


def to_q(query: str, text: TextSearch) -> Q:
    return _Parser(tokenize(query), text).parse()


def is_plain_text(query: str) -> bool:
    """True when ``query`` is only words and phrases (no field, operator or parenthesis): it can then be
    handed whole to the full-text backend, which ranks by relevance."""
    for term in tokenize(query):
        if term in {"(", ")", "AND", "OR", "NOT", "&&", "||", "!", "*:*"} or term.startswith(("-", "+")):
            return False
        if not term.startswith('"') and ":" in term:
            return False
    return True
