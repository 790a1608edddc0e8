"""Fuzz tests of every import (R-65): for any input — random bytes, a random CSV
with random headers and cells, a valid file with one field changed — an import
ends in its own result with Dutch reasons (never a traceback), and a refused
file changes no row of the registry or the cases.

On PostgreSQL every plain file takes the bulk path here (conftest.py), so both
paths are fuzzed; on SQLite the Python path and, for plain files, SQLite's bulk
path."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.apps import apps
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from rbl.core.bsn import make_bsn
from rbl.registry.imports import KINDS, run_import
from rbl.registry.imports.fields import Column
from rbl.registry.models import ImportOutcome
from rbl.reporting.reference import ReferenceRejected, load_reference

from .conftest import PEIL

FUZZ = settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)

# What an untranslated message of Python, a driver or the database would hold.
ENGLISH = re.compile(
    r"\b(field|expected|error|invalid|line contains|traceback|exception|not|none|"
    r"column|value|null|unexpected|syntax|table)\b",
    re.IGNORECASE,
)
BOOKKEEPING = {"registry.importlog", "registry.importjob"}
# A message may quote what the file held ('NONE' is geen bekend cijfer): that is
# the user's text, not RBL's, so quoted parts are left out of the check.
QUOTED = re.compile(r"'[^']*'")


def english(reason: str) -> re.Match[str] | None:
    """An English word in RBL's own part of a message, if any."""
    return ENGLISH.search(QUOTED.sub("", reason))


def row_counts() -> dict[str, int]:
    """The rows of every table an import may write (the import log apart)."""
    return {
        model._meta.label_lower: model._base_manager.count()
        for app in ("registry", "cases", "organisation", "absoluut")
        for model in apps.get_app_config(app).get_models()
        if model._meta.label_lower not in BOOKKEEPING and not model._meta.proxy
    }


def valid_cell(column: Column, i: int) -> str:
    """A cell the column's parser takes (cross-field rules may still refuse the row)."""
    rule = getattr(column.parse, "rule", None)
    if rule == "bsn":
        return make_bsn(300_000 + 13 * i)
    if rule == "date":
        return (dt.date(2020, 1, 1) + dt.timedelta(days=i)).isoformat()
    if rule == "gemeentecode":
        return "0197"
    if rule == "brin":
        return "12AB"
    if rule == "vestiging":
        return "00"
    if rule == "yes_no":
        return "N"
    if rule == "choice":
        return column.parse.options[0]
    if rule == "name":
        return "Jansen"
    if rule == "text":
        return f"T{i}" if column.required else ""
    return "3"  # integers, hours, decimals


def valid_file(kind: str, rows: int = 3) -> list[list[str]]:
    columns = KINDS[kind].columns
    header = [c.name for c in columns]
    return [header] + [[valid_cell(c, i) for c in columns] for i in range(rows)]


def as_csv(table: list[list[str]], sep: str) -> bytes:
    return "".join(sep.join(row) + "\n" for row in table).encode("utf-8", "surrogatepass")


# Cells that go wrong in many ways: quotes, both separators, line ends, control
# and wide-space characters, markup and formulas, long and non-BMP text.
nasty_text = st.text(
    alphabet=st.one_of(
        st.sampled_from(list(";,\"\r\n\t\x00\x0b\xa0\u2028<>=|'-.éĳ𝔘")),
        st.characters(codec="utf-8", exclude_categories=("Cs",)),
    ),
    max_size=30,
) | st.integers(0, 5000).map(lambda n: "x" * n)


def random_bytes(kind: str):
    return st.binary(max_size=600)


def random_csv(kind: str):
    names = [c.name for c in KINDS[kind].columns]
    header = st.lists(st.one_of(st.sampled_from(names), nasty_text), min_size=1, max_size=12)
    return st.tuples(header, st.integers(0, 4), st.sampled_from([";", ","])).flatmap(
        lambda h: st.lists(
            st.lists(
                st.one_of(nasty_text, st.sampled_from(["", "0197", "2020-01-01", "J"])),
                min_size=max(0, len(h[0]) - 1),
                max_size=len(h[0]) + 1,
            ),
            max_size=h[1],
        ).map(lambda rows: as_csv([h[0], *rows], h[2]))
    )


