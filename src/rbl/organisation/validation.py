"""Strict checks of parsed configuration data, with Dutch messages that name the
place in the file (``gemeenten[2].code: ...``; list positions count from 1, as
people count).

A `Checker` collects every problem instead of stopping at the first, so the
user can fix a file in one go. Each check returns the clean value, or None when
the value was wrong (the problem is then recorded).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from rbl.core.yamlfile import SourceInt

CBS_CODE = re.compile(r"^\d{4}$")
DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def item(path: str, index: int) -> str:
    """The path of the `index`-th (0-based) element of the list at `path`, counted from 1."""
    return f"{path}[{index + 1}]"


def key(path: str, name: object) -> str:
    """The path of a key for a message; a key YAML read as empty or as a
    non-text value (`~:`, `null:`, `: x`) is named as such, never as 'None'."""
    if name is None or (isinstance(name, str) and not name.strip()):
        shown = "(lege sleutel)"
    elif isinstance(name, str):
        shown = name
    else:
        shown = "(ja/nee-sleutel)" if isinstance(name, bool) else str(name)
    return f"{path}.{shown}" if path else shown


def describe(value: Any) -> str:
    """The YAML kind of a value, in Dutch, for 'expected X, found Y' messages."""
    if value is None:
        return "niets (leeg)"
    if isinstance(value, bool):
        return "ja/nee-waarde"
    if isinstance(value, int):
        return "getal"
    if isinstance(value, float):
        return "kommagetal"
    if isinstance(value, str):
        return "tekst"
    if isinstance(value, dt.datetime):
        return "datum met tijd"
    if isinstance(value, dt.date):
        return "datum"
    if isinstance(value, dict):
        return "lijst met sleutels"
    if isinstance(value, list):
        return "opsomming"
    return type(value).__name__


@dataclass
class Checker:
    errors: list[str] = field(default_factory=list)

    def error(self, path: str, message: str) -> None:
        self.errors.append(f"{path}: {message}" if path else message)

    def mapping(
        self,
        value: Any,
        path: str,
        *,
        allowed: Iterable[str],
        required: Iterable[str] = (),
    ) -> dict[str, Any] | None:
        """A mapping with only `allowed` keys and all `required` keys present."""
        where = path or "het bestand"
        if not isinstance(value, dict):
            self.error(path, f"verwacht een lijst met sleutels, gevonden: {describe(value)}")
            return None
        allowed = tuple(allowed)
        ok = True
        for name in value:
            if name not in allowed:
                self.error(
                    key(path, name),
                    f"onbekende sleutel; toegestaan in {where}: {', '.join(allowed)}",
                )
                ok = False
        for name in required:
            if name not in value or value[name] is None:
                self.error(key(path, name), "ontbreekt (verplicht)")
                ok = False
        return value if ok else None

    def sequence(self, value: Any, path: str, *, min_items: int = 0) -> list[Any] | None:
        if not isinstance(value, list):
            self.error(path, f"verwacht een opsomming (- ...), gevonden: {describe(value)}")
            return None
        if len(value) < min_items:
            self.error(path, f"moet minstens {min_items} element(en) bevatten")
            return None
        return value

    def text(self, value: Any, path: str, *, max_length: int, required: bool = True) -> str | None:
        if value is None:
            if required:
                self.error(path, "ontbreekt (verplicht)")
                return None
            return ""
        if not isinstance(value, str):
            self.error(path, f"verwacht tekst, gevonden: {describe(value)}")
            return None
        value = value.strip()
        if required and not value:
            self.error(path, "mag niet leeg zijn")
            return None
        if len(value) > max_length:
            self.error(path, f"is langer dan {max_length} tekens")
            return None
        return value

    def integer(self, value: Any, path: str, *, minimum: int, maximum: int) -> int | None:
        if isinstance(value, bool) or not isinstance(value, int):
            self.error(path, f"verwacht een geheel getal, gevonden: {describe(value)}")
            return None
        if not minimum <= value <= maximum:
            self.error(path, f"moet tussen {minimum} en {maximum} liggen (gevonden: {value})")
            return None
        return int(value)

    def boolean(self, value: Any, path: str) -> bool | None:
        if not isinstance(value, bool):
            self.error(path, f"verwacht true of false, gevonden: {describe(value)}")
            return None
        return value

    def date(self, value: Any, path: str) -> dt.date | None:
        if isinstance(value, dt.datetime):
            self.error(path, "verwacht een datum JJJJ-MM-DD zonder tijd")
            return None
        if isinstance(value, dt.date):
            return value
        if isinstance(value, str):
            text = value.strip()
            if DATE.match(text):
                try:
                    return dt.date.fromisoformat(text)
                except ValueError:
                    self.error(path, f"de datum {text} bestaat niet")
                    return None
        self.error(path, f"verwacht een datum JJJJ-MM-DD, gevonden: {describe(value)}")
        return None

    def cbs_code(self, value: Any, path: str) -> str | None:
        """A 4-digit CBS municipality code written as a quoted string."""
        if isinstance(value, int) and not isinstance(value, bool):
            written = value.source if isinstance(value, SourceInt) else str(value)
            digits = written.lstrip("+")
            hint = f'"{digits.zfill(4)}"' if digits.isdigit() and len(digits) <= 4 else '"0197"'
            self.error(
                path,
                f"de CBS-code {written} staat niet tussen aanhalingstekens; YAML leest hem dan "
                f"als getal. Schrijf {hint}",
            )
            return None
        if not isinstance(value, str):
            self.error(path, f"verwacht een CBS-code als tekst, gevonden: {describe(value)}")
            return None
        if not CBS_CODE.match(value):
            self.error(path, f"'{value}' is geen CBS-code: vier cijfers, bijv. \"0197\"")
            return None
        return value
