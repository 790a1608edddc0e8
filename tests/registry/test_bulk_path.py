"""The bulk path (the file checked and merged in SQL) takes exactly the files the
Python path accepts, with the same outcome, counts and registry; it steps aside
for everything else, and the Python path then reports as always. On SQLite and
on PostgreSQL (where it reads the file with COPY rather than Python's csv)."""

from __future__ import annotations

import hashlib

import pytest
from django.db import connection, transaction
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from rbl.core.bsn import make_bsn
from rbl.organisation.models import School
from rbl.registry.imports import bulk, run_import
from rbl.registry.imports.kinds import brp, duo
from rbl.registry.imports.reader import open_csv
from rbl.registry.models import Enrolment, ImportLog, Person

from .conftest import PEIL

BRP_HEADER = (
    "bsn,geslachtsnaam,voorvoegsel,voornamen,geboortedatum,geslacht,gemeentecode,"
    "straat,huisnummer,postcode,woonplaats,datum_overlijden,geheim,ouder1_bsn\n"
)
ENROL_HEADER = "bsn,brin,vestiging,sector,inschrijvingsdatum,uitschrijvingsdatum,mutatie\n"


def person_line(i: int, **change: str) -> str:
    cells = {
        "bsn": make_bsn(5000 + 13 * i),
        "geslachtsnaam": "Jansen",
        "voorvoegsel": "",
        "voornamen": f"Kim {i}",
        "geboortedatum": f"2012-03-{1 + i % 28:02d}",
        "geslacht": "V",
        "gemeentecode": "0197" if i % 2 else "0294",
        "straat": "Markt",
        "huisnummer": str(i),
        "postcode": "7121AA",
        "woonplaats": "Aalten",
        "datum_overlijden": "",
        "geheim": "N",
        "ouder1_bsn": make_bsn(90000 + i),
    }
    cells.update(change)
    return ",".join(cells.values())


def registry() -> list[tuple]:
    return sorted(
        Person.objects.values_list(
            "bsn",
            "surname",
            "prefix",
            "given_names",
            "birth_date",
            "gender",
            "municipality_id",
            "house_number",
            "died_on",
            "secret",
            "parent1_bsn",
            "moved_out_on",
            "aged_out_on",
        )
    )


def enrolments() -> list[tuple]:
    return sorted(
        Enrolment.objects.values_list("bsn", "brin", "vestiging", "sector", "start", "end")
    )


class FailedStatements(list):
    """Records every statement the database refused (its error would be in the server's log)."""

    def __call__(self, execute, sql, params, many, context):
        try:
            return execute(sql, params, many, context)
        except Exception:
            self.append(sql[:80])
            raise


def outcome(kind: str, path, monkeypatch, *, python: bool):
    """Imports `path` on one path inside a savepoint that is rolled back afterwards."""
    failed = FailedStatements()
    with monkeypatch.context() as patch:
        if python:
            patch.setattr(bulk, "try_bulk", lambda *args, **kwargs: False)
        with transaction.atomic(), connection.execute_wrapper(failed):
            result = run_import(kind, path, peildatum=PEIL)
            state = registry() if kind.startswith("brp") else enrolments()
            transaction.set_rollback(True)
    # On PostgreSQL the bulk path steps aside without making the database refuse
    # anything: a refused statement's message (with the cell in it) goes to the
    # server's log. (SQLite has no server log; there a unique index on the file's
    # BSNs may refuse a duplicate, in process.)
    if connection.vendor == "postgresql":
        assert failed == []
    return result, state


def test_a_clean_file_takes_the_bulk_path_and_a_reload_is_all_unchanged(region, write):
    path = write(BRP_HEADER + "\n".join(person_line(i) for i in range(30)) + "\n")
    first = run_import("brp", path, peildatum=PEIL)
    assert first.via == "bulk"
    assert (first.rows, first.created, first.rejected) == (30, 30, 0)
    second = run_import("brp", path, peildatum=PEIL)
    assert second.via == "bulk"
    assert (second.created, second.updated, second.unchanged) == (0, 0, 30)


