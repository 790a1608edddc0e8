"""The digest of a file line: how a re-load finds its unchanged rows without
comparing them column by column.

A row loaded by the bulk path keeps, in `source_digest`, a 64-bit hash of the
line it came from, with a seed taken from the kind and the file's header, so
that the same cells under another header (other columns, another order,
another separator) never give the same digest. On PostgreSQL the hash is
`hashtextextended(line, seed)`, computed by the database; SQLite has no hash
function, so Python computes a keyed BLAKE2b (`line_hasher`), only for files
whose every line is one row (no quotes: bulk.FileScan.line_plain; other files
keep no digest and re-load cell by cell). A re-load joins the new file's lines
with the table on the digest (a 64-bit key joins faster than the cells): a
line that finds its row is, byte for byte, the line that row was loaded from,
so it is unchanged and valid by construction. Only the lines that find no row
(new, changed, or a row whose digest is empty) are split into cells and
compared and checked as before.

Kept honest by the database: a trigger (migrations registry/0004 and 0007) empties the
digest whenever an UPDATE changes the row's values without setting a new one,
whatever wrote it. An empty or outdated digest never gives a wrong result, it
only sends that row the slow way.

The hash is not cryptographic. A line whose digest is that of another row is
caught whenever that row is also found otherwise: by its own line (two lines
find one row: the counts no longer add up) or, when its line changed, by its
key (`bulk.found_twice`); the file then takes the Python path. For a wrong
result a changed line would have to collide with the digest of a row that no
line of the file names: one chance in 2^64 for each such pair (a re-load with
a thousand changed lines and ten thousand such rows: about one in 10^12). Whoever
can write a BRP file could change the row outright anyway.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable

_SIGNED = 1 << 63


def header_seed(kind: str, header: list[str], delimiter: str) -> int:
    """The seed for the digests of a file: from its kind, its columns (as read from
    the header, in order) and its separator."""
    raw = hashlib.sha256("\n".join([kind, delimiter, *header]).encode()).digest()
    value = int.from_bytes(raw[:8], "big")
    return value - (1 << 64) if value >= _SIGNED else value


def line_digest(line_sql: str, seed: int) -> str:
    """SQL for the digest of the line `line_sql` (text, without its newline)."""
    return f"hashtextextended({line_sql}, {seed})"


def line_hasher(seed: int) -> Callable[[bytes], int]:
    """SQLite: the digest of a line (its bytes without the line end), computed in
    Python as SQLite has no hash function: BLAKE2b keyed with the seed, 64 bits,
    signed like a BIGINT. About 0.5 µs a line."""
    base = hashlib.blake2b(digest_size=8, key=seed.to_bytes(8, "big", signed=True))
    from_bytes = int.from_bytes

    def digest(line: bytes) -> int:
        h = base.copy()
        h.update(line)
        return from_bytes(h.digest(), "big", signed=True)

    return digest
