"""`{% deadline_reminders %}`: the jaarkalender's reminders on a home screen;
`{% werkwijze_link case.type as link %}`: the handbook page for a case type."""

from __future__ import annotations

from typing import Any

from django import template
from django.urls import reverse
from django.utils import timezone

from rbl.governance.services import due_reminders

register = template.Library()


@register.inclusion_tag("governance/_reminders.html", takes_context=True)
def deadline_reminders(context: dict[str, Any]) -> dict[str, Any]:
    user = context["request"].user
    today = timezone.localdate()
    if not getattr(user, "is_authenticated", False):
        return {"reminders": [], "today": today}
    return {"reminders": due_reminders(user, today), "today": today}


@register.simple_tag(takes_context=True)
def werkwijze_link(context: dict[str, Any], case_type: str) -> dict[str, str] | None:
    """The link to the handbook page that governs `case_type` (else to the
    handbook's index); None for a user who may not read the handbook."""
    from rbl.accounts.access import may_read_handbook
    from rbl.governance.handbook import page_for_case_type

    if not may_read_handbook(context["request"].user):
        return None
    page = page_for_case_type(case_type)
    if page is None:
        return {"url": reverse("governance:handbook"), "label": "Werkwijzen van de regio"}
    url = reverse("governance:handbook-page", args=[page.slug])
    return {"url": url, "label": f"Werkwijze: {page.title}"}
