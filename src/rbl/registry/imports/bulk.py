"""The bulk path of an import (PostgreSQL): the file goes into the database as
text and is checked there, by the same rules as the Python parsers.

Reading and checking a big file row by row in Python costs about 15 µs a row,
seven times a COPY of the whole file (bench/RESULTS.md). On PostgreSQL a big
file of a kind that has a `bulk_apply` therefore takes this path first:

1. The bytes after the header are streamed into a temporary table of text
   columns with COPY. The scan that computes the file's SHA-256 also makes
   sure they hold nothing that COPY and Python's csv module read differently
   (quotes, backslashes, control characters, carriage returns, and Unicode
   white space that Python would strip from a cell).
2. The kind merges the rows with set-based SQL. Each cell is checked by the
   rule of its column's parser (`cell_valid`); a row that is already in the
   registry with exactly the same values is valid by construction, so a
   re-load only checks the rows that are new or changed.
3. Anything the SQL does not plainly accept (an invalid cell, a broken row
   rule, a duplicate key, a row count that does not add up, a date that does
   not exist) makes the bulk path step aside: its savepoint is rolled back and
   the Python path reads the file and reports line and column in Dutch.

On SQLite the same statements run on the rows inserted with executemany, as
Python's csv module reads them (a file whose every line is one row is split
by the separator, which reads the same); a re-load there reads only the
digest of each line (digest.py) and splits the lines that find no row.

So the Python path stays the reference for what is valid and for every
message; the bulk path only takes files the Python path accepts, with the
same result (tests/registry/test_bulk_path.py compares them on generated
files).
"""

from __future__ import annotations

import codecs
import hashlib
import queue
import re
import sqlite3
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import psycopg
from django.db import DataError, IntegrityError, connection, transaction
from psycopg.copy import QueuedLibpqWriter

from rbl.registry.imports.digest import header_seed, line_digest, line_hasher
from rbl.registry.imports.fields import _BSN_HI, _BSN_LO, NAME_CHARACTERS, Column
from rbl.registry.imports.reader import FileProblem, open_csv

RAW = "rbl_import_raw"
LINES = "rbl_import_lines"
DIFF = "rbl_import_diff"
UNMATCHED = "rbl_import_unmatched"
# Below this size the Python path is fast enough and reports the same.
MIN_BYTES = 1 << 20
SCAN_CHUNK = 1 << 20
# Up to this many rows to look at, a re-load's merge may use index lookups.
_FEW_ROWS = 50_000

_DIGITS = "0123456789"
_ALNUM = _DIGITS + "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
# A valid date's year and its "-MM-DD" (with 29 February, checked against the
# year apart): two small sets that PostgreSQL looks cells up in by hash.
_YEARS = tuple(str(year) for year in range(1900, 2201))
_MONTH_DAYS = tuple(
    f"-{month:02d}-{day:02d}"
    for month, days in enumerate((31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31), start=1)
    for day in range(1, days + 1)
)

# Bytes that make a file "not plain": control characters other than LF, quote,
# backslash, DEL, and the lead bytes of the UTF-8 forms of Unicode white space
# (the latter only count when such a character really occurs: see _WIDE_SPACE).
_SUSPECT = frozenset(
    [b for b in range(0x20) if b != 0x0A] + [0x22, 0x5C, 0x7F, 0xC2, 0xE1, 0xE2, 0xE3]
)
# Control characters (what fields._CONTROL refuses in a text cell, and tab).
_CONTROL_BYTES = frozenset([*range(0x0A), 0x0B, 0x0C, *range(0x0E, 0x20), 0x7F])
_WIDE_LEADS = frozenset([0xC2, 0xE1, 0xE2, 0xE3])
# The characters above U+007F that str.strip() removes (str.isspace()).
WIDE_SPACE_CHARS = (
    "\x85\xa0\u1680" + "".join(map(chr, range(0x2000, 0x200B))) + ("\u2028\u2029\u202f\u205f\u3000")
)
_WIDE_SPACE = re.compile(b"|".join(re.escape(c.encode()) for c in WIDE_SPACE_CHARS))


class Declined(Exception):
    """The bulk path does not take this file; the Python path will."""


@dataclass(frozen=True)
class FileScan:
    sha256: str
    size: int
    #: No byte that COPY (text format) and Python's csv module could read differently.
    plain: bool
    newlines: int
    ends_with_newline: bool
    #: No control character (tab and NUL included) and no Unicode white space: what
    #: Python's csv module hands over then has only spaces, CR and LF to strip.
    csv_plain: bool = False
    #: csv_plain, no quote, and no CR but in CR LF line ends throughout: every line
    #: (without its line end) is one row, its cells joined by the separator
    #: (SQLite keeps digests of such files' lines).
    line_plain: bool = False


