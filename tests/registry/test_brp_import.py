"""rbl import brp / brp-mutaties: what a registry administrator sees."""

from __future__ import annotations

import datetime as dt

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from rbl.registry.imports import run_import
from rbl.registry.models import ImportLog, ImportOutcome, Person

from .conftest import PEIL

HEADER = "bsn;geslachtsnaam;voorvoegsel;voornamen;geboortedatum;gemeentecode;straat;huisnummer;postcode;woonplaats;geheim\n"
ROWS = [
    "999993653;Jansen;;Piet;2012-03-04;0197;Markt;1;7121AA;Aalten;N",
    "999990639;Vries;de;Anna;2008-02-29;0294;Kerkstraat;2;7101AB;Winterswijk;J",
    "999991723;Bakker;;Sem;2019-11-30;0197;Dijk;3;7121AB;Aalten;",
]


def snapshot():
    return sorted(
        Person.objects.values_list(
            "bsn", "surname", "birth_date", "municipality_id", "moved_out_on", "aged_out_on"
        )
    )


def test_first_load_then_reload_is_all_unchanged(region, write, rbl_import):
    path = write(HEADER + "\n".join(ROWS) + "\n")
    code, first = rbl_import("brp", path, "--peildatum", str(PEIL))
    assert code == 0
    assert (first["rows"], first["created"], first["unchanged"]) == (3, 3, 0)
    code, second = rbl_import("brp", path, "--peildatum", str(PEIL))
    assert code == 0
    assert (second["created"], second["updated"], second["unchanged"]) == (0, 0, 3)
    anna = Person.objects.get(bsn="999990639")
    assert anna.prefix == "de" and anna.secret is True and anna.municipality_id == "0294"


def test_one_bad_row_anywhere_rejects_the_whole_file(region, write, rbl_import):
    rbl_import("brp", write(HEADER + ROWS[0] + "\n"), "--peildatum", str(PEIL))
    before = snapshot()
    bad = ROWS[1].replace("2008-02-29", "2007-02-29")
    path = write(HEADER + "\n".join([ROWS[0].replace("Jansen", "Janssen"), ROWS[2], bad]) + "\n")
    code, result = rbl_import("brp", path, "--peildatum", str(PEIL))
    assert code == 1
    assert result["rejected"] == 1
    assert result["rows"] == 3
    assert (result["created"], result["updated"], result["unchanged"]) == (0, 0, 0)
    assert result["errors"] == [
        {
            "line": 4,
            "column": "geboortedatum",
            "value": "2007-02-29",
            "reason": "datum bestaat niet",
        }
    ]
    assert snapshot() == before


def test_stored_log_keeps_no_personal_values(region, write, rbl_import):
    path = write(HEADER + ROWS[0].replace("999993653", "999993654") + "\n")
    rbl_import("brp", path)
    log = ImportLog.objects.get()
    assert log.outcome == ImportOutcome.REJECTED
    assert log.errors == [
        {"line": 2, "column": "bsn", "reason": "BSN voldoet niet aan de elfproef"}
    ]
    assert "999993654" not in str(log.errors) + str(log.counts) + str(log.options)
    assert len(log.sha256) == 64 and log.actor


def test_missing_required_column_is_one_error_on_line_1(region, write, rbl_import):
    path = write("bsn;geslachtsnaam;gemeentecode\n999993653;Jansen;0197\n")
    code, result = rbl_import("brp", path)
    assert code == 1
    assert result["errors"] == [
        {"line": 1, "column": "geboortedatum", "value": "", "reason": "verplichte kolom ontbreekt"}
    ]


def test_municipality_outside_region_or_options_is_rejected(region, write, rbl_import):
    path = write(HEADER + ROWS[0].replace(";0197;", ";0202;") + "\n")
    code, result = rbl_import("brp", path)
    assert code == 1 and result["errors"][0]["column"] == "gemeentecode"
    path = write(HEADER + ROWS[1] + "\n")
    code, result = rbl_import("brp", path, "--gemeente", "0197")
    assert code == 1 and "--gemeente" in result["errors"][0]["reason"]


def test_bom_comma_separator_quotes_and_extra_columns(region, write, rbl_import):
    text = (
        "\ufeffbsn,geslachtsnaam,voornamen,geboortedatum,gemeentecode,woonplaats,extra\n"
        '999993653,"Jansen",Piet,2012-03-04,0197,"Aalten, Dorp",whatever\n'
    )
    code, result = rbl_import("brp", write(text))
    assert code == 0 and result["created"] == 1
    assert (Person.objects.get().surname, Person.objects.get().city) == ("Jansen", "Aalten, Dorp")


