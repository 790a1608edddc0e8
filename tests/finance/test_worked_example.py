"""The worked example at the end of finance.md, reproduced exactly."""

from __future__ import annotations

import json
from decimal import Decimal

from django.core.management import call_command

from rbl.finance.results import compute
from rbl.finance.rounding import euros, format_euro, format_fte, rounded_total
from rbl.finance.scenario import validate_scenario

from .helpers import EXAMPLES, rivierland


def test_formatiemeter_bounds_of_the_worked_example():
    result = compute(validate_scenario(rivierland()))
    shown = {f.naam: (format_fte(f.lp_onder), format_fte(f.lp_boven)) for f in result.formatie}
    assert shown == {
        "Aadorp": ("0,30", "0,49"),
        "Beekveld": ("0,52", "0,86"),
        "Cranendonk-aan-Zee": ("1,11", "1,84"),
    }
    region = result.formatie_regio
    assert region.caseload == 260
    assert (format_fte(region.lp_onder), format_fte(region.lp_boven)) == ("1,93", "3,20")


def test_block_total_and_contributions_of_the_worked_example():
    result = compute(validate_scenario(rivierland()))
    (block,) = result.bouwstenen
    assert [t.bedrag for t in block.team] == [Decimal("10506.50"), Decimal("57111")]
    assert block.personeel == Decimal("67617.50")
    assert block.opslag == Decimal("13523.50")
    assert block.kosten == Decimal("101141")
    assert block.te_verdelen == Decimal("101141")
    assert block.aandelen == {
        "0001": Decimal("0.15"),
        "0002": Decimal("0.35"),
        "0003": Decimal("0.5"),
    }
    assert block.bijdragen == {
        "0001": Decimal("15171.15"),
        "0002": Decimal("35399.35"),
        "0003": Decimal("50570.50"),
    }
    # Displayed half up: 50,570.50 → 50,571 (not bankers' 50,570).
    assert [euros(v) for v in block.bijdragen.values()] == [15171, 35399, 50571]
    assert [format_euro(v) for v in block.bijdragen.values()] == [
        "€ 15.171",
        "€ 35.399",
        "€ 50.571",
    ]
    assert rounded_total(block.bijdragen.values()) == 101141
    assert sum(euros(v) for v in block.bijdragen.values()) == 101141


def test_example_file_gives_the_worked_example_through_the_command(capsys):
    call_command("financien", str(EXAMPLES / "scenario-rivierland.yaml"), "--json")
    data = json.loads(capsys.readouterr().out)
    block = data["bouwstenen"]["1"]
    assert block["kosten"] == 101141
    assert block["te_verdelen"] == 101141
    assert block["bijdragen"] == {"0001": 15171.15, "0002": 35399.35, "0003": 50570.5}
    assert round(data["formatiemeter"]["regio"]["lp_onder"], 3) == 1.926
    assert round(data["formatiemeter"]["regio"]["lp_boven"], 3) == 3.197


def test_terminal_tables_show_the_rounded_example(capsys):
    call_command("financien", str(EXAMPLES / "scenario-rivierland.yaml"))
    out = capsys.readouterr().out
    assert "€ 50.571" in out and "€ 15.171" in out and "€ 101.141" in out
    assert "Formatiemeter leerplicht" in out
