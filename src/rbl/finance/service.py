"""Loading scenarios for the command and the web page, with Dutch problems."""

from __future__ import annotations

from dataclasses import dataclass

from rbl.finance.scenario import Scenario, ScenarioInvalid, validate_scenario
from rbl.finance.scenario_io import ScenarioFileError, parse_scenario_bytes, read_scenario_file


@dataclass(frozen=True)
class Problem:
    """One reason a scenario file was rejected."""

    file: str
    path: str
    reason: str

    def __str__(self) -> str:
        where = f"{self.path}: " if self.path else ""
        return f"{self.file}: {where}{self.reason}"

    def as_json(self) -> dict[str, str]:
        return {"file": self.file, "path": self.path, "reason": self.reason, "message": str(self)}


class ScenarioRejected(Exception):
    def __init__(self, problems: list[Problem]):
        super().__init__("\n".join(str(p) for p in problems))
        self.problems = problems


def _validated(data: object, name: str) -> Scenario:
    try:
        return validate_scenario(data)
    except ScenarioInvalid as exc:
        raise ScenarioRejected(
            [Problem(name, path, reason) for path, reason in exc.problems]
        ) from exc


def scenario_from_path(path: str) -> Scenario:
    """Read and validate a scenario file, or raise ScenarioRejected."""
    try:
        data = read_scenario_file(path)
    except ScenarioFileError as exc:
        raise ScenarioRejected([Problem(path, "", str(exc))]) from exc
    return _validated(data, path)


def scenario_from_upload(raw: bytes, name: str) -> Scenario:
    """Validate an uploaded scenario file, or raise ScenarioRejected."""
    try:
        data = parse_scenario_bytes(raw, name)
    except ScenarioFileError as exc:
        raise ScenarioRejected([Problem(name, "", str(exc))]) from exc
    return _validated(data, name)
