"""Datasets as CKAN packages: dictionaries, visibility, search with facets, themes, tags, licences,
activity. Reads only, through the catalogue's models and selectors."""

from __future__ import annotations

import os
import re
import uuid
from typing import Any
from urllib.parse import quote, unquote

from django.db.models import Count, Q, QuerySet
from django.shortcuts import redirect
from django.utils.translation import gettext as _

from ouvert.catalog import search as catalog_search
from ouvert.catalog import selectors
from ouvert.catalog.models import Dataset, DatasetState, DatasetVersion, Keyword, Licence, Resource, Theme
from ouvert.catalog.read_model import (
    DatasetView,
    QualityView,
    ResourceView,
    ThemeView,
    dataset_view,
    dataset_views,
    resource_views,
    theme_view,
)
from ouvert.core import permissions
from ouvert.core.guidelines import render_text
from ouvert.core.models import Organization

from . import errors, package_facets
from .dictize import ckan_datetime, organization_dict, resource_download_path, resource_mimetype
from .params import as_bool, as_int, as_list, as_str, required_id
from .query import is_plain_text, to_q
from .registry import Context
from .search_language import requested_language, text_search

ROWS_MAX = 1000
SORT_FIELDS: dict[str, str | None] = {
    "id": "pk", "metadata_modified": "updated_at", "metadata_created": "created_at", "title_string": "title",
    "title": "title", "name": "name", "score": None, "views_recent": "view_count",
    "views_total": "view_count", "num_resources": None}
STATE: dict[str, str] = {DatasetState.ACTIVE: "active", DatasetState.DRAFT: "draft", DatasetState.DELETED: "deleted"}


def _user(context: Context):
    return context.user


def with_relations(qs: QuerySet[Dataset]) -> QuerySet[Dataset]:
    return qs.select_related("organization", "licence").prefetch_related("keywords", "themes", "resources")


# Themes and keywords have no UUID of their own: CKAN's group and tag ``id`` is derived from the name
# (stable across sites), and the actions that take a group accept it as well as the name.
ID_NAMESPACE = uuid.UUID("6f1d3c52-8a0e-4b8f-9d0c-3e1f4b7a2c10")


def theme_id(slug: str) -> str:
    return str(uuid.uuid5(ID_NAMESPACE, f"theme:{slug}"))


def tag_id(name: str) -> str:
    return str(uuid.uuid5(ID_NAMESPACE, f"keyword:{name}"))


def theme_slug(ref: str) -> str:
    """The theme name ``ref`` designates: itself, or the name whose :func:`theme_id` it is."""
    if len(ref) == 36 and ref.count("-") == 4:
        for slug in Theme.objects.values_list("slug", flat=True):
            if theme_id(slug) == ref:
                return slug
    return ref


def resource_dict(resource: ResourceView, context: Context, *, position: int | None = None) -> dict[str, Any]:
    """``position``: the resource's index in its dataset's list (CKAN counts from 0); by default derived
    from the stored position, which counts from 1."""
    url = context.absolute(resource_download_path(resource)) if resource.file_name else resource.url
    mimetype = resource_mimetype(resource)
    return {
        "id": str(resource.id),
        "package_id": str(resource.dataset_id),
        "name": resource.name,
        "description": resource.description,
        "format": resource.format,
        "url": url,
        "url_type": "upload" if resource.file_name else None,
        "size": resource.size,
        "hash": resource.sha256 or "",
        "mimetype": mimetype,
        "mimetype_inner": None,
        "encoding": resource.encoding,
        "created": ckan_datetime(resource.created_at),
        "last_modified": ckan_datetime(resource.last_modified),
        "metadata_modified": ckan_datetime(resource.last_modified),
        "position": position if position is not None else max(resource.position - 1, 0),
        "state": "active",
        "resource_type": "documentation" if resource.is_documentation else None,
        "cache_url": None,
        "cache_last_updated": None,
        "datastore_active": resource.datastore_active,
        # Ouvert's fields
        "data_dictionary": resource.data_dictionary,
        "download_count": resource.download_count,
    }


