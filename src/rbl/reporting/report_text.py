"""The municipality's own text in the annual report (R-31), and the region's.

Plain text: paragraphs are separated by a blank line, and nothing in it is
HTML — every page escapes it (`paragraphs` gives the pieces to put in <p>
elements). A save carries the version it was based on: when someone else
saved in between, `StaleText` is raised and nothing changes (no lost update).
"""

from __future__ import annotations

import re
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import F, QuerySet
from django.utils import timezone

from rbl.reporting.definitions import SchoolYear
from rbl.reporting.models import ReportText

MAX_CHARS = 20_000
_BLANK_LINE = re.compile(r"\n[ \t]*\n+")


class StaleText(Exception):
    """The text was changed by someone else after the form was opened."""

    def __init__(self, current: ReportText | None) -> None:
        super().__init__("de tekst is intussen door iemand anders gewijzigd")
        self.current = current


def _texts(school_year: SchoolYear | str, municipality_code: str | None) -> QuerySet[ReportText]:
    qs = ReportText.objects.filter(school_year=str(school_year))
    if municipality_code is None:
        return qs.filter(municipality__isnull=True)
    return qs.filter(municipality_id=municipality_code)


def current_text(school_year: SchoolYear | str, municipality_code: str | None) -> ReportText | None:
    return _texts(school_year, municipality_code).select_related("updated_by").first()


def report_text(school_year: SchoolYear | str, municipality_code: str | None) -> str:
    """The annual report's text of a municipality (CBS code) or, with None, the
    region; "" when none was written. Plain text: escape it when shown."""
    text = _texts(school_year, municipality_code).values_list("text", flat=True).first()
    return text or ""


def normalise(text: str) -> str:
    """Line ends as \\n, no trailing spaces, no blank lines at the start or end."""
    lines = [line.rstrip() for line in (text or "").replace("\r\n", "\n").split("\n")]
    return "\n".join(lines).strip("\n")


def paragraphs(text: str) -> list[str]:
    """The paragraphs of a text (split on blank lines); still plain text."""
    return [p.strip("\n") for p in _BLANK_LINE.split(normalise(text)) if p.strip()]


def save_report_text(
    school_year: SchoolYear | str,
    municipality_code: str | None,
    text: str,
    *,
    expected_version: int,
    user: Any,
) -> ReportText:
    """Save the text when it is still at `expected_version` (0: none yet);
    otherwise raise StaleText with the text as it is now."""
    year = str(school_year)
    text = normalise(text)
    now = timezone.now()
    changes = {"text": text, "updated_by": user, "updated_at": now}
    with transaction.atomic():
        if expected_version == 0:
            if _texts(year, municipality_code).exists():
                raise StaleText(current_text(year, municipality_code))
            try:
                with transaction.atomic():
                    return ReportText.objects.create(
                        school_year=year,
                        municipality_id=municipality_code,
                        version=1,
                        **changes,
                    )
            except IntegrityError:
                pass  # created by someone else a moment ago
        else:
            updated = (
                _texts(year, municipality_code)
                .filter(version=expected_version)
                .update(version=F("version") + 1, **changes)
            )
            if updated:
                return current_text(year, municipality_code)
    raise StaleText(current_text(year, municipality_code))
