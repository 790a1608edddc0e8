"""Bad input to the imports (R-65): a file no export would produce ends in a
Dutch message naming line and column, exit 1, and nothing changed; never a
traceback."""

from __future__ import annotations

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from rbl.core.bsn import make_bsn
from rbl.registry.imports import fields as f
from rbl.registry.imports.reader import MAX_CELL, MAX_COLUMNS
from rbl.registry.models import ImportLog, ImportOutcome, Person

from .conftest import PEIL
from .test_brp_import import HEADER, ROWS, snapshot
from .test_cell_rules import python_accepts, sql_accepts


@pytest.fixture
def loaded(region, write, rbl_import):
    code, _ = rbl_import("brp", write(HEADER + "\n".join(ROWS) + "\n"), "--peildatum", str(PEIL))
    assert code == 0
    return snapshot()


def test_a_file_with_thousands_of_extra_columns_is_refused_at_its_header(loaded, write, rbl_import):
    extra = ";".join(f"extra{i}" for i in range(5000))
    # Over 1 MiB, so that the bulk path would read it on either database.
    cells = ";".join(["x" * 250] * 5000)
    path = write(HEADER.rstrip("\n") + ";" + extra + "\n" + ROWS[0] + ";" + cells + "\n")
    assert path.stat().st_size > 1 << 20
    code, result = rbl_import("brp", path, "--peildatum", str(PEIL))
    assert code == 1
    assert result["errors"] == [
        {
            "line": 1,
            "column": "",
            "value": "",
            "reason": f"de kopregel heeft 5.011 kolommen; een importbestand heeft er "
            f"hoogstens {MAX_COLUMNS}",
        }
    ]
    assert snapshot() == loaded
    assert ImportLog.objects.latest("started_at").outcome == ImportOutcome.REJECTED


def test_the_command_line_prints_the_refusal_in_dutch(loaded, write, capsys):
    from django.core.management import call_command

    path = write(";".join(["bsn"] + [f"k{i}" for i in range(MAX_COLUMNS)]) + "\n1;2\n")
    with pytest.raises(SystemExit) as exit_:
        call_command("import", "brp", str(path))
    assert exit_.value.code == 1
    out = capsys.readouterr().out
    assert "AFGEKEURD: niets gewijzigd" in out
    assert f"regel 1: de kopregel heeft {MAX_COLUMNS + 1} kolommen" in out
    assert "Traceback" not in out


@pytest.mark.parametrize("quoted", [False, True])
def test_a_ten_megabyte_cell_names_its_line_and_column(loaded, write, rbl_import, quoted):
    big = "M" * 10_000_000
    if quoted:  # a quoted cell, over two lines, with a quote and a separator in it
        big = '"Mark ""t"";\n' + big + '"'
    rows = [ROWS[0], ROWS[1].replace("Kerkstraat", big), ROWS[2]]
    code, result = rbl_import(
        "brp", write(HEADER + "\n".join(rows) + "\n"), "--peildatum", str(PEIL)
    )
    assert code == 1
    assert result["errors"] == [
        {
            "line": 4 if quoted else 3,
            "column": "straat",
            "value": "",
            "reason": f"veld is langer dan {MAX_CELL:,} tekens".replace(",", "."),
        }
    ]
    assert snapshot() == loaded


def test_a_long_cell_past_the_last_column_is_counted(loaded, write, rbl_import):
    rows = [ROWS[0] + ";" + "x" * (MAX_CELL + 1)]
    code, result = rbl_import(
        "brp", write(HEADER + "\n".join(rows) + "\n"), "--peildatum", str(PEIL)
    )
    assert code == 1
    (error,) = result["errors"]
    assert (error["line"], error["column"]) == (2, "")
    assert "veld 12, na de laatste kolom van de kopregel" in error["reason"]


def test_a_broken_quote_is_explained_in_dutch(loaded, write, rbl_import):
    rows = [ROWS[0], ROWS[1].replace("Kerkstraat", '"Kerk"straat')]
    code, result = rbl_import(
        "brp", write(HEADER + "\n".join(rows) + "\n"), "--peildatum", str(PEIL)
    )
    assert code == 1
    assert result["errors"][0]["line"] == 3
    assert result["errors"][0]["reason"] == (
        "onleesbare CSV-regel: na een afsluitend aanhalingsteken hoort een scheidingsteken"
    )
    assert Person.objects.count() == 3


# --- names: the characters of the BRP -------------------------------------------------