def test_a_first_load_takes_the_bulk_path_with_indexes_built_afterwards(region, write, monkeypatch):
    monkeypatch.setattr(brp, "BULK_FIRST_LOAD", 1)
    path = write(BRP_HEADER + "\n".join(person_line(i) for i in range(10)) + "\n")
    result = run_import("brp", path, peildatum=PEIL)
    assert (result.via, result.created) == ("bulk", 10)
    assert Person.objects.filter(municipality_id="0197").count() == 5
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT COUNT(*) FROM pg_constraint WHERE conrelid = 'registry_person'::regclass"
        )
        assert cursor.fetchone()[0] >= 3  # primary key, unique BSN, municipality FK


@pytest.mark.parametrize(
    "change, column, reason",
    [
        ({"geboortedatum": "2012-02-30"}, "geboortedatum", "datum bestaat niet"),
        ({"geboortedatum": "2012-2-03"}, "geboortedatum", "datum moet de vorm JJJJ-MM-DD hebben"),
        ({"bsn": "123456789"}, "bsn", "BSN voldoet niet aan de elfproef"),
        ({"bsn": "1234+5678"}, "bsn", "BSN moet uit precies 9 cijfers bestaan"),
        ({"geslacht": "X"}, "geslacht", "onbekende waarde; toegestaan: M, V, O"),
        ({"gemeentecode": "0202"}, "gemeentecode", "gemeente hoort niet bij de regio"),
        ({"voornamen": "K" * 201}, "voornamen", "tekst is langer dan 200 tekens"),
    ],
)
def test_a_bad_cell_sends_the_file_to_the_python_path_which_names_it(
    region, write, change, column, reason
):
    lines = [person_line(i) for i in range(5)]
    lines[3] = person_line(3, **change)
    result = run_import("brp", write(BRP_HEADER + "\n".join(lines) + "\n"), peildatum=PEIL)
    assert result.via == "python"
    assert [(e.line, e.column, e.reason) for e in result.errors] == [(5, column, reason)]
    assert not Person.objects.exists()


def test_quotes_and_wide_spaces_are_read_as_python_reads_them(region, write):
    # PostgreSQL's COPY would read these differently: there the Python path takes them.
    expected = "python" if connection.vendor == "postgresql" else "bulk"
    quoted = person_line(1, woonplaats='"Aalten, Dorp"')
    result = run_import("brp", write(BRP_HEADER + quoted + "\n"), peildatum=PEIL)
    assert (result.via, result.created) == (expected, 1)
    assert Person.objects.get().city == "Aalten, Dorp"
    padded = person_line(2, voornamen="Kim\u00a0")  # no-break space: Python strips it
    result = run_import("brp", write(BRP_HEADER + padded + "\n"), peildatum=PEIL)
    assert result.created == 1
    assert Person.objects.get(given_names="Kim").bsn == make_bsn(5000 + 26)


def test_a_ragged_row_goes_to_the_python_path_without_a_database_error(region, write):
    lines = [person_line(i) for i in range(4)]
    lines[2] += ",extra"
    failed = FailedStatements()
    with connection.execute_wrapper(failed):
        result = run_import("brp", write(BRP_HEADER + "\n".join(lines) + "\n"), peildatum=PEIL)
    assert result.via == "python" and result.rejected == 1
    assert result.errors[0].line == 4
    if connection.vendor == "postgresql":
        assert failed == []


def test_a_bsn_twice_is_reported_by_the_python_path(region, write):
    path = write(BRP_HEADER + "\n".join(person_line(i) for i in range(4)) + "\n")
    run_import("brp", path, peildatum=PEIL)
    twice = [person_line(i) for i in range(4)] + [person_line(2)]
    result = run_import("brp", write(BRP_HEADER + "\n".join(twice) + "\n"), peildatum=PEIL)
    assert result.via == "python"
    assert [(e.line, e.column) for e in result.errors] == [(6, "bsn")]


