"""Reading a scenario file (YAML or JSON) into plain Python data.

YAML is read with the strict loader of `rbl.core.yamlfile` (integers keep the
text they were written as, so an unquoted ``0222`` can be reported as typed;
duplicate keys are refused); JSON gets the same duplicate-key check.
"""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path
from typing import Any

from rbl.core.yamlfile import SourceInt, YamlFileError, parse_yaml_text

__all__ = ["ScenarioFileError", "SourceInt", "parse_scenario_bytes", "read_scenario_file"]


class ScenarioFileError(YamlFileError):
    """The file could not be read or parsed; the message is Dutch and user-facing."""


def _reject_duplicate_json_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    result: dict[str, Any] = {}
    for key, value in pairs:
        if key in result:
            raise ScenarioFileError(f"de sleutel '{key}' komt twee keer voor")
        result[key] = value
    return result


def parse_scenario_text(text: str, name: str = "scenario") -> Any:
    """Parse scenario text: JSON when the name ends in .json, YAML otherwise."""
    if name.lower().endswith(".json"):
        try:
            return json.loads(
                text, parse_float=Decimal, object_pairs_hook=_reject_duplicate_json_keys
            )
        except json.JSONDecodeError as exc:
            raise ScenarioFileError(
                f"geen geldige JSON (regel {exc.lineno}, kolom {exc.colno}): {exc.msg}"
            ) from exc
    try:
        return parse_yaml_text(text)
    except YamlFileError as exc:
        raise ScenarioFileError(str(exc)) from None


def read_scenario_file(path: str | Path) -> Any:
    """Read and parse a scenario file; raise ScenarioFileError with a Dutch reason."""
    path = Path(path)
    try:
        raw = path.read_bytes()
    except FileNotFoundError as exc:
        raise ScenarioFileError(f"bestand niet gevonden: {path}") from exc
    except IsADirectoryError as exc:
        raise ScenarioFileError(f"{path} is een map, geen bestand") from exc
    except OSError as exc:
        raise ScenarioFileError(
            f"bestand kan niet worden gelezen: {path} ({exc.strerror})"
        ) from exc
    return parse_scenario_bytes(raw, path.name)


def parse_scenario_bytes(raw: bytes, name: str) -> Any:
    """Decode (UTF-8, with or without BOM) and parse scenario bytes."""
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ScenarioFileError("het bestand is geen UTF-8-tekst") from exc
    return parse_scenario_text(text, name)
