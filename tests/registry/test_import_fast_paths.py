"""The import's fast paths (valid-row parsing, bulk merge) give the same outcome as
the careful paths they short-cut."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from rbl.core.bsn import bsn_error, make_bsn
from rbl.registry.imports import fields, stage
from rbl.registry.models import Enrolment, Person

from .conftest import PEIL

NAME_CHARACTERS_TOLD = (
    "een naam uit de BRP bestaat uit letters (ook met accent), cijfers, spaties, "
    "koppeltekens, apostrofs en punten"
)
HEADER = "bsn,geslachtsnaam,voornamen,geboortedatum,gemeentecode,opmerking\n"


@pytest.fixture
def bulk(monkeypatch):
    """Every import merges as a big one (hash joins, no staging index) on PostgreSQL."""
    monkeypatch.setattr(stage, "_BIG", 1)


def people(n: int, start: int = 1000) -> list[str]:
    return [
        f"{make_bsn(start + 7 * i)},Jansen,Kim,2012-03-{1 + i % 28:02d},0197," for i in range(n)
    ]


@given(st.one_of(st.text(alphabet="0123456789", min_size=9, max_size=9), st.text(max_size=12)))
def test_bsn_parser_agrees_with_the_eleven_test(value):
    reason = bsn_error(value)
    if reason is None:
        assert fields.bsn(value) == value
    else:
        with pytest.raises(fields.FieldError, match=reason):
            fields.bsn(value)


def test_bulk_merge_counts_load_reload_change_and_move_out(region, write, rbl_import, bulk):
    rows = people(50)
    code, first = rbl_import(
        "brp", write(HEADER + "\n".join(rows) + "\n"), "--peildatum", str(PEIL)
    )
    assert code == 0 and first["created"] == 50
    code, again = rbl_import(
        "brp", write(HEADER + "\n".join(rows) + "\n"), "--peildatum", str(PEIL)
    )
    assert (again["created"], again["updated"], again["unchanged"]) == (0, 0, 50)
    changed = [rows[0].replace("Jansen", "Janssen"), *rows[1:49]]
    code, third = rbl_import(
        "brp", write(HEADER + "\n".join(changed) + "\n"), "--peildatum", str(PEIL)
    )
    assert (third["updated"], third["unchanged"], third["moved_out"]) == (1, 48, 1)
    assert Person.objects.filter(surname="Janssen").count() == 1
    assert Person.objects.filter(moved_out_on=PEIL).count() == 1


def test_bulk_merge_reports_a_repeated_key(region, write, rbl_import, bulk):
    rows = people(3)
    code, result = rbl_import(
        "brp", write(HEADER + "\n".join([*rows, rows[0]]) + "\n"), "--peildatum", str(PEIL)
    )
    assert code == 1 and Person.objects.count() == 0
    assert [(e["line"], e["reason"]) for e in result["errors"]] == [
        (5, "dezelfde sleutel (bsn) staat al op regel 2")
    ]


def test_bulk_enrolments_load_reload_and_end(region, write, rbl_import, bulk):
    head = "bsn,brin,vestiging,sector,inschrijvingsdatum,uitschrijvingsdatum\n"
    rows = [f"{make_bsn(5000 + 7 * i)},12AB,00,PO,2020-08-01," for i in range(30)]
    code, first = rbl_import("inschrijvingen", write(head + "\n".join(rows) + "\n"))
    assert code == 0 and first["created"] == 30
    ended = [rows[0] + "2025-07-31", *rows[1:]]
    code, second = rbl_import("inschrijvingen", write(head + "\n".join(ended) + "\n"))
    assert (second["updated"], second["unchanged"], second["created"]) == (1, 29, 0)
    assert Enrolment.objects.filter(end__isnull=False).count() == 1


def test_control_characters_are_judged_per_column(region, write, rbl_import):
    """The fast path checks a whole row at once; a row it declines gets the full check."""
    good, bad = people(2)
    in_ignored_column = good + "tab\x0bhere"
    in_name = bad.replace("Kim", "K\x0bim")
    code, result = rbl_import(
        "brp",
        write(HEADER + in_ignored_column + "\n" + in_name + "\n"),
        "--peildatum",
        str(PEIL),
    )
    assert code == 1
    assert [(e["line"], e["column"], e["reason"]) for e in result["errors"]] == [
        (3, "voornamen", f"naam bevat een stuurteken; {NAME_CHARACTERS_TOLD}")
    ]
    code, result = rbl_import(
        "brp", write(HEADER + in_ignored_column + "\n"), "--peildatum", str(PEIL)
    )
    assert code == 0 and result["created"] == 1


def test_a_too_long_name_on_the_fast_path_gets_the_full_reason(region, write, rbl_import):
    (row,) = people(1)
    code, result = rbl_import(
        "brp", write(HEADER + row.replace("Kim", "K" * 201) + "\n"), "--peildatum", str(PEIL)
    )
    assert code == 1
    assert result["errors"][0]["reason"] == "tekst is langer dan 200 tekens"