class Scanner:
    """The scan of `scan_file`, fed chunk by chunk (the first chunk: the header line),
    so that on PostgreSQL the file can go to COPY in the same pass."""

    def __init__(self, for_copy: bool) -> None:
        self.for_copy = for_copy
        self._digest = hashlib.sha256()
        self._found: set[int] = set()
        self._wide_space = False
        self._size = 0
        self._tail = b""
        self._lines = _LineShape()
        self._header = True
        self._crlf = False  # the header ends with CR LF: so must every line
        self._cr_open = False  # the bytes so far end with a CR
        self._bad_line_ends = False

    def feed(self, chunk: bytes) -> bool:
        """Takes the next bytes. True while everything so far may go to COPY as it is
        (for_copy): no suspect byte, valid UTF-8, whole lines with the header's
        number of separators."""
        lines = self._lines
        if self._header:
            lines.set_header(chunk)
            self._crlf = chunk.endswith(b"\r\n")
        self._digest.update(chunk)
        self._size += len(chunk)
        # One pass in C keeps the bytes that matter: separators, newlines and the
        # suspect ones.
        kept = chunk.translate(None, lines.drop)
        lines.newlines += kept.count(b"\n")
        suspect = kept.translate(None, lines.shape_bytes)
        lead_bytes = set(suspect)
        self._found |= lead_bytes
        # A wide space may begin in the last bytes of the chunk before.
        if not self._wide_space and (lead_bytes | set(self._tail)) & _WIDE_LEADS:
            self._wide_space = _WIDE_SPACE.search(self._tail + chunk) is not None
        self._tail = (self._tail + chunk)[-3:]
        if self._crlf or self._cr_open or 0x0D in lead_bytes:
            self._line_ends(chunk)
        if self.for_copy and not self._header:
            lines.feed(chunk, kept.translate(None, _SUSPECT_BYTES) if suspect else kept)
        self._header = False
        return self.for_copy and self._copyable(lines.fit)

    def _line_ends(self, chunk: bytes) -> None:
        """COPY takes the line ends of its first line for all: every line ends in LF,
        or every line in CR LF (as the header does); a CR anywhere else is read
        otherwise by COPY and by Python's csv module. Counted on the raw bytes, so
        that a CR and a LF with anything between them are no pair (also across
        the end of a chunk)."""
        crs, pairs, lfs = chunk.count(b"\r"), chunk.count(b"\r\n"), chunk.count(b"\n")
        if self._cr_open:  # the chunk before ended with a CR
            if chunk.startswith(b"\n"):
                crs, pairs = crs + 1, pairs + 1
            else:
                self._bad_line_ends = True
        self._cr_open = chunk.endswith(b"\r")
        if self._cr_open:
            crs -= 1  # its LF, if any, opens the next chunk
        if not self._crlf:
            pairs = 0
        if crs != pairs or (self._crlf and lfs != pairs):
            self._bad_line_ends = True

    def _copyable(self, rows_fit: bool) -> bool:
        return rows_fit and not (
            self._wide_space or self._bad_line_ends or self._found & _NOT_FOR_COPY
        )

    def finish(self) -> FileScan:
        if self._cr_open:  # a CR as the very last byte
            self._bad_line_ends = True
        control = bool(self._found & _CONTROL_BYTES)
        ends_with_newline = self._tail.endswith(b"\n")
        rows_fit = self.for_copy and self._lines.finish(ends_with_newline)
        return FileScan(
            sha256=self._digest.hexdigest(),
            size=self._size,
            plain=self._copyable(rows_fit),
            newlines=self._lines.newlines,
            ends_with_newline=ends_with_newline,
            csv_plain=not (control or self._wide_space),
            line_plain=not (
                control
                or self._wide_space
                or 0x22 in self._found
                or (0x0D in self._found and not (self._crlf and not self._bad_line_ends))
            ),
        )

    def rest(self, fh: Any) -> FileScan:
        """Feeds the rest of the open file `fh`; the scan of the whole file."""
        while chunk := fh.read(SCAN_CHUNK):
            self.feed(chunk)
        return self.finish()


def scan_file(path: Path, for_copy: bool | None = None) -> FileScan:
    """One pass over the file: its SHA-256, and whether the bulk path may read it.

    For COPY (PostgreSQL) the file must also be valid UTF-8 with as many
    separators on every line as on the header: COPY would otherwise fail, and
    the database server would write the offending row into its log.
    """
    if for_copy is None:
        for_copy = connection.vendor == "postgresql"
    scanner = Scanner(for_copy)
    with open(path, "rb") as fh:
        scanner.feed(fh.readline())
        return scanner.rest(fh)


_SUSPECT_BYTES = bytes(sorted(_SUSPECT))
# What COPY (text format) reads otherwise than Python's csv module, or refuses (a CR
# only where it does not end a line: Scanner._line_ends).
_NOT_FOR_COPY = frozenset(_CONTROL_BYTES | {0x22, 0x5C})


class _LineShape:
    """Whether every line after the header is valid UTF-8 and has exactly the header's
    number of separators, chunk by chunk, on the separators and newlines alone."""

    def __init__(self) -> None:
        self.newlines = 0
        self.fit = True
        self._open = 0  # separators on the line not yet ended
        self._fed = False
        self._decoder = codecs.getincrementaldecoder("utf-8")()

    def set_header(self, header: bytes) -> None:
        text = header.removeprefix(b"\xef\xbb\xbf")
        self.separator = b";" if text.count(b";") > text.count(b",") else b","
        self.separators = text.count(self.separator)
        self._line = self.separator * self.separators + b"\n"
        keep = _SUSPECT | {self.separator[0], 0x0A}
        self.drop = bytes(b for b in range(256) if b not in keep)
        self.shape_bytes = self.separator + b"\n"

    def feed(self, chunk: bytes, shape: bytes) -> None:
        """`shape`: the chunk's separators and newlines, in order."""
        self._fed = True
        if not self.fit:
            return
        try:
            self._decoder.decode(chunk)
        except UnicodeDecodeError:
            self.fit = False
            return
        first = shape.find(b"\n")
        if first < 0:
            self._open += len(shape)
            return
        last = shape.rfind(b"\n")
        middle = shape[first + 1 : last + 1]
        self.fit = self._open + first == self.separators and middle == self._line * (
            shape.count(b"\n") - 1
        )
        self._open = len(shape) - last - 1

    def finish(self, ends_with_newline: bool) -> bool:
        try:
            self._decoder.decode(b"", final=True)
        except UnicodeDecodeError:
            return False
        # A last line without a newline must have its separators too.
        return self.fit and (ends_with_newline or not self._fed or self._open == self.separators)


