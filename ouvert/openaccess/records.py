"""The read model of publications for harvesting protocols (OAI-PMH is built from it in
``ouvert/api/oai/``): typed, frozen records, keyset-paged on (datestamp, id), a constant number
of queries per page whatever its depth.

Only what the access model lets an anonymous reader see: a live publication's metadata, and the
address of its file only once the file's standing is public (never before the embargo date).
A deleted publication is a tombstone: its identifier, datestamp and sets, nothing else.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from django.db.models import Exists, OuterRef, Q, QuerySet

from ouvert.core import access

from .models import Funder, MatchState, Programme, Publication, PublicationGrant


@dataclass(frozen=True)
class RecordGrant:
    number: str
    funder_code: str
    funder_name: str
    funder_ror: str
    programme_code: str


@dataclass(frozen=True)
class Record:
    pk: int
    datestamp: dt.datetime
    deleted: bool
    sets: tuple[str, ...]
    title: str = ""
    authors: tuple[tuple[str, str], ...] = ()  # (name, ORCID iD or "")
    journal: str = ""
    issn: str = ""
    doi: str = ""
    published_on: dt.date | None = None
    licence: str = ""
    version: str = ""
    route: str = ""
    repository_url: str = ""
    file_path: str = ""  # the storage name, only when anyone may read the file now
    embargo_until: dt.date | None = None
    grants: tuple[RecordGrant, ...] = ()


@dataclass(frozen=True)
class RecordSet:
    spec: str
    name: str


OPENAIRE_SET = "openaire"


def _funder_spec(code: str) -> str:
    return f"fonds:{code.lower()}"


def record_sets() -> list[RecordSet]:
    sets = [RecordSet(OPENAIRE_SET, "OpenAIRE")]
    for funder in Funder.objects.select_related("organization"):
        sets.append(RecordSet(_funder_spec(funder.code), funder.organization.name_fr))
    for programme in Programme.objects.select_related("funder"):
        sets.append(RecordSet(f"{_funder_spec(programme.funder.code)}:{programme.code}", programme.name_fr))
    return sets


def _in_set(spec: str) -> Q | None:
    """The filter of a set spec (None: no such set)."""
    confirmed = PublicationGrant.objects.filter(publication=OuterRef("pk"), state=MatchState.CONFIRMED)
    if spec == OPENAIRE_SET:
        return Q(Exists(confirmed))
    parts = spec.split(":")
    if len(parts) in (2, 3) and parts[0] == "fonds":
        code = parts[1].upper()
        if not Funder.objects.filter(code=code).exists():
            return None
        confirmed = confirmed.filter(grant__funder__code=code)
        if len(parts) == 3:
            if not Programme.objects.filter(funder__code=code, code=parts[2]).exists():
                return None
            confirmed = confirmed.filter(grant__competition__programme__code=parts[2])
        return Q(Exists(confirmed))
    return None


def set_exists(spec: str) -> bool:
    return _in_set(spec) is not None


def _harvestable() -> QuerySet[Publication]:
    """Every publication ever declared: each is a record, whose content the access model decides
    (:func:`_records`: what an anonymous reader may not read is a tombstone). No join here, so a
    page is one range scan of the (datestamp, id) index."""
    return Publication.objects.all()


def _filtered(*, since: dt.datetime | None, until: dt.datetime | None, spec: str | None) -> QuerySet[Publication]:
    qs = _harvestable()
    if since is not None:
        qs = qs.filter(updated_at__gte=since)
    if until is not None:
        qs = qs.filter(updated_at__lte=until)
    if spec:
        condition = _in_set(spec)
        qs = qs.filter(condition) if condition is not None else qs.none()
    return qs


def records_count(*, since: dt.datetime | None = None, until: dt.datetime | None = None,
                  spec: str | None = None) -> int:
    return _filtered(since=since, until=until, spec=spec).count()


def records_page(*, since: dt.datetime | None = None, until: dt.datetime | None = None, spec: str | None = None,
                 after: tuple[dt.datetime, int] | None = None, limit: int = 100, metadata: bool = True) -> list[Record]:
    """Up to ``limit`` records in (datestamp, id) order, strictly after the key ``after``."""
    qs = _filtered(since=since, until=until, spec=spec)
    if after is not None:
        stamp, pk = after
        # (datestamp, id) > (stamp, pk), written so the index range scan starts at stamp
        qs = qs.filter(updated_at__gte=stamp).exclude(updated_at=stamp, pk__lte=pk)
    return _records(list(qs.order_by("updated_at", "pk")[:limit]), metadata=metadata)


def record_get(pk: int) -> Record | None:
    found = _harvestable().filter(pk=pk).first()  # a deleted one answers as a tombstone
    return _records([found])[0] if found is not None else None


def earliest_datestamp() -> dt.datetime | None:
    first = _harvestable().order_by("updated_at").values_list("updated_at", flat=True).first()
    return first


def _records(publications: Sequence[Publication], *, metadata: bool = True) -> list[Record]:
    if not publications:
        return []
    links: dict[int, list[PublicationGrant]] = {}
    for link in (PublicationGrant.objects.filter(publication__in=publications, state=MatchState.CONFIRMED)
                 .select_related("grant__funder__organization", "grant__competition__programme")):
        links.setdefault(link.publication_id, []).append(link)
    authors: dict[int, list[tuple[str, str]]] = {}
    if metadata:
        from .models import Author

        for author in Author.objects.filter(publication__in=publications).order_by("position", "pk"):
            authors.setdefault(author.publication_id, []).append((author.full_name, author.orcid))
    readable = access.readable_among(None, "publication", [p.pk for p in publications])
    out = []
    for pub in publications:
        grants = tuple(RecordGrant(
            number=link.grant.number, funder_code=link.grant.funder.code,
            funder_name=link.grant.funder.organization.name_fr, funder_ror=link.grant.funder.ror,
            programme_code=link.grant.competition.programme.code if link.grant.competition else "")
            for link in links.get(pub.pk, []))
        sets: list[str] = [OPENAIRE_SET] if grants else []
        for grant in grants:
            for spec in (_funder_spec(grant.funder_code),
                         f"{_funder_spec(grant.funder_code)}:{grant.programme_code}" if grant.programme_code else ""):
                if spec and spec not in sets:
                    sets.append(spec)
        if pub.pk not in readable:  # deleted (or otherwise not public): a tombstone
            out.append(Record(pk=pub.pk, datestamp=pub.updated_at, deleted=True, sets=tuple(sets)))
            continue
        file_path = ""
        if metadata and pub.file and access.may_read_standing(None, access.file_standing(pub.file.name or "")):
            file_path = pub.file.name or ""
        out.append(Record(
            pk=pub.pk, datestamp=pub.updated_at, deleted=False, sets=tuple(sets), title=pub.title,
            authors=tuple(authors.get(pub.pk, [])), journal=pub.journal, issn=pub.issn, doi=pub.doi or "",
            published_on=pub.published_on, licence=pub.licence, version=pub.version, route=pub.route,
            repository_url=pub.repository_url, file_path=file_path, embargo_until=pub.embargo_until,
            grants=grants))
    return out
