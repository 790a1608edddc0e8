"""A re-load finds its unchanged rows by the digest of the line each row was
loaded from (registry/imports/digest.py), on PostgreSQL and SQLite alike. Whatever else changes a row
must make the next re-load see the change: the digest may only ever save time,
never hide a difference."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection

from rbl.registry.imports import run_import
from rbl.registry.models import Enrolment, Person

from .conftest import PEIL
from .test_bulk_path import BRP_HEADER, ENROL_HEADER, enrolment_line, person_line


def brp_file(write, count: int = 8, header: str = BRP_HEADER, **changes: dict[str, str]):
    lines = [person_line(i, **changes.get(f"p{i}", {})) for i in range(count)]
    return write(header + "\n".join(lines) + "\n")


def counts(result) -> tuple[int, int, int]:
    return result.created, result.updated, result.unchanged


def test_a_person_changed_in_the_application_is_restored_by_the_same_extract(region, write):
    path = brp_file(write)
    run_import("brp", path, peildatum=PEIL)
    person = Person.objects.get(given_names="Kim 3")
    person.surname = "Veranderd"
    person.save()
    again = run_import("brp", path, peildatum=PEIL)
    assert counts(again) == (0, 1, 7)
    assert Person.objects.get(pk=person.pk).surname == "Jansen"
    third = run_import("brp", path, peildatum=PEIL)
    assert (third.via, counts(third)) == ("bulk", (0, 0, 8))


def test_a_change_in_plain_sql_is_seen_too(region, write):
    path = brp_file(write)
    run_import("brp", path, peildatum=PEIL)
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE registry_person SET birth_date = %s WHERE given_names = %s",
            [dt.date(2011, 1, 1), "Kim 5"],
        )
    again = run_import("brp", path, peildatum=PEIL)
    assert counts(again) == (0, 1, 7)
    assert Person.objects.get(given_names="Kim 5").birth_date == dt.date(2012, 3, 6)


def test_a_moved_out_person_who_returns_is_a_resident_again(region, write):
    run_import("brp", brp_file(write), peildatum=PEIL)
    shorter = run_import("brp", brp_file(write, count=7), peildatum=PEIL)
    assert shorter.moved_out == 1
    back = run_import("brp", brp_file(write), peildatum=PEIL)
    assert counts(back) == (0, 1, 7)
    assert not Person.objects.filter(moved_out_on__isnull=False).exists()


def test_the_same_cells_under_another_column_order_are_unchanged(region, write):
    run_import("brp", brp_file(write), peildatum=PEIL)
    names = BRP_HEADER.strip().split(",")
    order = [names.index("geslachtsnaam"), names.index("bsn")] + [
        i for i, name in enumerate(names) if name not in ("bsn", "geslachtsnaam")
    ]

    def reordered(line: str) -> str:
        cells = line.split(",")
        return ",".join(cells[i] for i in order)

    text = reordered(BRP_HEADER.strip()) + "\n"
    text += "\n".join(reordered(person_line(i)) for i in range(8)) + "\n"
    result = run_import("brp", write(text), peildatum=PEIL)
    assert (result.via, counts(result)) == ("bulk", (0, 0, 8))
    # ... and a change in that layout is still a change.
    text = text.replace("Kim 2,", "Kim Twee,")
    assert counts(run_import("brp", write(text), peildatum=PEIL)) == (0, 1, 7)


def test_a_line_twice_in_a_reload_is_reported_by_the_python_path(region, write):
    run_import("brp", brp_file(write), peildatum=PEIL)
    text = BRP_HEADER + "\n".join([person_line(i) for i in range(8)] + [person_line(4)]) + "\n"
    result = run_import("brp", write(text), peildatum=PEIL)
    assert result.via == "python"
    assert result.rejected and "bsn" in {e.column for e in result.errors}
    assert Person.objects.count() == 8


def test_a_reload_with_one_change_updates_only_that_person(region, write):
    run_import("brp", brp_file(write), peildatum=PEIL)
    result = run_import("brp", brp_file(write, p6={"straat": "Kerkstraat"}), peildatum=PEIL)
    assert (result.via, counts(result)) == ("bulk", (0, 1, 7))
    assert Person.objects.get(given_names="Kim 6").street == "Kerkstraat"


def test_an_enrolment_changed_in_the_application_is_restored_by_the_same_file(region, write):
    text = ENROL_HEADER + "\n".join(enrolment_line(i) for i in range(6)) + "\n"
    run_import("inschrijvingen", write(text))
    enrolment = Enrolment.objects.order_by("pk")[2]
    enrolment.end = dt.date(2025, 1, 1)
    enrolment.save()
    again = run_import("inschrijvingen", write(text))
    assert (again.via, again.created, again.updated, again.unchanged) == ("bulk", 0, 1, 5)
    assert Enrolment.objects.get(pk=enrolment.pk).end is None


def test_loaded_rows_carry_a_digest_that_a_change_empties(region, write):
    run_import("brp", brp_file(write), peildatum=PEIL)
    assert not Person.objects.filter(source_digest__isnull=True).exists()
    person = Person.objects.get(given_names="Kim 1")
    person.last_mutation_on = PEIL  # not a value from the extract: digest kept
    person.save()
    person.refresh_from_db()
    assert person.source_digest is not None
    person.city = "Lichtenvoorde"
    person.save()
    person.refresh_from_db()
    assert person.source_digest is None
    run_import("brp", brp_file(write), peildatum=PEIL)
    assert not Person.objects.filter(source_digest__isnull=True).exists()


def test_rows_loaded_by_the_python_path_get_their_digest_on_the_next_bulk_reload(
    region, write, monkeypatch
):
    from rbl.registry.imports import bulk

    path = brp_file(write)
    with monkeypatch.context() as patch:
        patch.setattr(bulk, "try_bulk", lambda *args, **kwargs: False)
        run_import("brp", path, peildatum=PEIL)
    assert not Person.objects.filter(source_digest__isnull=False).exists()
    result = run_import("brp", path, peildatum=PEIL)
    assert (result.via, counts(result)) == ("bulk", (0, 0, 8))
    assert not Person.objects.filter(source_digest__isnull=True).exists()


def test_a_semicolon_file_reloads_unchanged_and_sees_a_change(region, write):
    text = (
        BRP_HEADER.replace(",", ";")
        + "\n".join(person_line(i).replace(",", ";") for i in range(8))
        + "\n"
    )
    first = run_import("brp", write(text), peildatum=PEIL)
    assert (first.via, first.created) == ("bulk", 8)
    again = run_import("brp", write(text), peildatum=PEIL)
    assert (again.via, counts(again)) == ("bulk", (0, 0, 8))
    changed = run_import("brp", write(text.replace(";Kim 4;", ";Kim Vier;")), peildatum=PEIL)
    assert (changed.via, counts(changed)) == ("bulk", (0, 1, 7))
    assert Person.objects.filter(given_names="Kim Vier").count() == 1


def _line_digest(kind: str, header: str, line: str) -> int:
    """The digest a bulk load stores for `line` of a file with `header` (digest.py)."""
    from rbl.registry.imports.digest import header_seed, line_hasher

    seed = header_seed(kind, header.strip().split(","), ",")
    if connection.vendor == "sqlite":
        return line_hasher(seed)(line.encode())
    with connection.cursor() as cursor:
        cursor.execute("SELECT hashtextextended(%s, %s)", [line, seed])
        return cursor.fetchone()[0]


def test_two_rows_with_one_digest_send_the_reload_to_the_python_path(region, write):
    """A digest collision: the unchanged line of one person finds two rows."""
    path = brp_file(write)
    run_import("brp", path, peildatum=PEIL)
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE registry_person SET source_digest = "
            "(SELECT source_digest FROM registry_person WHERE given_names = 'Kim 2') "
            "WHERE given_names = 'Kim 5'"
        )
    again = run_import("brp", path, peildatum=PEIL)
    assert (again.via, counts(again)) == ("python", (0, 0, 8))
    assert not Person.objects.filter(moved_out_on__isnull=False).exists()


def test_a_changed_line_that_finds_another_changed_row_goes_to_the_python_path(region, write):
    """A digest collision that the counts cannot see: the changed line of Kim 2 has
    the digest of Kim 5's row, whose own line changed too. Kim 5's new line is
    matched to its row by BSN, which another line already found."""
    run_import("brp", brp_file(write), peildatum=PEIL)
    changes = {"p2": {"straat": "Kerkstraat"}, "p5": {"straat": "Dijkstraat"}}
    new_line = person_line(2, straat="Kerkstraat")
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE registry_person SET source_digest = %s WHERE given_names = 'Kim 5'",
            [_line_digest("brp", BRP_HEADER, new_line)],
        )
    result = run_import("brp", brp_file(write, **changes), peildatum=PEIL)
    assert (result.via, counts(result)) == ("python", (0, 2, 6))
    assert Person.objects.get(given_names="Kim 2").street == "Kerkstraat"
    assert Person.objects.get(given_names="Kim 5").street == "Dijkstraat"
    assert not Person.objects.filter(moved_out_on__isnull=False).exists()


def test_a_changed_enrolment_line_that_finds_another_changed_row_goes_to_the_python_path(
    region, write
):
    """The same collision in the enrolments, which keep rows that the file no
    longer names: only the key of the other changed line shows it."""
    lines = [enrolment_line(i) for i in range(6)]
    run_import("inschrijvingen", write(ENROL_HEADER + "\n".join(lines) + "\n"))
    lines[2] = enrolment_line(2, uitschrijvingsdatum="2025-01-31")
    lines[5] = enrolment_line(5, uitschrijvingsdatum="2025-02-28")
    second, fifth = (Enrolment.objects.get(bsn=lines[i].split(",")[0]) for i in (2, 5))
    Enrolment.objects.filter(pk=fifth.pk).update(
        source_digest=_line_digest("inschrijvingen", ENROL_HEADER, lines[2])
    )
    result = run_import("inschrijvingen", write(ENROL_HEADER + "\n".join(lines) + "\n"))
    assert (result.via, result.created, result.updated, result.unchanged) == ("python", 0, 2, 4)
    assert Enrolment.objects.get(pk=second.pk).end == dt.date(2025, 1, 31)
    assert Enrolment.objects.get(pk=fifth.pk).end == dt.date(2025, 2, 28)


def test_a_file_with_quoted_cells_keeps_no_digests_and_still_reloads_right(region, write):
    """A quoted cell may hold the separator: its lines are not simply their cells
    joined, so no digest is kept (SQLite) or the Python path reads the file
    (PostgreSQL); re-loads compare cell by cell."""
    text = brp_file(write).read_text().replace(",Jansen,", ',"Jansen",')
    first = run_import("brp", write(text), peildatum=PEIL)
    assert first.created == 8
    assert not Person.objects.filter(source_digest__isnull=False).exists()
    assert counts(run_import("brp", write(text), peildatum=PEIL)) == (0, 0, 8)
    changed = text.replace("Kim 3,", "Kim Drie,")
    assert counts(run_import("brp", write(changed), peildatum=PEIL)) == (0, 1, 7)


@pytest.mark.skipif(connection.vendor != "sqlite", reason="the digest index is SQLite's")
def test_a_reload_that_changes_many_rows_builds_the_digest_index_again(region, write, monkeypatch):
    from rbl.registry.imports import bulk

    run_import("brp", brp_file(write), peildatum=PEIL)
    monkeypatch.setattr(bulk, "_FEW_ROWS", 0)  # every re-load counts as "many rows"
    changes = {f"p{i}": {"straat": "Kerkstraat"} for i in range(8)}
    result = run_import("brp", brp_file(write, **changes), peildatum=PEIL)
    assert (result.via, counts(result)) == ("bulk", (0, 8, 0))
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT COUNT(*) FROM sqlite_master WHERE type = 'index' "
            "AND name = 'registry_person_digest'"
        )
        assert cursor.fetchone()[0] == 1
    assert counts(run_import("brp", brp_file(write, **changes), peildatum=PEIL)) == (0, 0, 8)


def test_a_file_with_windows_line_ends_keeps_digests_and_reloads_by_them(region, write):
    text = brp_file(write).read_text().replace("\n", "\r\n")
    first = run_import("brp", write(text), peildatum=PEIL)
    assert (first.via, first.created) == ("bulk", 8)
    assert not Person.objects.filter(source_digest__isnull=True).exists()
    # The same lines with Unix line ends have the same digests.
    digests = set(Person.objects.values_list("source_digest", flat=True))
    assert counts(run_import("brp", brp_file(write), peildatum=PEIL)) == (0, 0, 8)
    assert set(Person.objects.values_list("source_digest", flat=True)) == digests
    changed = run_import("brp", write(text.replace("Kim 6,", "Kim Zes,")), peildatum=PEIL)
    assert (changed.via, counts(changed)) == ("bulk", (0, 1, 7))
    assert Person.objects.get(given_names="Kim Zes").source_digest not in digests
