"""The change log of jaarkalender deadlines: who changed what and when,
old value → new value, shown on the deadline's page."""

from __future__ import annotations

from typing import Any

from django import forms

from rbl.governance.models import Deadline, DeadlineChange


def _shown(field: forms.Field, value: Any) -> str:
    if value is None or value == "":
        return "leeg"
    if isinstance(value, bool):
        return "ja" if value else "nee"
    if isinstance(field, forms.ModelChoiceField):
        if not hasattr(value, "pk"):
            value = field.queryset.model.objects.filter(pk=value).first()
            if value is None:
                return "leeg"
        if hasattr(value, "get_full_name"):
            return value.get_full_name() or value.username
        return str(value)
    if isinstance(field, forms.ChoiceField):
        return str(dict(field.choices).get(value, value))
    if hasattr(value, "strftime"):
        return value.strftime("%d-%m-%Y")
    return str(value)


def describe(form: forms.ModelForm, before: dict[str, Any]) -> str:
    """What the form changed, in Dutch: one line per field, old → new."""
    lines = []
    for name in form.changed_data:
        field = form.fields[name]
        old, new = _shown(field, before.get(name)), _shown(field, form.cleaned_data.get(name))
        if old != new:
            lines.append(f"{field.label}: {old} → {new}")
    return "\n".join(lines)


def record(deadline: Deadline, user: Any, what: str) -> DeadlineChange | None:
    if not what:
        return None
    return DeadlineChange.objects.create(
        deadline=deadline, user=user, username=user.username, what=what
    )