def test_duplicate_key_in_one_file_is_rejected(region, write, rbl_import):
    path = write(HEADER + ROWS[0] + "\n" + ROWS[1] + "\n" + ROWS[0] + "\n")
    code, result = rbl_import("brp", path)
    assert code == 1
    assert result["errors"][0]["line"] == 4 and "regel 2" in result["errors"][0]["reason"]
    assert Person.objects.count() == 0


def test_skip_invalid_applies_good_rows_and_exits_0(region, write, rbl_import):
    path = write(HEADER + ROWS[0] + "\n" + "123;X;;;2010-01-01;0197;;;;;\n" + ROWS[2] + "\n")
    code, result = rbl_import("brp", path, "--skip-invalid")
    assert code == 0
    assert (result["created"], result["rejected"]) == (2, 1)
    assert ImportLog.objects.get().outcome == ImportOutcome.PARTIAL


def test_hostile_text_is_stored_verbatim_or_rejected(region, write, rbl_import):
    hostile = "<script>alert(1)</script>'; DROP TABLE registry_person; --"
    quoted = '"' + hostile.replace('"', '""') + '"'
    # A name holds the BRP's characters only (test_bad_input.py); other text is kept as is.
    code, result = rbl_import("brp", write(HEADER + ROWS[0].replace("Jansen", quoted) + "\n"))
    assert code == 1 and result["errors"][0]["column"] == "geslachtsnaam"
    code, result = rbl_import("brp", write(HEADER + ROWS[0].replace("Aalten", quoted) + "\n"))
    assert code == 0
    assert Person.objects.get().city == hostile
    code, result = rbl_import("brp", write(HEADER + ROWS[0].replace("Jansen", "A\x00B") + "\n"))
    assert code == 1 and result["errors"][0]["line"] == 2


def test_not_utf8_and_broken_csv_name_the_line(region, write, rbl_import):
    code, result = rbl_import(
        "brp", write(HEADER + ROWS[0].replace("Piet", "Pi\xebt") + "\n", encoding="latin-1")
    )
    assert (
        code == 1 and result["errors"][0]["line"] == 2 and "UTF-8" in result["errors"][0]["reason"]
    )
    code, result = rbl_import("brp", write(HEADER + ROWS[0] + ";extra;cells\n"))
    assert code == 1 and result["errors"][0]["line"] == 2


def test_full_extract_moves_out_the_missing_and_ages_out_24(region, write, rbl_import):
    old = "999992740;Oud;;Karel;2002-01-01;0197;;;;;"
    rbl_import("brp", write(HEADER + "\n".join([*ROWS, old]) + "\n"), "--peildatum", "2026-01-01")
    # Next extract of Aalten only: Piet left, Karel turned 24; Winterswijk untouched.
    code, result = rbl_import(
        "brp", write(HEADER + ROWS[2] + "\n"), "--gemeente", "0197", "--peildatum", "2026-02-01"
    )
    assert code == 0
    assert (result["moved_out"], result["aged_out"], result["unchanged"]) == (1, 1, 1)
    assert Person.objects.get(bsn="999993653").moved_out_on == dt.date(2026, 2, 1)
    assert Person.objects.get(bsn="999992740").aged_out_on == dt.date(2026, 2, 1)
    assert Person.objects.get(bsn="999990639").moved_out_on is None
    # Same file again: nothing changes.
    code, again = rbl_import(
        "brp", write(HEADER + ROWS[2] + "\n"), "--gemeente", "0197", "--peildatum", "2026-02-01"
    )
    assert (again["moved_out"], again["aged_out"], again["unchanged"]) == (0, 0, 1)


def test_person_moving_between_municipalities_keeps_one_record(region, write, rbl_import):
    rbl_import("brp", write(HEADER + ROWS[0] + "\n"))
    pk = Person.objects.get().pk
    moved = ROWS[0].replace(";0197;", ";0294;")
    code, result = rbl_import("brp", write(HEADER + moved + "\n"), "--gemeente", "0294")
    assert result["updated"] == 1
    person = Person.objects.get()
    assert person.pk == pk and person.municipality_id == "0294"


MUT_HEADER = "bsn,mutatie,mutatiedatum,geslachtsnaam,geboortedatum,gemeentecode,datum_overlijden\n"