def group_dict(theme: ThemeView, context: Context, *, package_count: int | None = None) -> dict[str, Any]:
    data = {
        "id": theme_id(theme.slug), "name": theme.slug, "title": theme.title_fr, "display_name": theme.title,
        "title_translated": {"fr": theme.title_fr, "en": theme.title_en}, "description": "",
        "image_url": "", "image_display_url": "", "is_organization": False, "type": "group",
        "state": "active", "approval_status": "approved",
    }
    if package_count is not None:
        data["package_count"] = package_count
    return data


def licence_dict(licence: Licence) -> dict[str, Any]:
    return {
        "id": licence.slug, "title": licence.title, "url": licence.url,
        "title_translated": {"fr": licence.title_fr, "en": licence.title_en},
        "is_okd_compliant": licence.is_open, "is_osi_compliant": False,
        "od_conformance": "approved" if licence.is_open else "not reviewed", "osd_conformance": "not reviewed",
        "status": "active", "domain_content": True, "domain_data": True, "domain_software": False,
        "family": "", "maintainer": "", "is_generic": False,
    }


def package_dict(dataset: DatasetView, context: Context) -> dict[str, Any]:
    """A dataset as CKAN's ``package_show`` returns it; Ouvert's own fields as top-level keys."""
    keywords = dataset.keywords
    themes = dataset.themes
    resources = dataset.resources
    licence = dataset.licence
    data: dict[str, Any] = {
        "id": str(dataset.id),
        "name": dataset.name,
        "title": dataset.title,
        "notes": dataset.notes,
        "type": "dataset",
        "state": STATE.get(dataset.state, dataset.state),
        "private": dataset.private,
        "owner_org": str(dataset.organization.id),
        "organization": organization_dict(dataset.organization, context),
        "license_id": dataset.licence_alias or licence.slug,
        "license_title": licence.title,
        "license_url": licence.url,
        "isopen": licence.is_open,
        "url": dataset.source_url,
        "version": None,
        "author": None,
        "author_email": None,
        "creator_user_id": str(dataset.creator_id) if dataset.creator_id is not None else None,
        "maintainer": dataset.contact_name,
        "maintainer_email": dataset.contact_email,
        "metadata_created": ckan_datetime(dataset.created_at),
        "metadata_modified": ckan_datetime(dataset.updated_at),
        "tags": [{"id": tag_id(k), "name": k, "display_name": k, "state": "active", "vocabulary_id": None}
                 for k in keywords],
        "num_tags": len(keywords),
        "groups": [group_dict(t, context) for t in themes],
        "extras": [{"key": k, "value": v} for k, v in dataset.extras],
        "resources": [resource_dict(r, context, position=i) for i, r in enumerate(resources)],
        "num_resources": len(resources),
        "relationships_as_object": [],
        "relationships_as_subject": [],
        # Ouvert's fields
        "contact_name": dataset.contact_name,
        "contact_email": dataset.contact_email,
        "update_frequency": dataset.update_frequency,
        "spatial_text": dataset.spatial,
        "temporal_start": dataset.temporal_start.isoformat() if dataset.temporal_start else None,
        "temporal_end": dataset.temporal_end.isoformat() if dataset.temporal_end else None,
        "source_url": dataset.source_url,
        "language": dataset.language,
        "version_notes": dataset.version_notes,
        "title_en": dataset.title_en,
        "notes_en": dataset.notes_en,
        "keywords_en": list(dataset.keywords_en),
        # The same, as ckanext-fluent / scheming multilingual fields
        "title_translated": {"fr": dataset.title, "en": dataset.title_en},
        "notes_translated": {"fr": dataset.notes, "en": dataset.notes_en},
        # not ``keywords``: CKAN clients (frictionless's adapter among them) read that as a list of words
        "keywords_translated": {"fr": list(keywords), "en": list(dataset.keywords_en)},
        "is_reference": dataset.is_reference,
        "qa": _qa(dataset.quality),
        "first_published_at": ckan_datetime(dataset.first_published_at),
        "data_modified_at": ckan_datetime(dataset.data_modified_at),
    }
    harvested = dataset.harvest
    if harvested is not None:
        data["harvest_source"] = {"name": harvested.source_name, "url": harvested.source_url,
                                  "remote_id": harvested.remote_id, "remote_url": harvested.remote_url}
    return data


