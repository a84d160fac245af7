"""Native API for datasets, resources and dataset requests (``/api/v1/``)."""

from __future__ import annotations

import datetime as dt
import uuid

from django.http import Http404, HttpRequest
from django.shortcuts import get_object_or_404
from ninja import Field, File, Form, Query, Router, Schema, Status
from ninja.files import UploadedFile

from ouvert.core.api_auth import token_auth
from ouvert.core.bounds import int_param
from ouvert.core.cursors import cursor_decode, cursor_encode
from ouvert.core.guidelines import render_finding, render_text
from ouvert.core.metrics import observe_search
from ouvert.core.models import Organization
from ouvert.core.replica import replica_reads
from ouvert.core.typing import TokenHttpRequest, signed_in_user

from . import learning, permissions, selectors, services
from .models import DatasetRequest, Licence, RequestStatus, Resource, Reuse, Theme, UpdateFrequency
from .serializers import dataset_detail_json, datasets_json, request_json, resources_json, reuse_json

router = Router(tags=["datasets"])


class DictionaryColumn(Schema):
    name: str
    type: str = ""
    description: str = ""
    unit: str = ""


class ResourceOut(Schema):
    id: str
    dataset: str
    position: int
    name: str
    description: str
    format: str
    kind: str = Field(description="`upload` (fichier déposé) ou `link` (lien).")
    url: str | None
    download_url: str
    size: int | None
    sha256: str | None
    encoding: str | None
    last_modified: dt.datetime
    data_dictionary: list[DictionaryColumn]
    download_count: int


class DatasetOut(Schema):
    id: str
    name: str
    title: str
    notes: str
    url: str
    organization: str
    licence: str
    licence_is_open: bool
    update_frequency: UpdateFrequency
    state: str
    private: bool
    is_reference: bool
    quality_score: int | None = Field(description="Score de qualité de 0 à 100 (null : pas encore vérifié).")
    openness_stars: int = Field(ge=0, le=5, description="Étoiles d'ouverture (échelle de Tim Berners-Lee).")
    conforms: bool = Field(description="Respecte toutes les règles F1–F12 et M1–M6.")
    updated_at: dt.datetime
    first_published_at: dt.datetime | None


class DatasetDetailOut(DatasetOut):
    keywords: list[str]
    themes: list[str]
    contact_name: str
    contact_email: str
    spatial: str
    temporal_start: dt.date | None
    temporal_end: dt.date | None
    source_url: str
    language: str
    version_notes: str
    title_en: str = Field("", description="Titre en anglais (facultatif).")
    notes_en: str = Field("", description="Description en anglais (facultatif).")
    keywords_en: list[str] = Field([], description="Mots-clés en anglais (facultatifs).")
    resources: list[ResourceOut]


class FacetOut(Schema):
    value: str
    label: str
    count: int


class DatasetPage(Schema):
    count: int
    next_cursor: str | None = Field(None, description="Passez-le en `cursor` pour la page suivante.")
    results: list[DatasetOut]
    facets: dict[str, list[FacetOut]] | None = None


class DatasetFilters(Schema):
    q: str | None = Field(None, description="Recherche plein texte dans la langue de la requête (Accept-Language), "
                                            "puis dans l'autre langue si rien ne correspond (accents, pluriels et "
                                            "terminaisons ignorés, \"expression exacte\" entre guillemets).")
    organization: list[str] = Field([], description="Identifiant (slug) d'organisation; répétable.")
    kind: list[str] = Field([], description="Type d'organisation : ministry, public_body, municipality, civil_society.")
    keyword: list[str] = []
    theme: list[str] = []
    format: list[str] = []
    licence: list[str] = []
    frequency: list[str] = []
    reference: bool = False
    sort: str | None = Field(None, description="relevance, newest, modified, title ou popular.")
    facets: bool = Field(False, description="Inclure le décompte par facette.")
    cursor: str | None = None
    limit: int = Field(20, ge=1, le=100)


class DatasetIn(Schema):
    organization: str
    title: str
    name: str = ""
    notes: str = ""
    keywords: list[str] = []
    themes: list[str] = []
    licence: str | None = None
    contact_name: str = ""
    contact_email: str = ""
    update_frequency: UpdateFrequency = UpdateFrequency.IRREGULAR
    spatial: str = ""
    temporal_start: dt.date | None = None
    temporal_end: dt.date | None = None
    source_url: str = ""
    language: str = "fr"
    version_notes: str = ""
    private: bool = False
    title_en: str = Field("", description="Titre en anglais (facultatif), trouvé par les recherches en anglais.")
    notes_en: str = ""
    keywords_en: list[str] = []


