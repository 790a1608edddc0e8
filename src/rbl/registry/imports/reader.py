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

csv.field_size_limit(1 << 20)


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

    def rows(self) -> Iterator[tuple[int, list[str]]]:
        """(line, cells) for each non-empty data row; raises FileProblem on broken CSV.

        `line` is the physical line on which the row ends (the header is line 1).
        """
        reader = csv.reader(self._lines(), delimiter=self.delimiter, strict=True)
        while True:
            try:
                cells = next(reader)
            except StopIteration:
                return
            except csv.Error as exc:
                raise FileProblem(reader.line_num + 1, f"onleesbare CSV-regel ({exc})") from None
            if not cells or (len(cells) == 1 and not cells[0].strip()):
                continue
            yield reader.line_num + 1, cells

    def _lines(self) -> Iterator[str]:
        line = 1
        for raw in self._binary:
            line += 1
            try:
                yield raw.decode("utf-8")
            except UnicodeDecodeError:
                raise FileProblem(line, "bestand is geen geldige UTF-8-tekst") from None

    def close(self) -> None:
        self._binary.close()


def open_csv(path: Path) -> CsvFile:
    """Open `path`, read its header and detect the separator."""
    raw = open(path, "rb")  # noqa: SIM115 - closed by CsvFile.close
    size = path.stat().st_size
    counter = CountingReader(raw)
    binary = io.BufferedReader(counter, buffer_size=1 << 20)
    first_raw = binary.readline()
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
        raise FileProblem(1, f"onleesbare kopregel ({exc})") from None
    header = [h.strip().lower() for h in header]
    return CsvFile(path, header, delimiter, counter, size, binary)
