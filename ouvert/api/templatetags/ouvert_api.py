"""Template tags for the catalogue's dataset page.

In the dataset template's ``head`` block::

    {% load ouvert_api %}
    {% dataset_linked_data dataset %}

renders the schema.org ``Dataset`` JSON-LD and ``<link rel="alternate">`` to the DCAT (Turtle,
JSON-LD, RDF/XML), Frictionless and CKAN JSON twins. ``dataset`` is a catalogue object (looked up by
its primary key) or its read model (``ouvert.catalog.read_model.DatasetView``)."""

from __future__ import annotations

from typing import Any

from django import template
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe

from ouvert.api.ckan import bridge, errors
from ouvert.api.ckan.registry import Context
from ouvert.api.dcat.views import schemaorg_script

register = template.Library()

ALTERNATES = [
    ("text/turtle", "{}.ttl", "DCAT (Turtle)"),
    ("application/ld+json", "{}.jsonld", "DCAT (JSON-LD)"),
    ("application/rdf+xml", "{}.rdf", "DCAT (RDF/XML)"),
    ("application/json", "{}/datapackage.json", "Frictionless Data Package"),
]


@register.simple_tag(takes_context=True)
def dataset_linked_data(context: dict[str, Any], dataset: Any) -> str:
    request = context.get("request")
    if request is None or dataset is None:
        return ""
    from ouvert.catalog.read_model import DatasetView

    view = dataset if isinstance(dataset, DatasetView) else None
    if view is None:
        user = request.user if request.user.is_authenticated else None
        try:
            view = bridge.dataset_get(str(dataset.pk), Context(request=request, user=user))
        except errors.ActionError:
            return ""
    path = f"/dataset/{view.name}"
    links = format_html_join(
        "\n", '<link rel="alternate" type="{}" href="{}" title="{}">',
        ((mime, pattern.format(path), label) for mime, pattern, label in ALTERNATES),
    )
    api = format_html('<link rel="alternate" type="application/json" href="/api/3/action/package_show?id={}" '
                      'title="CKAN API">', view.name)
    return mark_safe(schemaorg_script(view, request) + "\n" + links + "\n" + api)  # noqa: S308 — escaped above