class DatasetPatch(Schema):
    title: str | None = None
    name: str | None = None
    notes: str | None = None
    keywords: list[str] | None = None
    themes: list[str] | None = None
    licence: str | None = None
    contact_name: str | None = None
    contact_email: str | None = None
    update_frequency: UpdateFrequency | None = None
    spatial: str | None = None
    temporal_start: dt.date | None = None
    temporal_end: dt.date | None = None
    source_url: str | None = None
    language: str | None = None
    version_notes: str | None = None
    private: bool | None = None
    title_en: str | None = None
    notes_en: str | None = None
    keywords_en: list[str] | None = None


class ResourceLinkIn(Schema):
    url: str
    name: str = ""
    description: str = ""
    format: str = ""
    data_dictionary: list[DictionaryColumn] = []


class ResourcePage(Schema):
    count: int
    next_cursor: str | None = None
    results: list[ResourceOut]


class RequestOut(Schema):
    id: int
    title: str
    description: str
    organization: str
    theme: str | None
    status: RequestStatus
    votes: int
    answer: str
    target_date: dt.date | None
    decline_reason: str | None
    dataset: str | None
    created_at: dt.datetime


class RequestPage(Schema):
    count: int
    next_cursor: str | None = None
    results: list[RequestOut]


class RequestIn(Schema):
    title: str
    description: str
    organization: str
    theme: str | None = None


class RequestFilters(Schema):
    theme: str | None = None
    organization: str | None = None
    status: RequestStatus | None = None
    cursor: str | None = None
    limit: int = Field(20, ge=1, le=100)


def _encode(offset: int) -> str:
    return cursor_encode(f"o:{offset}")


def _decode(cursor: str | None) -> int:
    if not cursor:
        return 0
    try:
        return int_param(cursor_decode(cursor).removeprefix("o:"), name="cursor", minimum=0)
    except ValueError:
        return 0  # not one of ours: the first page


def _page(qs, cursor: str | None, limit: int) -> tuple[list, str | None]:
    offset = _decode(cursor)
    rows = qs.rows(offset=offset, limit=limit + 1) if isinstance(qs, selectors.SearchResult) else list(
        qs[offset: offset + limit + 1])
    more = len(rows) > limit
    return rows[:limit], (_encode(offset + limit) if more else None)


def _themes(slugs: list[str]) -> list[Theme]:
    themes = list(Theme.objects.filter(slug__in=slugs))
    missing = set(slugs) - {t.slug for t in themes}
    if missing:
        from django.core.exceptions import ValidationError

        raise ValidationError({"themes": [f"Thème inconnu : {', '.join(sorted(missing))}"]})
    return themes


def _licence(slug: str | None) -> Licence | None:
    if not slug:
        return None
    licence = Licence.objects.filter(slug=slug).first()
    if licence is None:
        from django.core.exceptions import ValidationError

        raise ValidationError({"licence": [f"Licence inconnue : {slug}"]})
    return licence


def _visible_dataset(request: HttpRequest, name: str):
    dataset = selectors.dataset_get(name=name, user=signed_in_user(request))
    if dataset is None or not permissions.can_view_dataset(signed_in_user(request), dataset):
        raise Http404("Jeu de données introuvable.")
    return dataset


def _detail(request: HttpRequest, dataset) -> dict:
    return dataset_detail_json(dataset, request)


@router.get("/datasets", response=DatasetPage, summary="Chercher dans les jeux de données publiés")
def dataset_list(request: HttpRequest, filters: Query[DatasetFilters]):
    params = selectors.SearchParams(
        q=(filters.q or "")[:200], organization=filters.organization, kind=filters.kind, keyword=filters.keyword,
        theme=filters.theme, format=[f.upper() for f in filters.format], licence=filters.licence,
        frequency=filters.frequency, reference=filters.reference,
        sort=filters.sort if filters.sort in selectors.SORTS else "")
    with observe_search("catalog_api"), replica_reads():  # replica if any; match, facets, rows
        result = selectors.search_datasets(params=params, facets=filters.facets)
        rows, next_cursor = _page(result, filters.cursor, filters.limit)
    facets = None
    if filters.facets:
        facets = {name: [{"value": i.value, "label": i.label, "count": i.count} for i in items]
                  for name, items in result.facets.items()}
    return {"count": result.count(), "next_cursor": next_cursor,
            "results": datasets_json(rows, request), "facets": facets}