def _qa(quality: QualityView) -> dict[str, Any]:
    """ckanext-qa's package ``qa`` (openness score 0–5 and its reason), plus Ouvert's score and conformity."""
    return {"openness_score": quality.openness_stars, "openness_score_reason": render_text(quality.stars_reason),
            "updated": ckan_datetime(quality.checked_at), "quality_score": quality.score,
            "conforms": quality.conforms}


def package_dicts(qs: QuerySet[Dataset], context: Context) -> list[dict[str, Any]]:
    """The package dicts of the datasets of ``qs``, in its order (a constant number of queries)."""
    return [package_dict(view, context) for view in dataset_views(datasets=qs)]


def package_dict_of(dataset: Dataset, context: Context) -> dict[str, Any]:
    """The package dict of one dataset the caller may see (already checked)."""
    view = dataset_view(dataset_id=dataset.pk)
    if view is None:
        raise errors.NotFound(_("jeu de données « %(ref)s »") % {"ref": dataset.name})
    return package_dict(view, context)


# Visibility ---------------------------------------------------------------------------------------


def visible(context: Context, *, include_private: bool, include_drafts: bool) -> QuerySet[Dataset]:
    """What the caller may see: public datasets; with the flags, also the private ones and drafts of
    their organizations (everything not in the trash for site administrators)."""
    qs = selectors.visible_datasets(user=_user(context))
    if not include_private:
        qs = qs.filter(private=False)
    if not include_drafts:
        qs = qs.filter(state=DatasetState.ACTIVE)
    return qs


def get_dataset(ref: str, context: Context) -> Dataset:
    """A dataset by id or name that the caller may see; 404 otherwise (existence is not disclosed)."""
    qs = with_relations(Dataset.objects.all())
    try:
        dataset = qs.filter(pk=uuid.UUID(ref)).first()
    except ValueError:
        dataset = None
    dataset = dataset or qs.filter(name=ref).first()
    if dataset is None:
        raise errors.NotFound(_("jeu de données « %(ref)s »") % {"ref": ref})
    user = _user(context)
    if dataset.state == DatasetState.DELETED:
        if not permissions.can_manage_organization(user, dataset.organization):
            raise errors.NotFound(_("jeu de données « %(ref)s »") % {"ref": ref})
    elif not (dataset.state == DatasetState.ACTIVE and not dataset.private) \
            and not permissions.is_member_of(user, dataset.organization):
        raise errors.NotFound(_("jeu de données « %(ref)s »") % {"ref": ref})
    return dataset


def visible_counts_by_org(org_ids: list, context: Context) -> dict[str, int]:
    rows = (visible(context, include_private=True, include_drafts=False).filter(organization_id__in=org_ids)
            .values("organization_id").annotate(n=Count("pk", distinct=True)))
    return {str(row["organization_id"]): row["n"] for row in rows}


def organization_packages(org: Organization, context: Context) -> list[dict[str, Any]]:
    qs = visible(context, include_private=True, include_drafts=False).filter(organization=org)
    return package_dicts(qs.order_by("name")[:ROWS_MAX], context)


def visible_page(context: Context, *, offset: int, limit: int) -> tuple[int, list[DatasetView]]:
    qs = visible(context, include_private=False, include_drafts=False)
    return qs.count(), dataset_views(datasets=qs.order_by("created_at", "pk")[offset:offset + limit])


def get_dataset_view(ref: str, context: Context) -> DatasetView:
    """The read model of a dataset the caller may see (by id or name); ``NotFound`` otherwise."""
    view = dataset_view(dataset_id=get_dataset(ref, context).pk)
    if view is None:
        raise errors.NotFound(_("jeu de données « %(ref)s »") % {"ref": ref})
    return view


