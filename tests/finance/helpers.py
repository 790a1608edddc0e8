"""Scenario builders for the finance tests."""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import yaml

REPO = Path(__file__).resolve().parents[2]
EXAMPLES = REPO / "examples"


def rivierland() -> dict[str, Any]:
    """The worked example of finance.md, as plain scenario data."""
    return copy.deepcopy(
        {
            "regio": "Rivierland",
            "jaar": 2021,
            "sleutel": "inwoners",
            "opslag": 0.20,
            "schalen": {7: 57111, 9: 73413, 12: 105065},
            "gemeenten": [
                {
                    "code": "0001",
                    "naam": "Aadorp",
                    "inwoners": {"5-15": 1000, "16-17": 200, "18-22": 400},
                    "caseload": 40,
                    "bouwstenen": [1],
                },
                {
                    "code": "0002",
                    "naam": "Beekveld",
                    "inwoners": {"5-15": 2300, "16-17": 500, "18-22": 900},
                    "caseload": 70,
                    "bouwstenen": [1],
                },
                {
                    "code": "0003",
                    "naam": "Cranendonk-aan-Zee",
                    "inwoners": {"5-15": 3300, "16-17": 700, "18-22": 1300},
                    "caseload": 150,
                    "bouwstenen": [1],
                },
            ],
            "bouwstenen": {
                1: {
                    "naam": "Regionale administratie en managementinformatie",
                    "team": [
                        {"functie": "Teammanager administratie", "fte": 0.1, "schaal": 12},
                        {"functie": "Administratie leerplicht", "fte": 1.0, "schaal": 7},
                    ],
                    "overige_kosten": [
                        {"omschrijving": "Software leerplichtadministratie", "bedrag": 20000}
                    ],
                }
            },
        }
    )


def write_yaml(path: Path, data: dict[str, Any]) -> Path:
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return path