@router.get("/datasets/{name}", response=DatasetDetailOut, summary="Un jeu de données et ses ressources")
def dataset_show(request: HttpRequest, name: str):
    return _detail(request, _visible_dataset(request, name))


@router.post("/datasets", response={201: DatasetDetailOut}, auth=token_auth,
             summary="Créer un jeu de données (brouillon)")
def dataset_create(request: TokenHttpRequest, payload: DatasetIn):
    data = payload.dict()
    organization = get_object_or_404(Organization, slug=data.pop("organization"))
    themes = _themes(data.pop("themes"))
    licence = _licence(data.pop("licence"))
    keywords = data.pop("keywords")
    dataset = services.dataset_create(by=request.auth, organization=organization, keywords=keywords,
                                      themes=themes, licence=licence, **data)
    return Status(201, _detail(request, dataset))


@router.patch("/datasets/{name}", response=DatasetDetailOut, auth=token_auth, summary="Modifier un jeu de données")
def dataset_update(request: TokenHttpRequest, name: str, payload: DatasetPatch):
    dataset = _visible_dataset(request, name)
    data = payload.dict(exclude_unset=True)
    themes = _themes(data.pop("themes")) if data.get("themes") is not None else None
    data.pop("themes", None)
    licence = _licence(data.pop("licence", None))
    keywords = data.pop("keywords", None)
    dataset = services.dataset_update(dataset=dataset, by=request.auth, keywords=keywords, themes=themes,
                                      licence=licence, **data)
    return _detail(request, dataset)


@router.post("/datasets/{name}/publish", response=DatasetDetailOut, auth=token_auth, summary="Publier")
def dataset_publish(request: TokenHttpRequest, name: str):
    dataset = services.dataset_publish(dataset=_visible_dataset(request, name), by=request.auth)
    return _detail(request, dataset)


@router.delete("/datasets/{name}", response={204: None}, auth=token_auth, summary="Mettre à la corbeille")
def dataset_delete(request: TokenHttpRequest, name: str):
    services.dataset_delete(dataset=_visible_dataset(request, name), by=request.auth)
    return Status(204, None)


@router.get("/resources", response=ResourcePage, tags=["resources"], summary="Ressources des jeux publiés")
def resource_list(request: HttpRequest, dataset: str | None = None, format: str | None = None,  # noqa: A002
                  cursor: str | None = None, limit: int = Query(50, ge=1, le=200)):
    qs = Resource.objects.filter(dataset__in=selectors.public_datasets()).select_related("dataset")
    if dataset:
        qs = qs.filter(dataset__name=dataset)
    if format:
        qs = qs.filter(format=format.upper())
    qs = qs.order_by("dataset__name", "position", "created_at", "pk")
    rows, next_cursor = _page(qs, cursor, limit)
    return {"count": qs.count(), "next_cursor": next_cursor, "results": resources_json(rows, request)}


@router.get("/resources/{resource_id}", response=ResourceOut, tags=["resources"], summary="Une ressource")
def resource_show(request: HttpRequest, resource_id: uuid.UUID):
    resource = get_object_or_404(Resource.objects.select_related("dataset__organization"), pk=resource_id)
    if not permissions.can_view_dataset(signed_in_user(request), resource.dataset):
        raise Http404("Ressource introuvable.")
    return resources_json([resource], request)[0]


@router.post("/datasets/{name}/resources", response={201: ResourceOut}, auth=token_auth, tags=["resources"],
             summary="Ajouter un lien comme ressource")
def resource_create_link(request: TokenHttpRequest, name: str, payload: ResourceLinkIn):
    dataset = _visible_dataset(request, name)
    resource = services.resource_create(dataset=dataset, by=request.auth, name=payload.name, url=payload.url,
                                        description=payload.description, format=payload.format,
                                        data_dictionary=[c.dict() for c in payload.data_dictionary])
    return Status(201, resources_json([resource], request)[0])


@router.post("/datasets/{name}/resources/upload", response={201: ResourceOut}, auth=token_auth,
             tags=["resources"], summary="Déposer un fichier comme ressource (multipart)")
def resource_create_upload(request: TokenHttpRequest, name: str, file: File[UploadedFile],
                           resource_name: Form[str] = "", description: Form[str] = "", format: Form[str] = ""):  # noqa: A002
    dataset = _visible_dataset(request, name)
    resource = services.resource_create(dataset=dataset, by=request.auth, name=resource_name, file=file,
                                        description=description, format=format)
    return Status(201, resources_json([resource], request)[0])