def one_field_changed(kind: str):
    table = valid_file(kind)

    def change(args):
        row, col, text, sep = args
        changed = [list(r) for r in table]
        changed[row][col % len(changed[row])] = text
        return as_csv(changed, sep)

    # The new text: anything, or a valid cell of some column (a file that may pass).
    others = st.sampled_from(["", *(valid_cell(c, 7) for c in KINDS[kind].columns)])
    return st.tuples(
        st.integers(0, len(table) - 1),
        st.integers(0, len(table[0]) - 1),
        st.one_of(nasty_text, others),
        st.sampled_from([";", ","]),
    ).map(change)


def any_input(kind: str):
    return st.one_of(random_bytes(kind), random_csv(kind), one_field_changed(kind))


def check_import(kind: str, data: bytes, tmp_path, options: dict) -> None:
    path = tmp_path / f"{kind}.csv"
    path.write_bytes(data)
    before = row_counts()
    result = run_import(kind, path, peildatum=PEIL, **options)  # never raises
    for error in result.errors:
        assert error.line >= 1
        assert error.reason and not english(error.reason), error.reason
    from rbl.registry.models import ImportLog

    outcome = ImportLog.objects.get(pk=result.log_id).outcome
    event(f"{outcome} via {result.via}")  # pytest --hypothesis-show-statistics
    if outcome == ImportOutcome.REJECTED:
        assert row_counts() == before, "a refused import changed rows"
        assert (result.created, result.updated, result.deleted, result.moved_out) == (0, 0, 0, 0)
    else:
        assert not result.rejected or options.get("skip_invalid")


@pytest.fixture
def holding(region, tmp_path):
    """A registry with persons, a school and enrolments, so that imports have rows
    to change (and a refused one rows to leave alone)."""
    for kind in ("scholen", "brp", "inschrijvingen"):
        path = tmp_path / f"base-{kind}.csv"
        path.write_bytes(as_csv(valid_file(kind, 5), ";"))
        run_import(kind, path, peildatum=PEIL)
    return region


@pytest.mark.parametrize("kind", sorted(KINDS))
def test_any_input_ends_in_a_dutch_result_and_a_refusal_changes_nothing(holding, tmp_path, kind):
    @FUZZ
    @given(data=any_input(kind), skip=st.booleans())
    def run(data, skip):
        check_import(kind, data, tmp_path, {"skip_invalid": skip})

    run()


@pytest.mark.parametrize("gemeente", [["0197"], ["0294"]])
def test_any_brp_extract_for_a_municipality(holding, tmp_path, gemeente):
    """The full extract with --gemeente: departures and the empty extract too."""

    @FUZZ
    @given(data=any_input("brp"))
    def run(data):
        check_import("brp", data, tmp_path, {"municipalities": gemeente})

    run()


# --- the national reference figures (reporting/reference.py) --------------------------

REFERENCE = "sleutel;schooljaar;waarde;bron\n"


@pytest.mark.django_db
@FUZZ
@given(
    data=st.one_of(
        st.binary(max_size=600),
        st.lists(st.lists(nasty_text, max_size=5), max_size=4).map(
            lambda rows: (REFERENCE + "".join(";".join(r) + "\n" for r in rows)).encode(
                "utf-8", "surrogatepass"
            )
        ),
    )
)
def test_any_reference_file_is_refused_in_dutch_or_loaded(data):
    from rbl.reporting.models import ReferenceFigure

    before = ReferenceFigure.objects.count()
    try:
        load_reference(data)
    except ReferenceRejected as refused:
        assert ReferenceFigure.objects.count() == before
        for problem in refused.problems:
            assert problem.reason and not english(problem.reason), problem.reason


@pytest.mark.django_db
def test_a_refusal_may_quote_the_file_but_speaks_dutch_itself():
    """Found by the fuzz test in CI: a key 'NONE' is quoted back to the user;
    the check reads RBL's own words only, and still catches English there."""
    with pytest.raises(ReferenceRejected) as refused:
        load_reference((REFERENCE + "NONE;2024-2025;1;bron\n").encode())
    (problem,) = refused.value.problems
    assert "'NONE' is geen bekend cijfer" in problem.reason
    assert english(problem.reason) is None
    assert english("'NONE' is not a known figure") is not None
