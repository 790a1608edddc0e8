"""Streaming reader for the incoming CSV files (formats.md, "Files in and out").

UTF-8 with an optional byte-order mark, a header row, RFC 4180 quoting and `;`
or `,` as separator (whichever occurs more in the header). Lines are numbered
as the user sees them in a spreadsheet: the header is line 1.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

#: The longest cell the reader takes (the widest column holds 2,000 characters).
MAX_CELL = 1 << 20
csv.field_size_limit(MAX_CELL)
#: The most columns a header may have: every kind has fewer than 30; a file with
#: thousands is no export of the BRP or DUO (and no database table takes it).
MAX_COLUMNS = 200


class CountingReader(io.RawIOBase):
    """Wraps a binary file and counts the bytes read (for the progress bar)."""

    def __init__(self, raw: BinaryIO) -> None:
        self._raw = raw
        self.bytes_read = 0

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:  # type: ignore[override]
        data = self._raw.read(len(buffer))
        n = len(data)
        buffer[:n] = data
        self.bytes_read += n
        return n


class FileProblem(Exception):
    """The file as a whole cannot be read (reported at a line, with a column when known)."""

    def __init__(self, line: int, reason: str, column: str = "") -> None:
        super().__init__(reason)
        self.line = line
        self.reason = reason
        self.column = column


@dataclass
class CsvFile:
    path: Path
    header: list[str]
    delimiter: str
    counter: CountingReader
    size: int
    _binary: io.BufferedReader
    #: Byte offset of the next line the csv reader will be given.
    _offset: int = 0

    def rows(self) -> Iterator[tuple[int, list[str]]]:
        """(line, cells) for each non-empty data row; raises FileProblem on broken CSV.

        `line` is the physical line on which the row ends (the header is line 1).
        """
        reader = csv.reader(self._lines(), delimiter=self.delimiter, strict=True)
        while True:
            start, first_line = self._offset, reader.line_num + 2
            try:
                cells = next(reader)
            except StopIteration:
                return
            except csv.Error as exc:
                if "field larger than field limit" in str(exc):
                    raise self._too_long(start, first_line) from None
                raise FileProblem(reader.line_num + 1, csv_reason(exc)) from None
            if not cells or (len(cells) == 1 and not cells[0].strip()):
                continue
            yield reader.line_num + 1, cells

    def _lines(self) -> Iterator[str]:
        line = 1
        for raw in self._binary:
            line += 1
            self._offset += len(raw)
            try:
                yield raw.decode("utf-8")
            except UnicodeDecodeError:
                raise FileProblem(line, "bestand is geen geldige UTF-8-tekst") from None

    def _too_long(self, start: int, line: int) -> FileProblem:
        """The problem of a row with a cell over MAX_CELL characters, whose first line
        `line` starts at byte `start`: its line and column, found by reading the row
        again in blocks (the cell is never held whole)."""
        index, line = _long_cell(self.path, start, line, self.delimiter)
        column = self.header[index] if index < len(self.header) else ""
        where = "" if column else f" (veld {index + 1}, na de laatste kolom van de kopregel)"
        return FileProblem(line, f"veld is langer dan {_thousands(MAX_CELL)} tekens{where}", column)

    def close(self) -> None:
        self._binary.close()


def _thousands(number: int) -> str:
    """12.345: a number as Dutch text writes it."""
    return f"{number:,}".replace(",", ".")


def csv_reason(exc: csv.Error) -> str:
    """The Dutch reason for what Python's csv module refuses in a row."""
    text = str(exc)
    if "expected after" in text:
        return "onleesbare CSV-regel: na een afsluitend aanhalingsteken hoort een scheidingsteken"
    if "end of data" in text:
        return "onleesbare CSV-regel: een aanhalingsteken wordt niet afgesloten"
    if "new-line" in text:
        return "onleesbare CSV-regel: regeleinde midden in een veld zonder aanhalingstekens"
    return "onleesbare CSV-regel: aanhalingstekens of scheidingstekens kloppen niet"


def _long_cell(path: Path, start: int, line: int, delimiter: str) -> tuple[int, int]:
    """(index of the cell, line on which it passes MAX_CELL characters) of the first
    cell longer than MAX_CELL in the row that starts at byte `start` on `line`,
    by the quoting rules of the csv module (a quoted cell may span lines)."""
    sep, quote, newline = ord(delimiter), 0x22, 0x0A
    index = length = 0
    state = "start"  # start | plain | quoted | quote (a quote inside a quoted cell)
    with open(path, "rb") as fh:
        fh.seek(start)
        while block := fh.read(1 << 16):
            for byte in block:
                if state == "quote":
                    state = "quoted" if byte == quote else "plain"
                    if byte == quote:  # "" : one quote in the cell
                        length += 1
                        continue
                if state == "quoted":
                    if byte == quote:
                        state = "quote"
                        continue
                    if byte == newline:
                        line += 1
                elif byte == sep:
                    index, length, state = index + 1, 0, "start"
                    continue
                elif byte == newline:
                    return index, line
                elif state == "start" and byte == quote:
                    state = "quoted"
                    continue
                else:
                    state = "plain"
                if byte & 0xC0 != 0x80:  # count characters: not UTF-8 continuation bytes
                    length += 1
                    if length > MAX_CELL:
                        return index, line
    return index, line


def open_csv(path: Path) -> CsvFile:
    """Open `path`, read its header and detect the separator."""
    raw = open(path, "rb")  # noqa: SIM115 - closed by CsvFile.close
    size = path.stat().st_size
    counter = CountingReader(raw)
    binary = io.BufferedReader(counter, buffer_size=1 << 20)
    first_raw = binary.readline()
    header_bytes = len(first_raw)
    if first_raw.startswith(b"\xef\xbb\xbf"):
        first_raw = first_raw[3:]
    try:
        first = first_raw.decode("utf-8")
    except UnicodeDecodeError:
        binary.close()
        raise FileProblem(1, "bestand is geen geldige UTF-8-tekst") from None
    if not first.strip():
        binary.close()
        raise FileProblem(1, "bestand is leeg of heeft geen kopregel")
    delimiter = ";" if first.count(";") > first.count(",") else ","
    try:
        header = next(csv.reader([first], delimiter=delimiter, strict=True))
    except csv.Error as exc:
        binary.close()
        reason = csv_reason(exc).replace("CSV-regel", "kopregel")
        if "field larger than field limit" in str(exc):
            reason = f"een kolomnaam in de kopregel is langer dan {_thousands(MAX_CELL)} tekens"
        raise FileProblem(1, reason) from None
    header = [h.strip().lower() for h in header]
    if len(header) > MAX_COLUMNS:
        binary.close()
        raise FileProblem(
            1,
            f"de kopregel heeft {_thousands(len(header))} kolommen; een importbestand heeft er "
            f"hoogstens {MAX_COLUMNS}",
        )
    return CsvFile(path, header, delimiter, counter, size, binary, header_bytes)