# Actions ------------------------------------------------------------------------------------------


def package_list(context: Context, data: dict[str, Any]) -> list[str]:
    """Names of the published public datasets (``limit``, ``offset``), by name."""
    limit = as_int(data, "limit", None, maximum=100000)
    offset = as_int(data, "offset", 0)
    qs = visible(context, include_private=False, include_drafts=False).order_by("name").values_list("name", flat=True)
    return list(qs[offset:offset + limit] if limit is not None else qs[offset:])


def package_show(context: Context, data: dict[str, Any]) -> dict[str, Any]:
    """One dataset by ``id`` or name."""
    return package_dict_of(get_dataset(required_id(data), context), context)


def get_resource(ref: str, context: Context) -> Resource:
    """A resource by id (its UUID, CKAN's resource id) whose dataset the caller may see; the same
    ``NotFound`` for an absent resource and one the caller may not see. The one CKAN resource lookup."""
    try:
        resource = Resource.objects.select_related("dataset__organization").filter(pk=uuid.UUID(ref)).first()
    except ValueError:
        resource = None
    if resource is None:
        raise errors.NotFound(_("ressource « %(ref)s »") % {"ref": ref})
    try:
        get_dataset(str(resource.dataset_id), context)
    except errors.NotFound:
        raise errors.NotFound(_("ressource « %(ref)s »") % {"ref": ref}) from None
    return resource


def resource_dict_of(resource: Resource, context: Context) -> dict[str, Any]:
    """The CKAN dict of one resource (fetched again: the caller may just have written it), with its index
    in the dataset's list as ``position``."""
    fresh = Resource.objects.get(pk=resource.pk)
    order = list(Resource.objects.filter(dataset_id=fresh.dataset_id).order_by("position", "created_at")
                 .values_list("pk", flat=True))
    return resource_dict(resource_views(resources=[fresh])[0], context, position=order.index(fresh.pk))


def resource_show(context: Context, data: dict[str, Any]) -> dict[str, Any]:
    """One resource by ``id``."""
    return resource_dict_of(get_resource(required_id(data), context), context)


def _text_filter(text: str) -> Q:
    # The ids straight from the full-text index: a queryset from ``search.apply`` must not be nested in
    # another query (its raw join names ``catalog_dataset``, which inside a subquery is the outer table:
    # the subquery becomes correlated and runs once per dataset).
    ids = catalog_search.matching_ids(text)
    return Q() if ids is None else Q(pk__in=ids)


def _sort(qs: QuerySet[Dataset], value: str, ranked: bool) -> QuerySet[Dataset]:
    order: list[str] = []
    for part in [p.strip() for p in value.split(",") if p.strip()]:
        bits = part.split()
        name, direction = bits[0], (bits[1].lower() if len(bits) > 1 else "asc")
        if name not in SORT_FIELDS or direction not in {"asc", "desc"} or len(bits) > 2:
            raise errors.ValidationError({"sort": [_("Tri impossible : « %(s)s ».") % {"s": part}]})
        if name == "score":
            if ranked:
                order.append("-search_rank" if direction == "desc" else "search_rank")
            continue
        if name == "num_resources":
            qs = qs.annotate(num_resources=Count("resources", distinct=True))
            column = "num_resources"
        else:
            column = SORT_FIELDS[name] or name  # only score and num_resources have none, handled above
        order.append(f"-{column}" if direction == "desc" else column)
    return qs.order_by(*order, "pk")