GOOD_NAMES = ["'s-Heerenberg", "O'Neill", "Müller-Lüdenscheidt", "Zoë", "J.P.", "Ĳsbrand", "Łukasz"]
BAD_NAMES = [
    ("<script>alert(1)</script>", "het teken '<'"),
    ("=cmd|' /C calc'!A0", "het teken '='"),
    ("Jan\u202eneJ", "een stuurteken"),
    ("O\u2019Neill", "het teken '\u2019'"),
]
NAME_COLUMNS = ["geslachtsnaam", "voorvoegsel", "voornamen", "ouder1_naam", "ouder2_naam"]
NAMES_HEADER = (
    "bsn;geslachtsnaam;voorvoegsel;voornamen;geboortedatum;gemeentecode;ouder1_naam;ouder2_naam\n"
)


def names_row(**names: str) -> str:
    values = {"geslachtsnaam": "Jansen", "voorvoegsel": "", "voornamen": "Piet"}
    values |= {"ouder1_naam": "", "ouder2_naam": ""} | names
    return (
        f"999993653;{values['geslachtsnaam']};{values['voorvoegsel']};{values['voornamen']};"
        f"2012-03-04;0197;{values['ouder1_naam']};{values['ouder2_naam']}"
    )


def test_names_of_the_brp_are_taken(region, write, rbl_import):
    rows = [names_row(geslachtsnaam=n, ouder1_naam=f"A. {n}") for n in GOOD_NAMES[:1]]
    code, result = rbl_import("brp", write(NAMES_HEADER + rows[0] + "\n"), "--peildatum", str(PEIL))
    assert code == 0, result["errors"]
    for name in GOOD_NAMES:
        row = names_row(geslachtsnaam=name, voornamen=name, ouder2_naam=f"{name} van Dijk")
        code, result = rbl_import("brp", write(NAMES_HEADER + row + "\n"), "--peildatum", str(PEIL))
        assert code == 0, result["errors"]
        person = Person.objects.get(bsn="999993653")
        assert (person.surname, person.given_names) == (name, name)
        assert person.parent2_name == f"{name} van Dijk"


@pytest.mark.parametrize("column", NAME_COLUMNS)
@pytest.mark.parametrize(("bad", "named"), BAD_NAMES)
def test_a_name_outside_the_brp_characters_is_refused(
    loaded, write, rbl_import, column, bad, named
):
    if column == "voorvoegsel":  # at most 20 characters
        bad = bad[:20]
    rows = [names_row(), names_row(**{column: bad}).replace("999993653", "999990639")]
    code, result = rbl_import(
        "brp", write(NAMES_HEADER + "\n".join(rows) + "\n"), "--peildatum", str(PEIL)
    )
    assert code == 1
    (error,) = result["errors"]
    assert (error["line"], error["column"], error["value"]) == (3, column, bad)
    assert error["reason"].startswith(
        f"naam bevat {named}; een naam uit de BRP bestaat uit letters"
    )
    assert snapshot() == loaded
    stored = ImportLog.objects.latest("started_at")
    assert stored.outcome == ImportOutcome.REJECTED
    assert bad not in str(stored.errors)


@pytest.mark.parametrize("column", ["geslachtsnaam", "ouder1_naam"])
def test_a_mutation_with_a_bad_name_is_refused(loaded, write, rbl_import, column):
    header = "bsn;mutatie;mutatiedatum;geslachtsnaam;geboortedatum;gemeentecode;ouder1_naam\n"
    names = {"geslachtsnaam": "Jansen", "ouder1_naam": "K. Jansen"} | {column: "<b>x</b>"}
    row = f"999993653;I;2026-09-01;{names['geslachtsnaam']};2012-03-04;0197;{names['ouder1_naam']}"
    code, result = rbl_import("brp-mutaties", write(header + row + "\n"), "--peildatum", str(PEIL))
    assert code == 1
    assert [(e["line"], e["column"]) for e in result["errors"]] == [(2, column)]
    assert snapshot() == loaded


NAME = f.Column("geslachtsnaam", f.name(200), required=True)


@settings(max_examples=100, deadline=None)
@given(
    st.text(
        alphabet=st.one_of(
            st.sampled_from(f.NAME_CHARACTERS),
            st.characters(codec="utf-8", exclude_characters="\x00"),
        ),
        max_size=12,
    )
)
@pytest.mark.django_db
def test_the_bulk_path_checks_names_as_the_python_path_does(cell):
    """The SQL form of the name rule (bulk.cell_valid) accepts a cell exactly when the
    parser does (for cells without white space at an end: scan_file keeps those
    out of SQL)."""
    assume(cell == cell.strip() and cell)
    assert sql_accepts(NAME, cell) == python_accepts(NAME, cell), cell