def test_mutations_move_inside_region_stale_and_death(region, write, rbl_import):
    rbl_import("brp", write(HEADER + ROWS[0] + "\n"))
    pk = Person.objects.get().pk
    text = MUT_HEADER + (
        "999993653,V,2026-03-01,,,0197,\n"
        "999993653,I,2026-03-01,Jansen,2012-03-04,0294,\n"
        "999991723,I,2026-03-02,Bakker,2019-11-30,0197,\n"
        "999993653,I,2026-02-01,Jansen,2012-03-04,0222,\n"
        "999991723,O,2026-04-01,,,,\n"
    )
    path = write(text)
    code, result = rbl_import("brp-mutaties", path)
    assert code == 0
    assert (result["created"], result["updated"], result["stale"]) == (1, 3, 1)
    piet = Person.objects.get(bsn="999993653")
    assert piet.pk == pk and piet.municipality_id == "0294" and piet.moved_out_on is None
    assert Person.objects.get(bsn="999991723").died_on == dt.date(2026, 4, 1)
    code, again = rbl_import("brp-mutaties", path)
    assert (again["created"], again["updated"]) == (0, 0)


def test_mutation_requires_fields_per_kind(region, write, rbl_import):
    code, result = rbl_import(
        "brp-mutaties", write(MUT_HEADER + "999993653,I,2026-03-01,,,0197,\n")
    )
    assert code == 1
    assert {e["column"] for e in result["errors"]} == {"geslachtsnaam", "geboortedatum"}


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    st.lists(
        st.sampled_from(["bsn", "geboortedatum", "gemeentecode", "ok"]), min_size=1, max_size=6
    )
)
def test_any_bad_row_rejects_everything(region, write, kinds):
    """Property: whatever row is broken and where, nothing changes and the line is named."""
    lines, bad_lines = [], []
    for i, kind in enumerate(kinds):
        bsn = ["999993653", "999990639", "999991723", "999992740", "111222333", "123456782"][i]
        row = f"{bsn};Naam;;;2012-03-04;0197;;;;;"
        if kind == "bsn":
            row = row.replace(bsn, bsn[:-1] + str((int(bsn[-1]) + 1) % 10))
        elif kind == "geboortedatum":
            row = row.replace("2012-03-04", "2012-04-31")
        elif kind == "gemeentecode":
            row = row.replace(";0197;", ";197;")
        if kind != "ok":
            bad_lines.append(i + 2)
        lines.append(row)
    before = snapshot()
    result = run_import("brp", write(HEADER + "\n".join(lines) + "\n"))
    if bad_lines:
        assert [e.line for e in result.errors] == bad_lines
        assert snapshot() == before
    else:
        assert result.rejected == 0
    Person.objects.all().delete()


def test_progress_reports_reading_then_processing(region, write):
    calls = []
    rows = [f"{b};Naam;;;2012-03-04;0197;;;;;" for b in ("999993653", "999990639")]
    path = write(HEADER + "\n".join(rows) + "\n")
    run_import("brp", path, progress=lambda done, total, phase: calls.append((done, total, phase)))
    size = path.stat().st_size
    assert calls[-1] == (size, size, "verwerken")
    assert all(total == size and 0 <= done <= size for done, total, _ in calls)


def test_first_load_into_empty_registry_rebuilds_indexes(region, write, monkeypatch):
    """A big first load builds the indexes after inserting; they are all back
    afterwards, and the unique BSN still holds."""
    import pytest
    from django.db import IntegrityError, connection, transaction

    from rbl.registry.imports.kinds import brp

    monkeypatch.setattr(brp, "BULK_FIRST_LOAD", 1)
    with connection.cursor() as cursor:
        before = set(connection.introspection.get_constraints(cursor, "registry_person"))
    path = write(HEADER + "\n".join(ROWS) + "\n")
    first = run_import("brp", path)
    assert (first.created, first.updated, first.unchanged) == (3, 0, 0)
    with connection.cursor() as cursor:
        after = set(connection.introspection.get_constraints(cursor, "registry_person"))
    assert {"unique_person_bsn", "person_birth_mun"} <= after
    assert after == before
    again = run_import("brp", path)
    assert (again.created, again.updated, again.unchanged) == (0, 0, 3)
    person = Person.objects.first()
    with pytest.raises(IntegrityError), transaction.atomic():
        Person.objects.create(
            bsn=person.bsn, surname="X", birth_date=person.birth_date, municipality_id="0197"
        )