def _facets(qs: QuerySet[Dataset], fields: list[str], limit: int, mincount: int) -> tuple[dict, dict]:
    """CKAN's ``facets`` and ``search_facets`` of ``fields`` over ``qs``, counted in one statement."""
    fields = list(dict.fromkeys(fields))
    for name in fields:
        if name not in package_facets.BRANCHES:
            raise errors.ValidationError({"facet.field": [_("Facette inconnue : %(f)s") % {"f": name}]})
    counted = package_facets.facet_rows(qs, fields, limit=limit, mincount=mincount)
    facets, search_facets = {}, {}
    for name in fields:
        rows = counted[name]
        labels = _facet_labels(name, [value for value, _n in rows])
        facets[name] = {str(value): n for value, n in rows}
        search_facets[name] = {"title": name, "items": [
            {"name": str(value), "display_name": labels.get(value, str(value)), "count": n} for value, n in rows]}
    return facets, search_facets


def _facet_labels(name: str, values: list) -> dict:
    if name == "organization":
        return {o.slug: o.name for o in Organization.objects.filter(slug__in=values)}
    if name == "groups":
        return {t.slug: t.title for t in Theme.objects.filter(slug__in=values)}
    if name == "license_id":
        return {lic.slug: lic.title for lic in Licence.objects.filter(slug__in=values)}
    return {}


def _spatial_filter(qs, data: dict[str, Any], user):
    """ckanext-spatial's ``ext_bbox`` (``minx,miny,maxx,maxy``) and our ``ext_place``, when the
    geo app is installed; an invalid value is a 409 "Validation Error" with the geo app's message."""
    from django.apps import apps

    if not apps.is_installed("ouvert.geo") or not (data.get("ext_bbox") or data.get("ext_place")):
        return qs
    from ouvert.geo.selectors import datasets_for_search_params

    params = {k: str(data[k]) for k in ("ext_bbox", "ext_place") if data.get(k)}
    try:
        ids = datasets_for_search_params(params, user)
    except ValueError as exc:
        key = "ext_bbox" if "ext_bbox" in params else "ext_place"
        raise errors.ValidationError({key: [str(exc)]}) from None
    return qs if ids is None else qs.filter(pk__in=ids)


def package_search(context: Context, data: dict[str, Any]) -> dict[str, Any]:
    """Search datasets with CKAN's parameters (see docs/api-ckan.md)."""
    q = as_str(data, "q").strip()
    rows = as_int(data, "rows", 10, maximum=ROWS_MAX)
    start = as_int(data, "start", 0)
    # ``matching``: the datasets found, without ranking (facets are counted over it); ``qs``: the same,
    # ranked when ``q`` is plain text, for the page.
    matching = visible(context, include_private=as_bool(data, "include_private", False),
                       include_drafts=as_bool(data, "include_drafts", False))
    filters = [as_str(data, "fq")] + [str(f) for f in (as_list(data, "fq_list") or [])]
    for fq in filters:
        if fq.strip():
            matching = matching.filter(to_q(fq, _text_filter))
    matching = _spatial_filter(matching, data, context.user)
    qs, ranked = matching, False
    language, fallback = requested_language(data), False
    if q and q != "*:*":
        if is_plain_text(q):
            found = text_search(matching, q, language=language)  # in the other language on a miss
            qs, matching, language, fallback = found.ranked, found.matching, found.language, found.fallback
            ranked = "search_rank" in qs.query.extra_select  # not when q has no searchable word ("%", "[")
        else:
            matching = qs = matching.filter(to_q(q, _text_filter))
    if not ranked:
        qs = qs.distinct()
    sort = as_str(data, "sort").strip() or ("score desc, metadata_modified desc" if ranked
                                            else "metadata_modified desc")
    qs = _sort(qs, sort, ranked)
    count = qs.count()
    result: dict[str, Any] = {"count": count, "sort": sort, "results": package_dicts(qs[start:start + rows], context),
                              "facets": {}, "search_facets": {}, "search_language": language,
                              "search_language_fallback": fallback}
    fields = as_list(data, "facet.field")
    if as_bool(data, "facet", True) and fields:
        limit = as_int(data, "facet.limit", 50, minimum=-1)
        mincount = as_int(data, "facet.mincount", 1)
        result["facets"], result["search_facets"] = _facets(matching.order_by(), [str(f) for f in fields], limit,
                                                            mincount)
    return result