@pytest.mark.parametrize(
    "again",
    [{}, {"brin": "12ab"}, {"vestiging": ""}],
    ids=["same", "brin-in-lower-case", "vestiging-left-out"],
)
def test_an_enrolment_key_twice_in_a_reload_is_reported_by_the_python_path(region, write, again):
    """The re-load finds a key twice however far apart the two lines are, also
    when they spell it differently (on SQLite: as neighbours once sorted)."""
    lines = [enrolment_line(i) for i in range(6)]
    run_import("inschrijvingen", write(ENROL_HEADER + "\n".join(lines) + "\n"))
    twice = [lines[0], enrolment_line(1, **again), *lines[2:], lines[1]]
    result = run_import("inschrijvingen", write(ENROL_HEADER + "\n".join(twice) + "\n"))
    assert result.via == "python"
    assert [e.line for e in result.errors] == [8]
    assert Enrolment.objects.count() == 6


def assert_paths_agree(kind, header, line, existing, changes, rows, write, monkeypatch):
    """`existing` rows loaded first; then a file of `rows` rows, some changed, is
    imported on each path: same counts, same errors, same registry."""
    if existing:
        run_import(
            kind,
            write(header + "\n".join(line(i) for i in range(existing)) + "\n"),
            peildatum=PEIL,
        )
    lines = [line(i) for i in range(rows)]
    for index, change in changes:
        if index < rows:
            lines[index] = line(index, **change)
    path = write(header + "\n".join(lines) + "\n")
    by_bulk, bulk_state = outcome(kind, path, monkeypatch, python=False)
    by_python, python_state = outcome(kind, path, monkeypatch, python=True)
    event(f"bulk path took: {by_bulk.via}")
    assert by_bulk.counts() == by_python.counts()
    assert [e.public() for e in by_bulk.errors] == [e.public() for e in by_python.errors]
    assert bulk_state == python_state


# Cells as a registry administrator's file may hold them: mostly fine, sometimes odd.
ODD_CELLS = {
    "voornamen": st.sampled_from(["Kim", "", " Kim", "Kim ", "K" * 201, "Zoë", "Kim\u2003"]),
    "geboortedatum": st.sampled_from(
        ["2012-03-04", "2012-02-29", "2011-02-29", "2012-3-04", "2030-01-01", "1899-12-31"]
    ),
    "geslacht": st.sampled_from(["V", "m", "", "X", "ſ"]),
    "gemeentecode": st.sampled_from(["0197", "0294", "0202", "197", "019 7"]),
    "datum_overlijden": st.sampled_from(["", "2020-01-01", "2000-01-01"]),
    "geheim": st.sampled_from(["N", "J", "j", "", "ja"]),
    "ouder1_bsn": st.sampled_from(["", make_bsn(77), "123456789", "12345678 "]),
    "bsn": st.sampled_from([make_bsn(5000), make_bsn(5013), " " + make_bsn(5026), "0"]),
}


@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    existing=st.integers(min_value=0, max_value=6),
    changes=st.lists(
        st.tuples(
            st.integers(min_value=0, max_value=8), st.fixed_dictionaries({}, optional=ODD_CELLS)
        ),
        max_size=4,
    ),
    rows=st.integers(min_value=1, max_value=9),
)
def test_both_paths_agree_on_any_file(region, write, monkeypatch, existing, changes, rows):
    assert_paths_agree("brp", BRP_HEADER, person_line, existing, changes, rows, write, monkeypatch)


def enrolment_line(i: int, **change: str) -> str:
    cells = {
        "bsn": make_bsn(5000 + 13 * i),
        "brin": "12AB" if i % 2 else "34CD",
        "vestiging": "00",
        "sector": "PO",
        "inschrijvingsdatum": "2024-08-01",
        "uitschrijvingsdatum": "",
        "mutatie": "",
    }
    cells.update(change)
    return ",".join(cells.values())


