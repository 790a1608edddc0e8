"""The bulk path's cell checks in SQL (bulk.cell_valid) against the Python parsers,
cell by cell, on the database under test.

A cell the SQL accepts must be one the parser accepts (else a bad file would be
loaded); a plain ASCII cell the parser accepts should pass the SQL too (else
every file holding it would take the slow Python path).
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from rbl.core.bsn import make_bsn
from rbl.registry.imports import bulk
from rbl.registry.imports import fields as f

pytestmark = pytest.mark.django_db

CHECKS = settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)


def sql_accepts(column: f.Column, cell: str) -> bool:
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT {bulk.cell_valid(column, 'v.x')} FROM (SELECT CAST(%s AS TEXT) AS x) v",
            [cell],
        )
        return bool(cursor.fetchone()[0])


def python_accepts(column: f.Column, cell: str) -> bool:
    try:
        column.parse(cell)
    except f.FieldError:
        return False
    return True


def agree(column: f.Column, cell: str) -> None:
    by_sql = sql_accepts(column, cell)
    if by_sql:
        assert python_accepts(column, cell), f"SQL accepts {cell!r}, the parser does not"
    elif cell.isascii() and cell == cell.strip():
        assert not python_accepts(column, cell), f"the parser accepts {cell!r}, SQL does not"


DATE = f.Column("geboortedatum", f.date, required=True)
BSN = f.Column("bsn", f.bsn, required=True)
CODE = f.Column("gemeentecode", f.gemeentecode, required=True)
BRIN = f.Column("brin", f.brin, required=True)
VESTIGING = f.Column("vestiging", f.vestiging, required=True)

dates = st.dates(min_value=dt.date(1800, 1, 1), max_value=dt.date(2300, 12, 31)).map(
    dt.date.isoformat
)
# A date's form with any day and month, such as 2023-02-29 or 2012-13-01.
date_forms = st.builds(
    "{:04d}-{:02d}-{:02d}".format,
    st.integers(1890, 2210),
    st.integers(0, 13),
    st.integers(0, 32),
)
near_dates = st.one_of(dates, date_forms).flatmap(
    lambda day: st.one_of(
        st.just(day),
        st.integers(0, len(day) - 1).flatmap(
            lambda i: st.sampled_from("0123456789-/ aéa٣").map(lambda c: day[:i] + c + day[i + 1 :])
        ),
        st.just(day[:-1]),
        st.just(day + "0"),
    )
)


@CHECKS
@given(
    cell=st.one_of(
        near_dates,
        st.sampled_from(
            ["1900-01-01", "2200-12-31", "1899-12-31", "2201-01-01", "1900-02-29", "2000-02-29"]
            + ["2100-02-29", "2200-02-29", "2024-02-29", "2023-02-29", "2024-04-31", "2024-4-30"]
        ),
        st.text("0123456789-", min_size=8, max_size=12),
    )
)
def test_the_date_check_in_sql_is_the_date_parser(cell):
    agree(DATE, cell)


bsns = st.integers(0, 10**8).map(make_bsn)


@CHECKS
@given(
    cell=st.one_of(
        bsns,
        bsns.flatmap(
            lambda bsn: st.integers(0, 8).flatmap(
                lambda i: st.sampled_from("0123456789 a-٣").map(
                    lambda c: bsn[:i] + c + bsn[i + 1 :]
                )
            )
        ),
        st.text("0123456789", min_size=8, max_size=10),
        st.just("000000000"),
    )
)
def test_the_bsn_check_in_sql_is_the_bsn_parser(cell):
    agree(BSN, cell)


@CHECKS
@given(
    cell=st.text("0123456789AZaz9-éſ٣ ", min_size=1, max_size=5),
    column=st.sampled_from([CODE, BRIN, VESTIGING]),
)
def test_the_code_checks_in_sql_are_the_code_parsers(cell, column):
    agree(column, cell)