def group_list(context: Context, data: dict[str, Any]) -> list:
    """Themes, as CKAN groups: names, or dictionaries with ``all_fields``."""
    all_fields = as_bool(data, "all_fields", False)
    sort = (as_str(data, "sort").strip() or as_str(data, "order_by").strip() or "title asc").split()
    if sort[0] not in {"name", "title", "package_count"} or len(sort) > 2:
        raise errors.ValidationError({"sort": [_("Tri impossible : « %(s)s ».") % {"s": " ".join(sort)}]})
    limit = as_int(data, "limit", ROWS_MAX, maximum=ROWS_MAX)
    offset = as_int(data, "offset", 0)
    themes = list(Theme.objects.all())
    wanted = as_list(data, "groups")
    if wanted is not None:
        themes = [t for t in themes if t.slug in {str(w) for w in wanted}]
    counts = dict(visible(context, include_private=False, include_drafts=False).values_list("themes__slug")
                  .annotate(n=Count("pk", distinct=True)).exclude(themes__slug__isnull=True))
    key = {"name": lambda t: t.slug, "title": lambda t: (t.title_fr.casefold(), t.slug),
           "package_count": lambda t: (counts.get(t.slug, 0), t.slug)}[sort[0]]
    themes.sort(key=key, reverse=len(sort) == 2 and sort[1].lower() == "desc")
    themes = themes[offset:offset + limit]
    if not all_fields:
        return [t.slug for t in themes]
    return [group_dict(theme_view(t), context, package_count=counts.get(t.slug, 0)) for t in themes]


def group_show(context: Context, data: dict[str, Any]) -> dict[str, Any]:
    """One theme by ``id`` (its name); ``include_datasets`` adds up to 1000 of its datasets."""
    ref = required_id(data)
    theme = Theme.objects.filter(slug=theme_slug(ref)).first()
    if theme is None:
        raise errors.NotFound(_("thème « %(ref)s »") % {"ref": ref})
    qs = visible(context, include_private=False, include_drafts=False).filter(themes=theme)
    result = group_dict(theme_view(theme), context, package_count=qs.count())
    if as_bool(data, "include_datasets", False):
        result["packages"] = package_dicts(qs.order_by("name")[:ROWS_MAX], context)
    return result


def tag_list(context: Context, data: dict[str, Any]) -> list:
    """Keywords of published datasets (``query`` filters; ``all_fields`` for dictionaries)."""
    qs = Keyword.objects.filter(datasets__in=visible(context, include_private=False, include_drafts=False)) \
        .distinct().order_by("name")
    query = as_str(data, "query") or as_str(data, "q")
    if query:
        qs = qs.filter(name__icontains=query)
    limit = as_int(data, "limit", None, maximum=100000)
    offset = as_int(data, "offset", 0)
    names = list(qs.values_list("name", flat=True))
    names = names[offset:offset + limit] if limit is not None else names[offset:]
    if as_bool(data, "all_fields", False):
        return [{"id": tag_id(n), "name": n, "display_name": n, "vocabulary_id": None, "state": "active"}
                for n in names]
    return names


def tag_show(context: Context, data: dict[str, Any]) -> dict[str, Any]:
    """One keyword by ``id`` (its name); ``include_datasets`` adds its datasets."""
    name = required_id(data).strip().lower()
    tag = Keyword.objects.filter(name=name).first()
    if tag is None:
        raise errors.NotFound(_("mot-clé « %(ref)s »") % {"ref": name})
    result: dict[str, Any] = {"id": tag_id(tag.name), "name": tag.name, "display_name": tag.name, "vocabulary_id": None,
                              "state": "active"}
    if as_bool(data, "include_datasets", False):
        qs = visible(context, include_private=False, include_drafts=False).filter(keywords=tag)
        result["packages"] = package_dicts(qs.order_by("name")[:ROWS_MAX], context)
    return result


def license_list(context: Context, data: dict[str, Any]) -> list[dict[str, Any]]:
    """The licences a dataset can have."""
    return [licence_dict(lic) for lic in Licence.objects.order_by("position", "slug")]