ODD_ENROLMENT_CELLS = {
    "brin": st.sampled_from(["12AB", "12ab", "99ZZ", "12A", "12ſB"]),
    "vestiging": st.sampled_from(["00", "", "01", "1"]),
    "sector": st.sampled_from(["PO", "vo", "VSO", "XX"]),
    "inschrijvingsdatum": st.sampled_from(["2024-08-01", "2023-08-01", "2024-02-30"]),
    "uitschrijvingsdatum": st.sampled_from(["", "2025-07-31", "2020-01-01"]),
    "mutatie": st.sampled_from(["", "V", "v", "X"]),
}


@settings(
    max_examples=30,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    existing=st.integers(min_value=0, max_value=5),
    changes=st.lists(
        st.tuples(
            st.integers(min_value=0, max_value=6),
            st.fixed_dictionaries({}, optional=ODD_ENROLMENT_CELLS),
        ),
        max_size=3,
    ),
    rows=st.integers(min_value=1, max_value=7),
    first_load=st.booleans(),
)
def test_both_paths_agree_on_any_enrolment_file(
    region, write, monkeypatch, existing, changes, rows, first_load
):
    monkeypatch.setattr(duo, "BULK_FIRST_LOAD", 1 if first_load else 20_000)
    assert_paths_agree(
        "inschrijvingen", ENROL_HEADER, enrolment_line, existing, changes, rows, write, monkeypatch
    )


@pytest.mark.parametrize("first_load", [True, False])
def test_enrolments_take_the_bulk_path_for_loads_reloads_and_removals(
    region, write, monkeypatch, first_load
):
    monkeypatch.setattr(duo, "BULK_FIRST_LOAD", 1 if first_load else 20_000)
    lines = [enrolment_line(i) for i in range(6)]
    first = run_import("inschrijvingen", write(ENROL_HEADER + "\n".join(lines) + "\n"))
    assert (first.via, first.created) == ("bulk", 6)
    again = run_import("inschrijvingen", write(ENROL_HEADER + "\n".join(lines) + "\n"))
    assert (again.via, again.unchanged) == ("bulk", 6)
    lines[1] = enrolment_line(1, uitschrijvingsdatum="2025-07-31")
    lines[2] = enrolment_line(2, mutatie="V")
    lines.append(enrolment_line(7, brin="77zz"))
    third = run_import("inschrijvingen", write(ENROL_HEADER + "\n".join(lines) + "\n"))
    assert third.via == "bulk"
    assert (third.created, third.updated, third.deleted, third.unchanged) == (1, 1, 1, 4)
    assert Enrolment.objects.filter(brin="77ZZ", school__placeholder=True).exists()


def test_the_wide_space_list_is_what_python_strips():
    assert bulk.WIDE_SPACE_CHARS == "".join(
        chr(c) for c in range(0x80, 0x110000) if chr(c).isspace()
    )


def _copy_reads_it_as_python_does(data: bytes) -> bool:
    """The reference for scan_file's `plain`, line by line."""
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        return False
    if any(ch in text for ch in '"\\\x7f') or any(ord(ch) < 32 and ch not in "\r\n" for ch in text):
        return False
    if any(ch in text for ch in bulk.WIDE_SPACE_CHARS):
        return False
    lines = text.removeprefix("\ufeff").split("\n")
    ends = lines[-1] == ""
    if ends:
        lines.pop()
    # Line ends: all LF, or all CR LF as the header's (a last line may lack one).
    terminated = lines if ends else lines[:-1]
    if terminated and terminated[0].endswith("\r"):
        if not all(line.endswith("\r") for line in terminated):
            return False
        lines = [line[:-1] for line in terminated] + ([] if ends else [lines[-1]])
    if any("\r" in line for line in lines):
        return False
    separator = ";" if lines[0].count(";") > lines[0].count(",") else ","
    return {line.count(separator) for line in lines[1:]} <= {lines[0].count(separator)}


