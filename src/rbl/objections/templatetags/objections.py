"""`{% objection_terms %}`: the user's open objections and complaints with
their due dates, on the home screen and "Mijn werk"."""

from __future__ import annotations

from typing import Any

from django import template
from django.utils import timezone

from rbl.objections.services import open_terms

register = template.Library()


@register.inclusion_tag("objections/_terms.html", takes_context=True)
def objection_terms(context: dict[str, Any]) -> dict[str, Any]:
    user = context["request"].user
    if not getattr(user, "is_authenticated", False):
        return {"items": []}
    return {"items": open_terms(user, timezone.localdate())}


@register.inclusion_tag("objections/_case.html", takes_context=True)
def case_objections(context: dict[str, Any], case: Any) -> dict[str, Any]:
    """The objections of `case` and the link to register one, on the case page."""
    from rbl.accounts.access import may_handle_objections, visible_objections

    user = context["request"].user
    if not may_handle_objections(user):
        return {"may": False}
    return {
        "may": True,
        "case": case,
        "objections": list(visible_objections(user).filter(case=case).select_related("principal")),
    }
