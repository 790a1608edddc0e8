"""`{% deadline_reminders %}`: the jaarkalender's reminders on a home screen."""

from __future__ import annotations

from typing import Any

from django import template
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
