"""``{% load geo %}{% geo_map resource.id %}`` embeds a resource's map preview (or nothing)."""

from __future__ import annotations

from django import template

from .. import selectors
from ..views import map_context

register = template.Library()


@register.inclusion_tag("geo/includes/map.html", takes_context=True)
def geo_map(context, resource_id, heading_level: int = 2) -> dict:
    request = context.get("request")
    layer = selectors.layer_get(resource_id=resource_id, user=getattr(request, "user", None))
    if layer is None:
        return {"layer": None}
    return {**map_context(layer, request), "request": request, "heading_level": heading_level, "embedded": True}