ACTIVITY_TYPES = {"create": "new package", "delete": "deleted package"}


def activity_dict(version: DatasetVersion, context: Context) -> dict[str, Any]:
    return {
        "id": f"{version.dataset_id}-{version.number}",
        "timestamp": ckan_datetime(version.created_at),
        "user_id": str(version.actor_id) if version.actor_id else None,
        "object_id": str(version.dataset_id),
        "activity_type": ACTIVITY_TYPES.get(version.action, "changed package"),
        "data": {"package": {"id": str(version.dataset_id), "name": version.dataset.name,
                             "title": version.dataset.title, **version.snapshot},
                 "ouvert_action": version.action, "changes": version.changes},
    }


def package_activity_list(context: Context, data: dict[str, Any]) -> list[dict[str, Any]]:
    """A dataset's history, newest first (``offset``, ``limit`` ≤ 100)."""
    dataset = get_dataset(required_id(data), context)
    offset = as_int(data, "offset", 0)
    limit = as_int(data, "limit", 31, minimum=1, maximum=100)
    versions = DatasetVersion.objects.filter(dataset=dataset).select_related("dataset").order_by("-number")
    return [activity_dict(v, context) for v in versions[offset:offset + limit]]


def recently_changed_packages_activity_list(context: Context, data: dict[str, Any]) -> list[dict[str, Any]]:
    """Latest changes to published public datasets, newest first (``offset``, ``limit`` ≤ 100)."""
    offset = as_int(data, "offset", 0)
    limit = as_int(data, "limit", 31, minimum=1, maximum=100)
    versions = (DatasetVersion.objects.filter(dataset__state=DatasetState.ACTIVE, dataset__private=False)
                .select_related("dataset").order_by("-created_at", "-pk"))
    return [activity_dict(v, context) for v in versions[offset:offset + limit]]


def resource_download(request, dataset_id: str, resource_id: str, filename: str):
    """``/dataset/<id>/resource/<id>/download/<file>`` (CKAN's address of an uploaded file): the file
    itself, as the catalogue's download serves it (counted, byte ranges) — clients such as GDAL's
    ``/vsicurl/`` expect the bytes at this address, not a redirect."""
    from django.http import Http404

    from ouvert.catalog.views import resource_download as catalogue_download

    user = request.user if request.user.is_authenticated else None
    context = Context(request=request, user=user)
    try:
        dataset = get_dataset(dataset_id, context)
    except errors.NotFound:
        raise Http404(_("Jeu de données introuvable.")) from None
    resource = dataset.resources.filter(pk=resource_id).first()
    if resource is None or not resource.file:
        raise Http404(_("Ressource introuvable."))
    if filename and filename != os.path.basename(resource.file.name or ""):
        sibling = _sibling_file(dataset, filename)
        if sibling is not None:
            return redirect(sibling)
    return catalogue_download(request, dataset.name, resource.pk)


_STORAGE_SUFFIX = re.compile(r"_[A-Za-z0-9]{7}(\.[^.]+)?$")


def _sibling_file(dataset: Any, filename: str) -> str | None:
    """The address of the dataset's uploaded file named ``filename``, when the name asked for is not
    the resource's own. A ``datapackage.json`` uploaded as a resource (frictionless's CKAN adapter
    does so) names its tables by relative paths (``debits.csv``), which a client resolves beside the
    descriptor's own address, that is under the descriptor's resource: this finds them there, where
    CKAN answers 404. Only files of the same dataset, which the reader may already read."""
    wanted = unquote(filename)
    for other in dataset.resources.exclude(file="").only("id", "dataset_id", "file"):
        stored = os.path.basename(other.file.name)
        # storage may have added a suffix to keep names unique (``debits_Ab12Cd3.csv``)
        if wanted in (stored, _STORAGE_SUFFIX.sub(r"\1", stored)):
            return f"/dataset/{other.dataset_id}/resource/{other.id}/download/{quote(stored)}"
    return None