class Raw:
    """The raw table of one import.

    Two layouts: "cells", where column `cN` holds header column N as text
    (every first load; on SQLite with the line's digest in column h), and
    "lines", for a re-load, whose digests (digest.py) find the unchanged rows
    without splitting them. On PostgreSQL the lines layout is one column `line`
    with the whole line (it copies faster than cells); on SQLite it is the
    digest of each line with its number (`LINES`), computed in Python. The rows
    a re-load must look at are split into cells afterwards (`split_lines`).
    """

    def __init__(
        self,
        header: Sequence[str],
        rows: int,
        *,
        delimiter: str = ",",
        lines: bool = False,
        seed: int | None = None,
        path: Path | None = None,
    ) -> None:
        self.header = list(header)
        self.rows = rows
        self.delimiter = delimiter
        self.lines = lines
        #: The digest's seed (digest.header_seed); None: no digests (a SQLite file
        #: whose lines are not rows: FileScan.line_plain).
        self.seed = seed
        #: The file (SQLite's lines layout reads the lines to split from it again).
        self.path = path
        #: SQLite: indexes to build again once the merge is done (`analyzed`).
        self.rebuild: list[str] = []

    def x(self, name: str, alias: str = "s") -> str:
        """SQL for the cell of column `name` (the empty string when the file lacks it);
        in the lines layout, on a table of split lines (`split_lines`)."""
        if name in self.header:
            return f"{alias}.c{self.header.index(name)}"
        return "''"

    def digest(self, alias: str = "s") -> str:
        """SQL for the digest of the row `alias` (a raw row, or a split line with
        its column h): what a row stored from it keeps in source_digest."""
        if self.seed is None:
            return "NULL"
        if self.lines or not _pg():
            return f"{alias}.h"  # SQLite: computed in Python (digest.line_hasher)
        cells = ", ".join(f"{alias}.c{i}" for i in range(len(self.header)))
        return line_digest(f"concat_ws({_quote(self.delimiter)}, {cells})", self.seed)


