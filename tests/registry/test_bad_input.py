"""Bad input to the imports (R-65): a file no export would produce ends in a
Dutch message naming line and column, exit 1, and nothing changed; never a
traceback."""

from __future__ import annotations

import pytest

from rbl.registry.imports.reader import MAX_CELL, MAX_COLUMNS
from rbl.registry.models import ImportLog, ImportOutcome, Person

from .conftest import PEIL
from .test_brp_import import HEADER, ROWS, snapshot


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
