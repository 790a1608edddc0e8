"""Small helpers shared by the XLSX exports."""

from __future__ import annotations


def sheet_title(title: str, used: set[str]) -> str:
    """A worksheet name Excel accepts (at most 31 characters, none of []:*?/\\),
    unique within `used` (which it is added to)."""
    base = "".join(ch for ch in title if ch not in "[]:*?/\\")[:31] or "Blad"
    name, n = base, 2
    while name in used:
        suffix = f" {n}"
        name = base[: 31 - len(suffix)] + suffix
        n += 1
    used.add(name)
    return name
