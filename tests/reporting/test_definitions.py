"""Every yearly figure is documented in the README with its definition, and a
school year reads and writes as "2024-2025"."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from rbl.reporting.definitions import FIGURES, SchoolYear

README = Path(__file__).resolve().parents[2] / "README.md"


def test_readme_documents_every_figure_with_its_definition():
    text = README.read_text(encoding="utf-8")
    for figure in FIGURES:
        assert f"`{figure.key}`" in text, figure.key
        assert figure.definition in text, figure.key


@given(st.dates(dt.date(1950, 1, 1), dt.date(2150, 12, 31)))
def test_every_day_lies_in_its_school_year(day):
    year = SchoolYear.of(day)
    assert year.start <= day <= year.end
    assert SchoolYear.parse(str(year)) == year
    assert year.count_day == dt.date(year.first_year, 10, 1)
    assert year.previous.end + dt.timedelta(days=1) == year.start


@pytest.mark.parametrize(
    "text", ["2024/2025", "2024-2026", "24-25", "", "2024-2025-2026", "abcd-efgh"]
)
def test_a_wrong_school_year_gets_a_dutch_message(text):
    with pytest.raises(ValueError, match="geen schooljaar"):
        SchoolYear.parse(text)