# Small files of the bytes that matter to the scan: separators, quotes, backslash,
# tab, CR and LF, a wide space, in either line end.
ODD_FILES = st.builds(
    lambda header, rows, newline, at_end: (
        header + newline + newline.join(rows) + (newline if at_end else "")
    ).encode(),
    st.sampled_from(["a,b,c", "a;b;c", "\ufeffa,b", "a", "a;b,c,d"]),
    st.lists(
        st.text(alphabet=st.sampled_from(list('xy,;\n é\u2003"\\\t\r')), max_size=12),
        max_size=6,
    ),
    st.sampled_from(["\n", "\r\n"]),
    st.booleans(),
)


def scanned(tmp_path_factory, monkeypatch, data: bytes, chunk: int, for_copy: bool):
    """The file `data` on disk and its scan, read in chunks of `chunk` bytes."""
    path = tmp_path_factory.mktemp("scan") / "file.csv"
    path.write_bytes(data)
    with monkeypatch.context() as patch:
        patch.setattr(bulk, "SCAN_CHUNK", chunk)
        return path, bulk.scan_file(path, for_copy=for_copy)


@settings(
    max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(data=ODD_FILES, chunk=st.integers(min_value=1, max_value=9))
def test_the_scan_lets_copy_read_only_what_python_reads_alike(
    tmp_path_factory, monkeypatch, data, chunk
):
    _, scan = scanned(tmp_path_factory, monkeypatch, data, chunk, for_copy=True)
    assert scan.plain == _copy_reads_it_as_python_does(data)
    assert scan.newlines == data.count(b"\n") and scan.size == len(data)


@settings(
    max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(data=ODD_FILES, chunk=st.integers(min_value=1, max_value=9))
def test_a_line_plain_file_splits_by_the_separator_as_python_reads_it(
    tmp_path_factory, monkeypatch, data, chunk
):
    """What SQLite's bulk path reads from a line_plain file (each line split by the
    separator, its digest taken of the line without its line end) is what the
    csv module reads from it, row for row; and the digested line is the cells
    joined again, as a first load digests them."""
    path, scan = scanned(tmp_path_factory, monkeypatch, data, chunk, for_copy=False)
    if not scan.line_plain:
        return
    csv_file = open_csv(path)
    by_csv = list(csv_file.rows())
    csv_file.close()
    with open(path, "rb") as fh:
        separator = bulk.reader_delimiter(fh)
        assert separator == csv_file.delimiter
        rows = list(bulk._plain_rows(fh, lambda line: line, separator))
    split = [
        (line, cells[:-1])
        for line, cells in rows
        if not (len(cells) == 2 and not cells[0].strip())  # blank: csv skips it
    ]
    assert split == by_csv
    for _, cells in rows:
        assert cells[-1] == separator.join(cells[:-1]).encode()


@pytest.mark.parametrize("chunk", [1, 2, 1 << 20])
@pytest.mark.parametrize(
    "data",
    [
        b"a,b,c\r\n\r;\n",  # a CR, then the LF only after another byte
        b"a,b\r\nx\ry\nz\r\n",  # a CR inside a line that ends in LF alone
    ],
)
def test_a_cr_and_a_later_lf_are_no_line_end(tmp_path_factory, monkeypatch, data, chunk):
    """Found by hypothesis: the scan once paired a CR with the next LF whatever
    stood between them."""
    _, for_copy = scanned(tmp_path_factory, monkeypatch, data, chunk, for_copy=True)
    _, for_sqlite = scanned(tmp_path_factory, monkeypatch, data, chunk, for_copy=False)
    assert not for_copy.plain and not _copy_reads_it_as_python_does(data)
    assert not for_sqlite.line_plain


def test_the_scan_refuses_bytes_that_are_not_utf8_across_chunks(tmp_path, monkeypatch):
    path = tmp_path / "file.csv"
    path.write_bytes("a,b\nZo\u00eb,1\n".encode() + b"x\xc3,2\n")
    monkeypatch.setattr(bulk, "SCAN_CHUNK", 3)
    assert not bulk.scan_file(path, for_copy=True).plain
    path.write_bytes("a,b\nZo\u00eb,1\n".encode())
    assert bulk.scan_file(path, for_copy=True).plain


@pytest.mark.parametrize(
    "late, outcome",
    [
        ('Kim "K"', (30, 0)),  # a quote: COPY and Python's csv read it differently
        ("Kim,K", (0, 1)),  # a separator too many: a ragged row
    ],
)
@pytest.mark.parametrize("newline_at_end", [True, False])
def test_a_file_found_not_plain_in_a_late_chunk_goes_to_the_python_path(
    region, write, monkeypatch, late, outcome, newline_at_end
):
    """On PostgreSQL the file goes to COPY chunk by chunk as the scan passes it; a
    chunk that is not plain stops COPY before it is sent, and the Python path
    reads the file as always. The import log still has the whole file's hash."""
    monkeypatch.setattr(bulk, "SCAN_CHUNK", 64)
    lines = [person_line(i) for i in range(30)]
    lines[-1] = person_line(29, woonplaats=late)
    path = write(BRP_HEADER + "\n".join(lines) + ("\n" if newline_at_end else ""))
    result = run_import("brp", path, peildatum=PEIL)
    assert (result.created, result.rejected) == outcome
    if connection.vendor == "postgresql" or late == "Kim,K":
        assert result.via == "python"
    log = ImportLog.objects.get(pk=result.log_id)
    assert log.sha256 == hashlib.sha256(path.read_bytes()).hexdigest()
    assert Person.objects.count() == outcome[0]
    again = run_import("brp", write(BRP_HEADER + "\n".join(lines[:-1]) + "\n"), peildatum=PEIL)
    assert again.via == "bulk" and not again.rejected


def test_a_file_with_windows_line_ends_takes_the_bulk_path(region, write):
    text = BRP_HEADER + "\n".join(person_line(i) for i in range(20)) + "\n"
    first = run_import("brp", write(text.replace("\n", "\r\n")), peildatum=PEIL)
    assert (first.via, first.created, first.rejected) == ("bulk", 20, 0)
    assert not Person.objects.filter(parent1_bsn__contains="\r").exists()
    # The same rows with Unix line ends: the same lines, all unchanged.
    again = run_import("brp", write(text), peildatum=PEIL)
    assert (again.via, again.unchanged) == ("bulk", 20)
    mixed = text.replace("\n", "\r\n", 5)  # CR LF, then LF: not one line end
    third = run_import("brp", write(mixed), peildatum=PEIL)
    assert (third.unchanged, third.rejected) == (20, 0)
    if connection.vendor == "postgresql":
        assert third.via == "python"


@pytest.mark.parametrize("first_load", [True, False])
def test_an_enrolment_file_without_the_vestiging_column_gets_the_default(
    region, write, monkeypatch, first_load
):
    monkeypatch.setattr(duo, "BULK_FIRST_LOAD", 1 if first_load else 20_000)
    header = "bsn,brin,sector,inschrijvingsdatum\n"
    lines = [
        f"{make_bsn(5000 + 13 * i)},{'12AB' if i % 2 else '77zz'},PO,2024-08-01" for i in range(6)
    ]
    result = run_import("inschrijvingen", write(header + "\n".join(lines) + "\n"))
    assert (result.via, result.created) == ("bulk", 6)
    assert set(Enrolment.objects.values_list("brin", "vestiging")) == {
        ("12AB", "00"),
        ("77ZZ", "00"),
    }
    placeholders = School.objects.filter(placeholder=True).values_list("brin", "vestiging")
    assert set(placeholders) == {("12AB", "00"), ("77ZZ", "00")}
