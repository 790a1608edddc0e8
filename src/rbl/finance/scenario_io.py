"""Reading a scenario file (YAML or JSON) into plain Python data.

The YAML loader keeps the text an integer was written as (so that an unquoted
municipality code such as ``0222``, which YAML reads as the octal number 146,
can be reported with the text the user typed) and refuses duplicate keys,
which YAML would otherwise resolve silently by keeping the last one.
"""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path
from typing import Any

import yaml


class ScenarioFileError(Exception):
    """The file could not be read or parsed; the message is Dutch and user-facing."""


class SourceInt(int):
    """An integer read from YAML that remembers how it was written."""

    source: str

    def __new__(cls, value: int, source: str) -> SourceInt:
        obj = super().__new__(cls, value)
        obj.source = source
        return obj


class _ScenarioLoader(yaml.SafeLoader):
    """Safe YAML loader with source-preserving ints and duplicate-key detection."""


def _construct_int(loader: _ScenarioLoader, node: yaml.ScalarNode) -> int:
    value = yaml.SafeLoader.construct_yaml_int(loader, node)
    return SourceInt(value, node.value)


def _construct_mapping(loader: _ScenarioLoader, node: yaml.MappingNode) -> dict[Any, Any]:
    loader.flatten_mapping(node)
    result: dict[Any, Any] = {}
    for key_node, value_node in node.value:
        key = loader.construct_object(key_node, deep=True)
        try:
            hash(key)
        except TypeError as exc:
            raise yaml.constructor.ConstructorError(
                None, None, "ongeldige sleutel", key_node.start_mark
            ) from exc
        if key in result:
            line = key_node.start_mark.line + 1
            raise ScenarioFileError(f"regel {line}: de sleutel '{key}' komt twee keer voor")
        result[key] = loader.construct_object(value_node, deep=True)
    return result


_ScenarioLoader.add_constructor("tag:yaml.org,2002:int", _construct_int)
_ScenarioLoader.add_constructor("tag:yaml.org,2002:map", _construct_mapping)


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
        return yaml.load(text, Loader=_ScenarioLoader)  # noqa: S506 - SafeLoader subclass
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        where = f"regel {mark.line + 1}, kolom {mark.column + 1}: " if mark else ""
        raise ScenarioFileError(f"geen geldige YAML ({where}{exc.problem or exc})") from exc
    except yaml.YAMLError as exc:
        raise ScenarioFileError(f"geen geldige YAML: {exc}") from exc


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
