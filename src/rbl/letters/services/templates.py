"""Saving a letter template: checked first, then stored as a new version."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.db import transaction
from django.db.models import Max

from rbl.letters.models import LetterKind, LetterTemplate
from rbl.letters.templating import TemplateProblem, check_template
from rbl.organisation.models import Municipality


class TemplateRejected(Exception):
    """The template was not saved; `problems` say why, in Dutch."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("\n".join(problems))
        self.problems = problems


def _named(where: str, problems: list[TemplateProblem]) -> list[str]:
    return [f"{where}, {str(p)[0].lower()}{str(p)[1:]}" for p in problems]


def check(subject: str, body: str, local_blocks: Mapping[str, str]) -> list[str]:
    """Every problem of a template about to be saved, in Dutch."""
    problems: list[str] = []
    if not subject.strip():
        problems.append("Het onderwerp is leeg.")
    if "\n" in subject.strip():
        problems.append("Het onderwerp moet op één regel.")
    if not body.strip():
        problems.append("De tekst is leeg.")
    problems += _named("Onderwerp", check_template(subject))
    problems += _named("Tekst", check_template(body))
    names = dict(
        Municipality.objects.filter(code__in=list(local_blocks)).values_list("code", "name")
    )
    for code, text in sorted(local_blocks.items()):
        if code not in names:
            problems.append(f"Lokale tekst voor onbekende gemeente {code}.")
            continue
        problems += _named(f"Lokale tekst {names[code]}", check_template(text))
    return problems


def save_template(
    kind: str,
    *,
    subject: str,
    body: str,
    local_blocks: Mapping[str, str] | None = None,
    user: Any = None,
) -> LetterTemplate:
    """Store a new version of the kind's template, or raise TemplateRejected."""
    if kind not in LetterKind.values:
        raise TemplateRejected(["Onbekende soort brief."])
    blocks = {code: text for code, text in (local_blocks or {}).items() if text and text.strip()}
    problems = check(subject, body, blocks)
    if problems:
        raise TemplateRejected(problems)
    with transaction.atomic():
        # Versions are numbered per kind; the unique key makes a concurrent save retryable.
        last = (
            LetterTemplate.objects.select_for_update()
            .filter(kind=kind)
            .aggregate(v=Max("version"))["v"]
        )
        return LetterTemplate.objects.create(
            kind=kind,
            version=(last or 0) + 1,
            subject=subject.strip(),
            body=body,
            local_blocks=blocks,
            created_by=user,
        )