@pytest.mark.django_db
def test_every_brp_name_character_passes_in_sql():
    letters = f.NAME_CHARACTERS.replace(" ", "")
    for part in (letters[:150], letters[150:]):  # a name holds at most 200 characters
        assert sql_accepts(NAME, f"X{part}X") and python_accepts(NAME, f"X{part}X")
    for sign in '×÷<>=|+@"’`':
        assert not sql_accepts(NAME, f"Ja{sign}n"), sign


# --- a full extract that would empty a municipality ------------------------------------


def residents(code: str, numbers: range) -> list[str]:
    return [f"{make_bsn(700_000 + 13 * n)};Jansen;;Kim;2012-03-04;{code};;;;;" for n in numbers]


@pytest.fixture
def town(region, write, rbl_import):
    """60 residents of Aalten and 10 of Winterswijk."""
    rows = residents("0197", range(60)) + residents("0294", range(100, 110))
    code, _ = rbl_import("brp", write(HEADER + "\n".join(rows) + "\n"), "--peildatum", str(PEIL))
    assert code == 0
    return snapshot()


def test_an_extract_that_would_empty_a_municipality_is_refused_until_accepted(
    town, write, rbl_import
):
    path = write(HEADER + "\n".join(residents("0197", range(9))) + "\n")
    code, result = rbl_import("brp", path, "--gemeente", "0197", "--peildatum", str(PEIL))
    assert code == 1
    assert result["errors"] == [
        {
            "line": 1,
            "column": "gemeentecode",
            "value": "0197",
            "reason": "het BRP-extract zou 51 van de 60 inwoners van Aalten (0197) als "
            "vertrokken markeren, meer dan 10 % en meer dan 50. Bevestig het vertrek als dit klopt",
        }
    ]
    assert result["vertrek_te_bevestigen"] == [
        {"gemeentecode": "0197", "gemeente": "Aalten", "inwoners": 60, "vertrokken": 51}
    ]
    assert (result["moved_out"], result["rows"]) == (0, 9)
    assert snapshot() == town
    assert ImportLog.objects.latest("started_at").outcome == ImportOutcome.REJECTED
    # --skip-invalid does not let it through either.
    code, _ = rbl_import("brp", path, "--gemeente", "0197", "--skip-invalid")
    assert code == 1 and snapshot() == town

    code, result = rbl_import(
        "brp", path, "--gemeente", "0197", "--peildatum", str(PEIL), "--accepteer-vertrek"
    )
    assert code == 0 and result["moved_out"] == 51
    assert Person.objects.filter(municipality_id="0197", moved_out_on=PEIL).count() == 51
    log = ImportLog.objects.latest("started_at")
    assert log.outcome == ImportOutcome.APPLIED and log.options["accepteer_vertrek"] is True


def test_departures_within_the_limits_need_no_confirmation(town, write, rbl_import):
    # 50 of 60 is more than 10 %, but not more than 50.
    path = write(HEADER + "\n".join(residents("0197", range(10))) + "\n")
    code, result = rbl_import("brp", path, "--gemeente", "0197", "--peildatum", str(PEIL))
    assert code == 0 and result["moved_out"] == 50


def test_without_gemeente_the_municipalities_in_the_file_are_checked(town, write, rbl_import):
    rows = residents("0197", range(5)) + residents("0294", range(100, 110))
    code, result = rbl_import("brp", write(HEADER + "\n".join(rows) + "\n"))
    assert code == 1
    assert [d["gemeentecode"] for d in result["vertrek_te_bevestigen"]] == ["0197"]
    assert snapshot() == town


@pytest.mark.parametrize("gemeente", [["--gemeente", "0294"], []])
def test_an_empty_extract_is_refused_until_accepted(town, write, rbl_import, gemeente):
    path = write(HEADER)
    code, result = rbl_import("brp", path, *gemeente, "--peildatum", str(PEIL))
    assert code == 1
    (error,) = result["errors"]
    assert error["line"] == 1
    assert error["reason"].startswith("het BRP-extract bevat geen personen")
    assert snapshot() == town
    code, result = rbl_import(
        "brp", path, *gemeente, "--peildatum", str(PEIL), "--accepteer-vertrek"
    )
    assert code == 0 and result["moved_out"] == (10 if gemeente else 0)


def test_the_command_line_says_how_to_confirm(town, write, capsys):
    from django.core.management import call_command

    path = write(HEADER + "\n".join(residents("0197", range(9))) + "\n")
    with pytest.raises(SystemExit) as exit_:
        call_command("import", "brp", str(path), "--gemeente", "0197")
    assert exit_.value.code == 1
    out = capsys.readouterr().out
    assert "AFGEKEURD: niets gewijzigd" in out
    assert "51 van de 60 inwoners van Aalten (0197)" in out
    assert "opnieuw met --accepteer-vertrek" in out
