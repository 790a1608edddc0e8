"""Reading a configuration YAML file strictly.

PyYAML is forgiving in ways that hurt configuration files: it silently keeps
the last of two equal keys, and it reads an unquoted municipality code such as
``0222`` as the octal number 146 (and ``1859`` as a number). This loader
refuses duplicate keys and remembers the text every integer was written as,
so a validator can tell the user exactly what to quote.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml


class YamlFileError(Exception):
    """The file cannot be read or is not valid YAML; the message is Dutch."""


class SourceInt(int):
    """An integer read from YAML that remembers the text it was written as."""

    source: str

    def __new__(cls, value: int, source: str) -> SourceInt:
        obj = super().__new__(cls, value)
        obj.source = source
        return obj


class _StrictLoader(yaml.SafeLoader):
    """SafeLoader with source-keeping integers and duplicate-key detection."""


def _construct_int(loader: _StrictLoader, node: yaml.ScalarNode) -> int:
    return SourceInt(yaml.SafeLoader.construct_yaml_int(loader, node), node.value)


def _construct_mapping(loader: _StrictLoader, node: yaml.MappingNode) -> dict[Any, Any]:
    loader.flatten_mapping(node)
    result: dict[Any, Any] = {}
    for key_node, value_node in node.value:
        key = loader.construct_object(key_node, deep=True)
        try:
            hash(key)
        except TypeError:
            raise YamlFileError(
                f"regel {key_node.start_mark.line + 1}: een sleutel moet een enkele waarde zijn"
            ) from None
        if key in result:
            raise YamlFileError(
                f"regel {key_node.start_mark.line + 1}: de sleutel '{key}' komt twee keer voor"
            )
        result[key] = loader.construct_object(value_node, deep=True)
    return result


def _construct_timestamp(loader: _StrictLoader, node: yaml.ScalarNode) -> Any:
    """A date such as 2022-13-01 that does not exist stays text, for the validator to report."""
    try:
        return yaml.SafeLoader.construct_yaml_timestamp(loader, node)
    except ValueError:
        return node.value


_StrictLoader.add_constructor("tag:yaml.org,2002:int", _construct_int)
_StrictLoader.add_constructor("tag:yaml.org,2002:timestamp", _construct_timestamp)
_StrictLoader.add_constructor("tag:yaml.org,2002:map", _construct_mapping)


# PyYAML's problems (English) and what a user should do about them, in Dutch;
# the first whose words occur in the problem.
_PROBLEMS = (
    ("could not find expected ':'", "er ontbreekt een dubbele punt na een sleutel"),
    (
        "mapping values are not allowed",
        "een dubbele punt waar die niet mag staan; zet de waarde tussen aanhalingstekens",
    ),
    ("'\\t'", "een tab; spring in met spaties"),
    ("end of stream", "een aanhalingsteken of haakje wordt niet gesloten"),
    ("escape", "een onbekende \\-reeks in tekst tussen dubbele aanhalingstekens"),
    ("alias", "een * of & aan het begin van een waarde; zet de waarde tussen aanhalingstekens"),
    ("anchor", "een * of & aan het begin van een waarde; zet de waarde tussen aanhalingstekens"),
    ("tag", "een ! aan het begin van een waarde; zet de waarde tussen aanhalingstekens"),
    (
        "cannot start any token",
        "een teken dat een waarde niet mag beginnen; zet de waarde tussen aanhalingstekens",
    ),
    ("special characters", "een stuurteken dat niet in YAML mag"),
    ("unacceptable character", "een stuurteken dat niet in YAML mag"),
    ("block end", "de inspringing klopt niet"),
    ("did not find expected", "de inspringing of een aanhalingsteken klopt niet"),
)
_PROBLEM_UNKNOWN = "de opbouw klopt niet (inspringing, dubbele punten of aanhalingstekens)"


def _dutch_problem(problem: str) -> str:
    for words, dutch in _PROBLEMS:
        if words in problem:
            return dutch
    return _PROBLEM_UNKNOWN


def parse_yaml_text(text: str) -> Any:
    """Parse YAML text strictly; raise YamlFileError with a Dutch reason."""
    try:
        return yaml.load(text, Loader=_StrictLoader)  # noqa: S506 - a SafeLoader subclass
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        where = f"regel {mark.line + 1}, kolom {mark.column + 1}: " if mark else ""
        problem = _dutch_problem(str(exc.problem or exc))
        raise YamlFileError(f"geen geldige YAML ({where}{problem})") from None
    except yaml.YAMLError as exc:
        raise YamlFileError(f"geen geldige YAML: {_dutch_problem(str(exc))}") from None


def read_yaml_file(path: str | Path) -> Any:
    """Read and parse a UTF-8 YAML file (a byte-order mark is accepted)."""
    path = Path(path)
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        raise YamlFileError(f"bestand niet gevonden: {path}") from None
    except IsADirectoryError:
        raise YamlFileError(f"{path} is een map, geen bestand") from None
    except OSError as exc:
        raise YamlFileError(f"bestand kan niet worden gelezen: {path} ({exc.strerror})") from None
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise YamlFileError("het bestand is geen UTF-8-tekst") from None
    return parse_yaml_text(text)