@router.get("/requests", response=RequestPage, tags=["requests"],
            summary="Demandes de données, les plus votées d'abord")
def request_list(request: HttpRequest, filters: Query[RequestFilters]):
    qs = selectors.requests_ranked(theme=filters.theme, organization=filters.organization, status=filters.status)
    rows, next_cursor = _page(qs, filters.cursor, filters.limit)
    return {"count": qs.count(), "next_cursor": next_cursor, "results": [request_json(r) for r in rows]}


@router.get("/requests/{request_id}", response=RequestOut, tags=["requests"], summary="Une demande de données")
def request_show(request: HttpRequest, request_id: int):
    return request_json(get_object_or_404(DatasetRequest.objects.select_related("organization", "theme", "dataset"),
                                          pk=request_id))


@router.post("/requests", response={201: RequestOut}, auth=token_auth, tags=["requests"],
             summary="Proposer une demande de données")
def request_create(request: TokenHttpRequest, payload: RequestIn):
    organization = get_object_or_404(Organization, slug=payload.organization)
    theme = get_object_or_404(Theme, slug=payload.theme) if payload.theme else None
    item = services.request_create(by=request.auth, title=payload.title, description=payload.description,
                                   organization=organization, theme=theme)
    return Status(201, request_json(item))


@router.post("/requests/{request_id}/vote", response=RequestOut, auth=token_auth, tags=["requests"],
             summary="Voter (une fois par personne)")
def request_vote(request: TokenHttpRequest, request_id: int):
    item = services.request_vote(request=get_object_or_404(DatasetRequest, pk=request_id), by=request.auth)
    return request_json(item)


@router.delete("/requests/{request_id}/vote", response=RequestOut, auth=token_auth, tags=["requests"],
               summary="Retirer son vote")
def request_unvote(request: TokenHttpRequest, request_id: int):
    item = services.request_unvote(request=get_object_or_404(DatasetRequest, pk=request_id), by=request.auth)
    return request_json(item)


class ReuseOut(Schema):
    id: int
    title: str
    description: str
    url: str
    kind: Reuse.Kind
    image: str | None
    datasets: list[str]
    hackathon: str | None
    is_winner: bool
    created_at: dt.datetime


class ReusePage(Schema):
    count: int
    next_cursor: str | None = None
    results: list[ReuseOut]


class ReuseIn(Schema):
    title: str
    description: str
    url: str
    kind: Reuse.Kind = Reuse.Kind.APPLICATION
    datasets: list[str] = Field(description="Identifiants (name) des jeux de données publiés utilisés.")


@router.get("/reuses", response=ReusePage, tags=["reuses"], summary="Réutilisations approuvées")
def reuse_list(request: HttpRequest, dataset: str | None = None, kind: Reuse.Kind | None = None,
               hackathon: str | None = None, cursor: str | None = None, limit: int = Query(20, ge=1, le=100)):
    qs = learning.reuses_public()
    if dataset:
        qs = qs.filter(datasets__name=dataset)
    if kind:
        qs = qs.filter(kind=kind)
    if hackathon:
        qs = qs.filter(hackathon__slug=hackathon)
    qs = qs.select_related("hackathon").order_by("-is_winner", "-created_at", "pk")
    rows, next_cursor = _page(qs, cursor, limit)
    return {"count": qs.count(), "next_cursor": next_cursor, "results": [reuse_json(r) for r in rows]}


@router.post("/reuses", response={201: ReuseOut}, auth=token_auth, tags=["reuses"],
             summary="Proposer une réutilisation (publiée après modération)")
def reuse_create(request: TokenHttpRequest, payload: ReuseIn):
    datasets = list(selectors.public_datasets().filter(name__in=payload.datasets))
    reuse = learning.reuse_propose(by=request.auth, title=payload.title, description=payload.description,
                                   url=payload.url, kind=payload.kind, datasets=datasets)
    return Status(201, reuse_json(reuse))


# Quality and conformity -----------------------------------------------------------------------------

quality_router = Router(tags=["quality"])


class FindingWhere(Schema):
    resource: str | None = Field(None, description="Identifiant de la ressource.")
    resource_name: str | None = None
    sheet: str | None = None
    column: str | None = None
    columns: list[str] | None = None
    rows: list[int] | None = Field(None, description="Numéros de ligne, quand ils sont connus.")
    field: str | None = Field(None, description="Champ de métadonnées en cause.")
    fields: list[str] | None = None


