"""Links to the settings of the yearly reports, for who may use them."""

from __future__ import annotations

from typing import Any

from django import template
from django.urls import reverse

from rbl.reporting.editors import editable_for, may_load_reference

register = template.Library()


@register.inclusion_tag("reporting/_yearly_links.html", takes_context=True)
def yearly_links(context: dict[str, Any]) -> dict[str, Any]:
    """ "Streefwaarden" for who sets targets, "Landelijke referentie" for who loads it."""
    user = context["request"].user
    links = []
    if editable_for(user):
        links.append((reverse("reporting:targets"), "Streefwaarden"))
    if may_load_reference(user):
        links.append((reverse("reporting:reference"), "Landelijke referentie"))
    return {"links": links}