def _quote(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


def _in(x: str, values: Sequence[str]) -> str:
    return f"{x} IN ({', '.join(_quote(v) for v in values)})"


def _case_variants(option: str) -> list[str]:
    """Every ASCII spelling whose .upper() is `option` (for options of ASCII letters)."""
    variants = [""]
    for ch in option:
        forms = {ch, ch.lower()} if ch.isascii() else {ch}
        variants = [v + f for v in variants for f in sorted(forms)]
    return variants


def _choice_spellings(parse: Any) -> list[str]:
    if not parse.upper:
        return list(parse.options)
    return [v for option in parse.options for v in _case_variants(option)]


def _pg() -> bool:
    return connection.vendor == "postgresql"


def binary(expr: str) -> str:
    """`expr` compared byte by byte (ISO dates as text, codes): PostgreSQL's "C"
    collation; SQLite compares bytes anyway."""
    return f'{expr} COLLATE "C"' if _pg() else expr


def as_text(expr: str) -> str:
    """A stored date as ISO text (SQLite stores it so; PostgreSQL under DateStyle ISO)."""
    return f"{expr}::text" if _pg() else expr


def _glob(x: str, classes: Sequence[str]) -> str:
    return f"{x} GLOB '{''.join(f'[{c}]' for c in classes)}'"


def _array(values: Sequence[object], of: str) -> str:
    """PostgreSQL: a constant array of plain values (no quote, comma or brace in them)."""
    return "('{" + ",".join(map(str, values)) + "}'::" + of + "[])"


def _bsn_ok(x: str) -> str:
    """The 11-test. PostgreSQL: with the lookup tables of fields.bsn."""
    if not _pg():
        # SQLite: digits by integer division of the number (its `%` is the remainder;
        # Django leaves a `%` that is not `%s` alone).
        n = f"CAST({x} AS INTEGER)"
        digits = [f"({n} / {10 ** (9 - i)} % 10)" for i in range(1, 10)]
        weighted = " + ".join(f"{w} * {d}" for w, d in zip(range(9, 1, -1), digits, strict=False))
        return (
            f"({_glob(x, ['0-9'] * 9)} AND {x} <> '000000000' "
            f"AND ({weighted} - {digits[8]}) % 11 = 0)"
        )
    # The casts run only once the cell is known to be nine digits (CASE keeps that
    # order): a failing cast would put the cell in the database server's log.
    n = f"{x}::int"
    return (
        f"(CASE WHEN octet_length({x}) = 9 AND {_only(x, _DIGITS)} "
        f"AND {x} <> '000000000' THEN mod({_array(_BSN_HI, 'int')}[{n} / 100000 + 1] "
        f"+ {_array(_BSN_LO, 'int')}[mod({n} / 10, 10000) + 1] - mod({n}, 10), 11) = 0 "
        f"ELSE false END)"
    )


def _only(x: str, characters: str) -> str:
    """PostgreSQL: true when the cell `x` holds none but these (ASCII) characters.
    A negated class, listed out (no range that a collation could widen); about
    half the cost of translate() (bench/RESULTS.md)."""
    return f"({x} !~ '[^{characters}]')"


def _pg_date_ok(x: str) -> str:
    """JJJJ-MM-DD, a day that exists, years 1900–2200. Ten bytes whose first four
    characters are a year of the range and whose last six a "-MM-DD" of some year
    are ten ASCII characters of that form; 29 February asks for a leap year, by
    arithmetic on digits known to be digits (no cast that can fail). Two lookups
    in small hashed sets: a third of the cost of checking digit by digit."""
    year = f"left({x}, 4)::int"
    leap = f"(mod({year}, 4) = 0 AND (mod({year}, 100) <> 0 OR mod({year}, 400) = 0))"
    return (
        f"(CASE WHEN octet_length({x}) = 10 AND left({x}, 4) = ANY{_array(_YEARS, 'text')} "
        f"AND right({x}, 6) = ANY{_array(_MONTH_DAYS, 'text')} "
        f"THEN right({x}, 6) <> '-02-29' OR {leap} ELSE false END)"
    )


def _text_ok(x: str, n: int) -> str:
    if _pg():
        return (
            f"((octet_length({x}) <= {n} OR char_length({x}) <= {n}) "
            # No space at either end (other white space never gets here: scan_file).
            f"AND {x} NOT LIKE (' ' || chr(37)) AND {x} NOT LIKE (chr(37) || ' '))"
        )
    # No white space at either end: of what str.strip() removes only these three can
    # get here (scan_file); CR and LF inside a quoted cell.
    return f"(length({x}) <= {n} AND trim({x}, ' \r\n') = {x})"


def _name_ok(x: str) -> str:
    """The cell holds none but the characters of a BRP name (fields.NAME_CHARACTERS),
    listed out: no range that a collation could widen; the hyphen last, where both
    PostgreSQL's regular expressions and SQLite's GLOB read it as itself."""
    listed = NAME_CHARACTERS.replace("-", "") + "-"
    if _pg():
        return f"({x} !~ {_quote('[^' + listed + ']')})"
    return f"({x} NOT GLOB {_quote('*[^' + listed + ']*')})"


def cell_valid(column: Column, x: str) -> str:
    """SQL that is true when the Python parser accepts the cell `x` (stricter is fine:
    a cell this rejects only sends the file to the Python path)."""
    parse = column.parse
    rule = getattr(parse, "rule", None)
    pg = _pg()
    if x == "''":  # a column the file does not have: its default
        return "FALSE" if column.required else "TRUE"
    if rule == "bsn":
        ok = _bsn_ok(x)
    elif rule == "date":
        ok = (
            _pg_date_ok(x)
            if pg
            else (
                f"(length({x}) = 10 AND {x} BETWEEN '1900-01-01' AND '2200-12-31' "
                f"AND date({x}, '+0 days') IS {x})"
            )
        )
    elif rule == "gemeentecode":
        ok = f"(octet_length({x}) = 4 AND {_only(x, _DIGITS)})" if pg else _glob(x, ["0-9"] * 4)
    elif rule == "brin":
        ok = (
            f"(octet_length({x}) = 4 AND {_only(x, _ALNUM)})" if pg else _glob(x, ["0-9A-Za-z"] * 4)
        )
    elif rule == "vestiging":
        ok = f"(octet_length({x}) = 2 AND {_only(x, _DIGITS)})" if pg else _glob(x, ["0-9"] * 2)
    elif rule == "yes_no":
        ok = _in(x, ["J", "j", "N", "n"])
    elif rule == "choice":
        ok = _in(x, _choice_spellings(parse))
    elif rule == "text":
        ok = _text_ok(x, parse.max_length)
    elif rule == "name":
        ok = f"({_text_ok(x, parse.max_length)} AND {_name_ok(x)})"
    else:
        raise Declined  # no SQL form of this parser: the Python path reads the file
    if column.required:
        return f"({x} <> '' AND {ok})"
    return f"({x} = '' OR {ok})"


def cell_value(column: Column, x: str) -> str:
    """SQL for the parsed value of a cell that `cell_valid` accepted."""
    rule = getattr(column.parse, "rule", None)
    if rule == "date":
        return f"NULLIF({x}, '')::date" if _pg() else f"NULLIF({x}, '')"
    if rule == "yes_no":
        assert column.default in (None, False)
        return f"({_in(x, ['J', 'j'])})"
    if rule in ("brin", "choice") and (rule == "brin" or column.parse.upper):
        value = f"upper({x})"
    else:
        value = x
    if column.default not in (None, ""):
        return f"(CASE WHEN {x} = '' THEN {_quote(column.default)} ELSE {value} END)"
    return value


def cell_same(column: Column, x: str, stored: str) -> str:
    """SQL that is true when the cell is valid and its value equals `stored` (a
    value that once passed the parser), without checking the cell on its own."""
    rule = getattr(column.parse, "rule", None)
    if rule == "date":
        # Compare as text: "2024-8-1" is not the stored 2024-08-01.
        return f"(coalesce({as_text(stored)}, '') = {x})"
    if rule == "yes_no":
        spellings = ["J", "j", "N", "n"] + ([] if column.required else [""])
        return f"({_in(x, spellings)} AND {stored} = {cell_value(column, x)})"
    if rule == "choice" and column.parse.upper:
        # upper() maps characters one to one, so a cell as long in bytes as the stored
        # (ASCII) value whose upper() equals it is one of the spellings _choice_spellings
        # lists (an empty cell: the empty default).
        size = "octet_length" if _pg() else "length"
        return f"({size}({x}) = {size}({stored}) AND {stored} = upper({x}))"
    if rule == "brin":
        # Four characters that upper() turns into a stored (valid) BRIN are ASCII.
        size = "octet_length" if _pg() else "length"
        return f"({size}({x}) = 4 AND {stored} = upper({x}))"
    # Text, BSN, codes, plain choices: the stored value passed the parser unchanged.
    return f"({stored} = {cell_value(column, x)})"


def key_order(key: str) -> str:
    """SQLite: " ORDER BY key" for a statement that reads the file's rows to store
    or look them up by `key` (SQL over alias s); nothing on PostgreSQL.

    SQLite keeps a unique key's index up to date row by row and reads an index
    through a 2 MB page cache. Rows inserted in key order append to the index
    (1M enrolments: 1.9 s against 4.0 s; 1M persons, by BSN: 9.3 s against
    13.1 s), and lookups in key order walk the index and the rows stored in
    that order front to back instead of jumping through them
    (bench/RESULTS.md). Used for the first load of enrolments and persons."""
    return "" if _pg() else f" ORDER BY {key}"


def sort_raw(key: str) -> None:
    """SQLite only: replace the raw table by a copy of it in `key` order (see
    key_order): the copy's rowids follow the key, so a join that scans it looks
    the registry up in key order, and two rows with the same key are neighbours
    (neighbours_share_key)."""
    execute(f"CREATE TEMP TABLE {RAW}_sorted AS SELECT s.* FROM {RAW} s{key_order(key)}")
    execute(f"DROP TABLE {RAW}")
    execute(f"ALTER TABLE {RAW}_sorted RENAME TO {RAW}")


def neighbours_share_key(key_of: Callable[[str], Sequence[str]]) -> bool:
    """SQLite, after sort_raw: whether two rows of the raw table share the key
    (`key_of(alias)`: its parts as SQL over that alias). Sorted, two such rows
    are neighbours: one pass instead of grouping the whole file again."""
    same = " AND ".join(f"{a} IS {b}" for a, b in zip(key_of("a"), key_of("s"), strict=True))
    return bool(
        fetchall(
            f"SELECT 1 FROM {RAW} a JOIN {RAW} s ON s.rowid = a.rowid + 1 WHERE {same} LIMIT 1"
        )
    )


def duplicate_key(key: str, source: str = RAW, where: str = "TRUE") -> bool:
    """Whether two rows of `source` share `key` (SQL over alias s). Checked before any
    unique key sees the rows: its error would name the key in the server's log.

    PostgreSQL groups by a 64-bit hash of the key, in small batches (3.6 s ->
    2.3 s for the national enrolment file): two keys with the same hash only
    send the file to the Python path, which compares the keys themselves."""
    if not _pg():
        return bool(
            fetchall(
                f"SELECT 1 FROM {source} s WHERE {where} GROUP BY {key} HAVING COUNT(*) > 1 LIMIT 1"
            )
        )
    with small_hash_batches():
        found = fetchall(
            f"SELECT 1 FROM {source} s WHERE {where} "
            f"GROUP BY hashtextextended(concat_ws(E'\\x1f', {key}), 0) HAVING COUNT(*) > 1 LIMIT 1"
        )
    return bool(found)


@contextmanager
def small_hash_batches() -> Iterator[None]:
    """PostgreSQL, inside the merge: one statement that hashes most of the file runs
    with little work_mem, so its hash table is built in batches that fit the CPU's
    caches; on this machine 20-30 % faster than one table of it all in memory
    (bench/RESULTS.md). The merge's own work_mem is set back afterwards (after an
    error the savepoint's rollback undoes the SET LOCAL)."""
    execute(f"SET LOCAL work_mem = {_JOIN_WORK_MEM}")
    yield
    execute(f"SET LOCAL work_mem = {_WORK_MEM}")


def all_valid(columns: Sequence[Column], raw: Raw, alias: str = "s") -> str:
    return " AND ".join(cell_valid(c, raw.x(c.name, alias)) for c in columns)


def execute(sql: str, params: Sequence[Any] = ()) -> int:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.rowcount


def fetchall(sql: str, params: Sequence[Any] = ()) -> list[tuple[Any, ...]]:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


ProgressCallback = Callable[[int, int, str], None]


def _create_raw(width: int, lines: bool = False, only: object = None) -> None:
    """The raw table; `only`: it takes the lines a re-load must look at (SQLite),
    and the re-load's other work tables stay."""
    cols = "line TEXT" if lines else ", ".join(f"c{i} TEXT" for i in range(width))
    if not _pg():
        cols += ", h INTEGER"  # the line's digest (Raw.digest)
    # An import inside an outer transaction (tests, the demo) may follow another one.
    if only is None:
        drop_work_tables()
    execute(f"CREATE TEMP TABLE {RAW} ({cols}){' ON COMMIT DROP' if _pg() else ''}")


def drop_work_tables() -> None:
    for table in (RAW, f"{RAW}_sorted", LINES, DIFF, UNMATCHED):
        execute(f"DROP TABLE IF EXISTS {table}")


def temp_table_as(name: str, select: str, params: Sequence[Any] = ()) -> None:
    suffix = " ON COMMIT DROP" if _pg() else ""
    execute(f"CREATE TEMP TABLE {name}{suffix} AS {select}", params)


class ScannedFile:
    """A file to import and its scan (scan_file), made once: up front, or on the
    PostgreSQL bulk path while the file goes to COPY."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._scan: FileScan | None = None

    @property
    def scan(self) -> FileScan:
        if self._scan is None:
            self._scan = scan_file(self.path)
        return self._scan

    def scanned(self, scan: FileScan) -> FileScan:
        self._scan = scan
        return scan


class _SendingWriter(QueuedLibpqWriter):
    """psycopg's writer that sends from a thread, with a short queue (16 pieces of at
    most 128 kB): memory stays flat whatever the size of the file."""

    def __init__(self, cursor: Any) -> None:
        super().__init__(cursor)
        self._queue = queue.Queue(maxsize=16)


class _NotPlain(Exception):
    """COPY must not read the rest of this file."""


def _copy_raw(
    source: ScannedFile,
    header: Sequence[str],
    delimiter: str,
    progress: ProgressCallback | None,
    lines: bool = False,
) -> tuple[int, FileScan]:
    """PostgreSQL: the bytes after the header, as they are, with COPY (into one
    column per header column, or, `lines`, whole lines: split on a byte that no
    plain file holds), scanned in the same pass: each chunk goes to COPY only
    once the scan has found it plain (scan_file), so COPY never fails on the
    file's content (a failing COPY would put the row in the server's log). The
    scan runs while the server reads the chunk before (a writer thread sends).
    Declines a file that turns out not to be plain, after scanning it whole."""
    path = source.path
    size = path.stat().st_size
    scanner = Scanner(for_copy=True)
    split_on = "E'\\x01'" if lines else _quote(delimiter)
    with open(path, "rb") as fh:
        scanner.feed(fh.readline())  # the header (with any byte-order mark)
        chunk = fh.read(SCAN_CHUNK)
        if not scanner.feed(chunk):
            source.scanned(scanner.rest(fh))
            raise Declined
        _create_raw(len(header), lines)
        done = 0
        try:
            with connection.cursor() as cursor:
                raw_cursor = cursor.cursor
                sql = f"COPY {RAW} FROM STDIN (FORMAT text, DELIMITER {split_on})"
                with raw_cursor.copy(sql, writer=_SendingWriter(raw_cursor)) as copy:
                    while chunk:
                        copy.write(chunk)
                        done += len(chunk)
                        if progress:
                            progress(done, size, "lezen")
                        chunk = fh.read(SCAN_CHUNK)
                        if chunk and not scanner.feed(chunk):
                            raise _NotPlain("not plain: the Python path reads the file")
                    scan = scanner.finish()
                    if not scan.plain:
                        raise _NotPlain("not plain: the Python path reads the file")
                rows = raw_cursor.rowcount
        except (_NotPlain, psycopg.errors.QueryCanceled):
            # COPY was told to stop ("COPY from stdin failed", no data in the message).
            source.scanned(scanner.rest(fh))
            raise Declined from None
    return rows, source.scanned(scan)


def unmatched_lines(raw: Raw, table: str, also_out: str = "FALSE") -> tuple[int, int]:
    """Lines layout: join the file's lines with `table` (alias t) on the digest, in
    one pass (digest.py). Keeps, in UNMATCHED (lt, h, tid), the lines that found
    no row (by their ctid in the raw table, or their number on SQLite, with their
    digest) and the rows no line found; a pair for which `also_out` (SQL over t)
    holds is kept too, and declines. Returns (unmatched lines, unmatched rows)
    after checking that no two lines found the same row (the same line twice: a
    key twice, which the Python path reports).

    On PostgreSQL the lines go into the join as (ctid, digest) alone, computed
    below it (OFFSET 0), not as their text: the join's batches stay small
    (national enrolments: 2.7-2.9 s against 3.0-3.4 s, bench/RESULTS.md)."""
    if _pg():
        digest = line_digest("line", raw.seed)
        with small_hash_batches():
            temp_table_as(
                UNMATCHED,
                f"SELECT l.lt, l.h, t.id AS tid "
                f"FROM (SELECT ctid AS lt, {digest} AS h FROM {RAW} OFFSET 0) l "
                f"FULL JOIN {table} t ON t.source_digest = l.h "
                f"WHERE l.lt IS NULL OR t.id IS NULL OR {also_out}",
            )
    else:
        _match_lines_sqlite(table, also_out)
    lines, rows, both = fetchall(
        f"SELECT COUNT(lt), COUNT(tid), COUNT(*) FILTER (WHERE lt IS NOT NULL "
        f"AND tid IS NOT NULL) FROM {UNMATCHED}"
    )[0]
    total = fetchall(f"SELECT COUNT(*) FROM {table}")[0][0]
    if both or raw.rows - lines != total - rows:
        raise Declined
    if not _pg():
        _split_unmatched_sqlite(raw, lines)
    return lines, rows


def _match_lines_sqlite(table: str, also_out: str) -> None:
    """UNMATCHED on SQLite: LINES (from _hash_lines) against the table, in two
    anti joins that each walk one digest index in order and look the other up
    (1M enrolments: 0.5 s; in table order, 1.3 s for one of them); and the
    matched pairs for which `also_out` holds."""
    execute(f"CREATE TEMP TABLE {UNMATCHED} (lt INTEGER, h INTEGER, tid INTEGER)")
    execute(
        f"INSERT INTO {UNMATCHED} SELECT l.n, l.h, NULL FROM {LINES} l WHERE NOT EXISTS "
        f"(SELECT 1 FROM {table} t WHERE t.source_digest = l.h) ORDER BY l.h"
    )
    execute(
        f"INSERT INTO {UNMATCHED} SELECT NULL, NULL, t.id FROM {table} t WHERE NOT EXISTS "
        f"(SELECT 1 FROM {LINES} l WHERE l.h = t.source_digest) ORDER BY t.source_digest"
    )
    if also_out != "FALSE":
        execute(
            f"INSERT INTO {UNMATCHED} SELECT l.n, l.h, t.id FROM {table} t "
            f"CROSS JOIN {LINES} l ON l.h = t.source_digest WHERE {also_out}"
        )
    # found_twice and the kinds look rows up in it (SQLite plans no index of its
    # own for a correlated NOT EXISTS: without one, a pass over it per row).
    execute(f"CREATE INDEX {UNMATCHED}_tid ON {UNMATCHED} (tid)")


def _split_unmatched_sqlite(raw: Raw, lines: int) -> None:
    """SQLite: the `lines` unmatched lines, read from the file again and split into
    RAW. Their numbers stream from an open cursor (memory stays flat), closed
    before anything drops the work tables."""
    cursor = connection.connection.execute(
        f"SELECT lt FROM {UNMATCHED} WHERE lt IS NOT NULL ORDER BY lt"
    )
    try:
        numbers = (n for batch in iter(lambda: cursor.fetchmany(10_000), []) for (n,) in batch)
        split = _insert_raw(raw.path, len(raw.header), None, raw.seed, numbers)
    finally:
        cursor.close()
    if split != lines:
        raise Declined


def split_lines(raw: Raw, alias: str = "s") -> str:
    """Lines layout: SQL for a subquery (alias `alias`) of the unmatched lines, split
    into the cells c0… of the cells layout, with their digest h. The lines are
    fetched by ctid (a TID scan: the few changed lines of a re-load in
    milliseconds)."""
    if not _pg():
        cells = ", ".join(f"c{i}" for i in range(len(raw.header)))
        return f"(SELECT {cells}, h FROM {RAW}) {alias}"
    cells = ", ".join(f"a[{i + 1}] AS c{i}" for i in range(len(raw.header)))
    return (
        f"(SELECT {cells}, h FROM (SELECT string_to_array(l.line, {_quote(raw.delimiter)}) AS a, "
        f"{line_digest('l.line', raw.seed)} AS h FROM {RAW} l WHERE l.ctid = ANY "
        f"(ARRAY(SELECT u.lt FROM {UNMATCHED} u WHERE u.lt IS NOT NULL))) x) {alias}"
    )


def analyzed(table: str, raw: Raw | None = None, target: str = "") -> None:
    """After the one big join of a re-load: statistics for the table of rows to look
    at, and, when it is small (the usual few changes), index lookups allowed
    again, so that each statement does not cost a pass over the whole registry.
    With many rows the merge keeps to hash joins: a nested loop over a table
    whose statistics call it small would rescan it per row.

    SQLite, many rows (all of them, when their digests were empty or the header
    changed): `target`'s digest index is dropped and built again once the merge
    is done (`Raw.rebuild`), rather than updated in random order row by row
    (1M persons: 11.5 s against about 3 s)."""
    execute(f"ANALYZE {table}")
    many = fetchall(f"SELECT COUNT(*) FROM {table}")[0][0] > _FEW_ROWS
    if _pg():
        if not many:
            for name in ("enable_nestloop", "enable_mergejoin"):
                execute(f"SET LOCAL {name} = on")
    elif many and raw is not None and target:
        for name, definition in fetchall(
            "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = %s "
            "AND name = %s",
            [target, f"{target}_digest"],
        ):
            execute(f'DROP INDEX "{name}"')
            raw.rebuild.append(definition)


@contextmanager
def indexed(table: str, column: str) -> Iterator[None]:
    """SQLite: an index on a work table for the statements inside, where a
    correlated NOT EXISTS looks it up (SQLite plans none of its own there: a pass
    over the table per row); dropped afterwards, so that the bulk joins after it
    keep reading the work table front to back. PostgreSQL hashes such a lookup
    and needs none."""
    if _pg():
        yield
        return
    execute(f"CREATE INDEX {table}_{column} ON {table} ({column})")
    yield
    execute(f"DROP INDEX {table}_{column}")


def found_twice(row_id: str, source: str = DIFF) -> bool:
    """Lines layout: whether a split line of `source` (alias s) belongs to a row that
    another, unchanged line found: its key is twice in the file."""
    return bool(
        fetchall(
            f"SELECT 1 FROM {source} s WHERE {row_id} IS NOT NULL AND NOT EXISTS "
            f"(SELECT 1 FROM {UNMATCHED} u WHERE u.tid = {row_id}) LIMIT 1"
        )
    )


def _insert_raw(
    path: Path,
    width: int,
    progress: ProgressCallback | None,
    seed: int | None = None,
    only: Iterator[int] | None = None,
) -> int:
    """SQLite: the rows as Python's csv module reads them (reader.py, as on the
    Python path), inserted with one streaming executemany. With a `seed` the file
    is FileScan.line_plain: every line is one row, its cells split by the
    separator (what the csv module reads from such a line; 1M BRP lines in 1.2-1.4 s
    against 1.6 s),
    and each row gets the digest of its line. `only`: the numbers of the lines
    to take, ascending (the lines a re-load must look at: split_lines)."""
    _create_raw(width, only=only)
    if seed is None:
        csv_file = open_csv(path)
        rows, size, done = csv_file.rows(), csv_file.size, lambda: csv_file.counter.bytes_read
    else:
        csv_file = open(path, "rb")  # noqa: SIM115 - closed below
        digest = line_hasher(seed)
        rows = _plain_rows(csv_file, digest, reader_delimiter(csv_file))
        size, done = path.stat().st_size, csv_file.tell
    count = 0

    def wanted_rows():
        nonlocal count
        wanted = next(only, None) if only is not None else None
        for line, cells in rows:
            if only is not None:
                if wanted is None:
                    return
                if line < wanted:
                    continue
                if line > wanted:
                    raise Declined  # a wanted line that is no row (blank)
                wanted = next(only, None)
            if len(cells) != width + (seed is not None):
                raise Declined  # the Python path names the line
            count += 1
            if progress and count % 10_000 == 0:
                progress(done(), size, "lezen")
            if seed is None:
                cells.append(None)
            yield cells

    marks = ", ".join("?" * (width + 1))
    try:
        # The raw sqlite3 connection: Django's wrapper would rewrite every row's query.
        connection.connection.executemany(f"INSERT INTO {RAW} VALUES ({marks})", wanted_rows())
    finally:
        csv_file.close()
    return count


def reader_delimiter(fh: Any) -> str:
    """Reads the header line of the open binary file `fh`; its separator, as
    reader.open_csv detects it."""
    header = fh.readline().removeprefix(b"\xef\xbb\xbf")
    return ";" if header.count(b";") > header.count(b",") else ","


def _plain_rows(fh: Any, digest: Callable[[bytes], int], delimiter: str) -> Iterator:
    """(line number, cells + [digest]) of each line of a line_plain file after the
    header; a line that is not UTF-8 declines (the Python path names it)."""
    number = 1
    for raw in fh:
        number += 1
        line = raw.rstrip(b"\r\n")  # LF or CR LF (FileScan.line_plain)
        try:
            cells = line.decode("utf-8").split(delimiter)
        except UnicodeDecodeError:
            raise Declined from None
        cells.append(digest(line))
        yield number, cells


def _hash_lines(path: Path, seed: int, progress: ProgressCallback | None) -> int:
    """SQLite, lines layout: the digest of every line after the header, with its
    number as the Python path counts it (the header is line 1), into LINES,
    indexed by digest. Reads the file in blocks; memory stays flat. A file with
    an empty line is declined (the Python path skips it; counting would not add
    up)."""
    drop_work_tables()  # as in _create_raw
    execute(f"CREATE TEMP TABLE {LINES} (n INTEGER, h INTEGER)")
    digest = line_hasher(seed)
    size = path.stat().st_size
    insert = f"INSERT INTO {LINES} VALUES (?, ?)"
    count = 0
    with open(path, "rb") as fh:
        crlf = fh.readline().endswith(b"\r\n")  # then every line ends so (line_plain)
        tail = b""
        while block := fh.read(SCAN_CHUNK):
            data = tail + block
            lines = (data.replace(b"\r\n", b"\n") if crlf else data).split(b"\n")
            tail = lines.pop()
            _add_lines(insert, lines, count, digest)
            count += len(lines)
            if progress:
                progress(fh.tell(), size, "lezen")
        if tail:
            _add_lines(insert, [tail], count, digest)
            count += 1
    execute(f"CREATE INDEX {LINES}_h ON {LINES} (h)")
    return count


def _add_lines(insert: str, lines: list[bytes], before: int, digest: Callable) -> None:
    if not all(lines):
        raise Declined
    numbers = range(before + 2, before + 2 + len(lines))
    connection.connection.executemany(insert, zip(numbers, map(digest, lines), strict=True))


_WORK_MEM = "'512MB'"
_JOIN_WORK_MEM = "'4MB'"
_SETTINGS = (
    ("DateStyle", "'ISO, YMD'"),  # dates as text compare in ISO form
    ("work_mem", _WORK_MEM),
    ("maintenance_work_mem", "'512MB'"),
    ("enable_nestloop", "off"),
    ("enable_mergejoin", "off"),
)


def try_bulk(
    kind: Any,
    source: ScannedFile,
    header: Sequence[str],
    delimiter: str,
    ctx: Any,
    result: Any,
    progress: ProgressCallback | None,
) -> bool:
    """Import the file on the bulk path; False when it stepped aside (nothing changed)."""
    pg = _pg()
    size = source.path.stat().st_size
    if not hasattr(kind, "bulk_apply") or size < MIN_BYTES:
        return False
    if not pg and not source.scan.csv_plain:
        return False
    # SQLite keeps digests only of files whose every line is one row.
    digests = pg or source.scan.line_plain
    lines = digests and kind.bulk_lines()
    seed = header_seed(kind.name, list(header), delimiter) if digests else None
    try:
        with transaction.atomic():
            if pg:
                rows, scan = _copy_raw(source, header, delimiter, progress, lines)
                # The merge joins most of the file with most of a table: hash joins,
                # with memory for them (the planner has no statistics on the fresh raw
                # table, and sorting text in a non-C collation is slow). Reset afterwards.
                for name, value in _SETTINGS:
                    execute(f"SET LOCAL {name} = {value}")
            else:
                scan = source.scan
                if lines:
                    rows = _hash_lines(source.path, seed, progress)
                else:
                    rows = _insert_raw(source.path, len(header), progress, seed)
            expected = scan.newlines - 1 + (0 if scan.ends_with_newline else 1)
            if rows != expected or rows <= 0:
                raise Declined
            if progress:
                progress(size, size, "verwerken")
            result.rows = rows
            raw = Raw(header, rows, delimiter=delimiter, lines=lines, seed=seed, path=source.path)
            kind.bulk_apply(raw, ctx, result)
            for definition in raw.rebuild:
                execute(definition)
            if pg:
                for name, _ in _SETTINGS:
                    execute(f"RESET {name}")
            drop_work_tables()
            result.via = "bulk"
    except (
        Declined,
        FileProblem,
        DataError,
        IntegrityError,
        psycopg.DataError,
        psycopg.IntegrityError,
        sqlite3.IntegrityError,
    ):
        for name in ("rows", *result.COUNTS):
            setattr(result, name, 0)
        return False
    return True