class FindingOut(Schema):
    rule: str = Field(description="F1–F12 (fichiers) ou M1–M6 (métadonnées).")
    status: str = Field(description="`fail` ou `warning`.")
    code: str = Field(description="Code stable du message (par exemple `f6.markers`), à utiliser plutôt que le "
                                  "texte pour un traitement automatique.")
    message: str = Field(description="Ce qui ne va pas, dans la langue de la requête (français par défaut).")
    where: FindingWhere
    fix: str = Field(description="Comment corriger, dans la langue de la requête.")


class CriterionOut(Schema):
    key: str
    ok: bool
    label: str = Field(description="Dans la langue de la requête.")


class DatasetQualityOut(Schema):
    dataset: str
    checked_at: dt.datetime | None
    score: int | None
    openness_stars: int
    openness_reason: str | None = Field(description="Dans la langue de la requête (français par défaut).")
    conforms: bool
    is_reference: bool
    rules: dict[str, str] = Field(description="Statut le plus sévère de chaque règle.")
    failed_rules: list[str]
    warning_rules: list[str]
    findings: list[FindingOut]
    reference_criteria: list[CriterionOut]


class RatesOut(Schema):
    datasets: int = Field(description="Jeux publics publiés pendant la période.")
    conforming: int = Field(description="Parmi eux, ceux qui respectent toutes les règles F et M.")
    conformity_rate: float | None = Field(description="En pour cent; null sans jeu publié.")
    tabular_resources: int = Field(description="Ressources CSV, XLSX, XLS, JSON ou TSV de ces jeux.")
    queryable_resources: int = Field(description="Parmi elles, celles chargées dans le magasin de données.")
    queryable_rate: float | None = Field(description="En pour cent; null sans ressource tabulaire.")


class OrganizationRatesOut(RatesOut):
    organization: str


class ConformityOut(Schema):
    period_from: dt.date = Field(alias="from")
    period_to: dt.date = Field(alias="to")
    portal: RatesOut
    organizations: list[OrganizationRatesOut]


class PeriodFilters(Schema):
    period_from: dt.date | None = Field(None, alias="from",
                                        description="Début (AAAA-MM-JJ); défaut : 12 mois avant la fin.")
    period_to: dt.date | None = Field(None, alias="to", description="Fin (AAAA-MM-JJ); défaut : aujourd'hui.")


def _rates(rates: selectors.ConformityRates) -> dict:
    return {"datasets": rates.datasets, "conforming": rates.conforming, "conformity_rate": rates.conformity_rate,
            "tabular_resources": rates.tabular_resources, "queryable_resources": rates.queryable_resources,
            "queryable_rate": rates.queryable_rate}


@quality_router.get("/quality", response=ConformityOut, by_alias=True,
                    summary="Taux de conformité du portail et de chaque organisation")
def quality_rates(request: HttpRequest, period: Query[PeriodFilters]):
    start, end = selectors.quality_period(start=period.period_from, end=period.period_to)
    portal = selectors.conformity_rates(start=start, end=end)
    table = selectors.conformity_table(start=start, end=end)
    return {"from": start, "to": end, "portal": _rates(portal),
            "organizations": [{"organization": org.slug, **_rates(rates)} for org, rates in table]}


@quality_router.get("/organizations/{slug}/quality", response=OrganizationRatesOut,
                    summary="Taux de conformité d'une organisation")
def organization_quality(request: HttpRequest, slug: str, period: Query[PeriodFilters]):
    organization = get_object_or_404(Organization, slug=slug)
    start, end = selectors.quality_period(start=period.period_from, end=period.period_to)
    return {"organization": organization.slug,
            **_rates(selectors.conformity_rates(start=start, end=end, organization=organization))}


@quality_router.get("/datasets/{name}/quality", response=DatasetQualityOut,
                    summary="Rapport de qualité d'un jeu de données")
def dataset_quality(request: HttpRequest, name: str):
    dataset = _visible_dataset(request, name)
    report = dataset.quality_report or {}
    reason = report.get("stars_reason")
    return {"dataset": dataset.name, "checked_at": dataset.quality_checked_at, "score": dataset.quality_score,
            "openness_stars": dataset.openness_stars, "openness_reason": render_text(reason) if reason else None,
            "conforms": dataset.conforms, "is_reference": dataset.is_reference, "rules": report.get("rules", {}),
            "failed_rules": report.get("failed_rules", []), "warning_rules": report.get("warning_rules", []),
            "findings": [render_finding(f) for f in report.get("findings", [])],
            "reference_criteria": [{**c, "label": render_text(c.get("label"))}
                                   for c in report.get("reference", {}).get("criteria", [])]}
