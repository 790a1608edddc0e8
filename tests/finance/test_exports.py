"""XLSX with numbers as numbers and rounded by the convention; the PDF renders."""

from __future__ import annotations

import json

import openpyxl
from django.core.management import call_command
from pypdf import PdfReader

from .helpers import EXAMPLES


def rows_of_table(sheet, title: str) -> list[list]:
    """The body rows (incl. total) of the table with `title` on the sheet."""
    rows = [list(r) for r in sheet.iter_rows()]
    start = next(i for i, r in enumerate(rows) if r[0].value == title)
    body = []
    for r in rows[start + 2 :]:
        if r[0].value is None or (len(r) > 1 and all(c.value is None for c in r[1:]) and body):
            break
        body.append(r)
    return body


def test_xlsx_holds_rounded_numbers_with_number_formats(tmp_path, capsys):
    target = tmp_path / "rivierland.xlsx"
    call_command("financien", str(EXAMPLES / "scenario-rivierland.yaml"), "--xlsx", str(target))
    assert f"Geschreven: {target}" in capsys.readouterr().out
    book = openpyxl.load_workbook(target)
    assert {
        "Formatie",
        "Preventie",
        "Begroting en bijdragen",
        "Verdeelsleutels",
        "Begrotingscyclus",
    } <= set(book.sheetnames)

    sheet = book["Begroting en bijdragen"]
    table = rows_of_table(sheet, "Bouwsteen 1: bijdragen (inwoners 5-17 jaar)")
    by_name = {r[0].value: r for r in table}
    for name, share, amount in [
        ("Aadorp", 0.15, 15171),
        ("Beekveld", 0.35, 35399),
        ("Cranendonk-aan-Zee", 0.5, 50571),
        ("Totaal", 1, 101141),
    ]:
        share_cell, amount_cell = by_name[name][1], by_name[name][2]
        assert share_cell.data_type == "n" and amount_cell.data_type == "n"
        assert float(share_cell.value) == share and share_cell.number_format == "0.00%"
        assert amount_cell.value == amount and "€" in amount_cell.number_format

    formation = rows_of_table(book["Formatie"], "Formatiemeter leerplicht")
    aadorp = formation[0]
    assert aadorp[0].value == "Aadorp"
    assert [float(c.value) for c in aadorp[2:4]] == [0.30, 0.49]
    assert aadorp[2].data_type == "n" and aadorp[2].number_format == "0.00"
    region = formation[-1]
    assert region[0].value == "Regio" and [float(c.value) for c in region[2:4]] == [1.93, 3.20]


def test_pdf_renders_with_the_rounded_figures(tmp_path):
    target = tmp_path / "rivierland.pdf"
    call_command("financien", str(EXAMPLES / "scenario-rivierland.yaml"), "--pdf", str(target))
    text = "\n".join(page.extract_text() for page in PdfReader(target).pages)
    assert "Rivierland" in text
    assert "Formatiemeter leerplicht" in text
    for shown in ("€ 15.171", "€ 35.399", "€ 50.571", "€ 101.141"):
        assert shown in text


def test_json_contract_keys(capsys):
    call_command(
        "financien",
        str(EXAMPLES / "finance" / "achterhoek.yaml"),
        "--json",
        "--vergelijk",
        str(EXAMPLES / "finance" / "achterhoek-winterswijk-in-team.yaml"),
    )
    data = json.loads(capsys.readouterr().out)
    codes = {"0197", "1859", "1876", "0221", "0222", "1955", "1586", "1509", "0294"}
    formation_keys = {
        "lp_onder",
        "lp_boven",
        "lpa_onder",
        "lpa_boven",
        "administratie_onder",
        "administratie_boven",
        "beleid_onder",
        "beleid_boven",
        "aansturing_onder",
        "aansturing_boven",
        "rmc",
        "actueel_lp",
        "actueel_rmc",
        "oordeel_lp",
        "oordeel_rmc",
    }
    assert set(data["formatiemeter"]) == codes | {"regio"}
    for values in data["formatiemeter"].values():
        assert formation_keys <= set(values)
        assert values["oordeel_lp"] in {"onder", "binnen", "boven"}
    # The example gives no actual formation: the judgement stays in the contract's
    # terms (zero formation is below the band) and says that nothing was given.
    assert data["formatiemeter"]["0222"]["formatie_opgegeven"] is False
    assert set(data["preventie"]) == codes | {"buiten_regio", "regio"}
    for code in codes:
        assert {"uren_per_week", "fte", "eerlijk_deel_uren", "verschil_uren"} <= set(
            data["preventie"][code]
        )
    assert "uren_per_week" in data["preventie"]["buiten_regio"]
    assert set(data["bouwstenen"]) == {"1", "2", "3", "4"}
    for block in data["bouwstenen"].values():
        assert {"kosten", "baten", "te_verdelen", "bijdragen"} <= set(block)
    # Block 2 members do not pay for block 3.
    assert set(data["bouwstenen"]["3"]["bijdragen"]) == codes - {"0222", "1955", "0221", "1876"}
    assert set(data["totaal_per_gemeente"]) == codes
    assert set(data["sleutels"]["0222"]) >= {"inwoners", "problematiek"}
    assert abs(sum(data["sleutels"][c]["inwoners"] for c in codes) - 1) < 1e-12
    assert set(data["vergelijking"]) == codes
    winterswijk = data["vergelijking"]["0294"]
    assert winterswijk["verschil"] == winterswijk["totaal_vergelijk"] - winterswijk["totaal"]
    assert winterswijk["verschil"] > 0


def test_achterhoek_contributions_to_the_euro(capsys):
    """Block 1 of the nine-municipality Achterhoek example against a hand computation:
    0.2 × 105,065 + 2.5 × 57,111 + 0.5 × 73,413 = 200,497.00; × 1.2 + 45,000 = 285,596.40,
    shared by inhabitants 5-17 (data/achterhoek.csv: 43,690 in all)."""
    call_command("financien", str(EXAMPLES / "finance" / "achterhoek.yaml"))
    out = capsys.readouterr().out
    call_command("financien", str(EXAMPLES / "finance" / "achterhoek.yaml"), "--json")
    block = json.loads(capsys.readouterr().out)["bouwstenen"]["1"]
    assert block["kosten"] == 285596.4
    expected = {  # code: (inhabitants 5-17, whole euros)
        "0197": (4048, 26461),
        "1859": (6201, 40535),
        "1876": (4998, 32671),
        "0221": (1391, 9093),
        "0222": (8375, 54746),
        "1955": (4628, 30253),
        "1586": (4344, 28396),
        "1509": (5586, 36515),
        "0294": (4119, 26925),
    }
    for code, (young, shown) in expected.items():
        assert abs(block["bijdragen"][code] - 285596.4 * young / 43690) < 1e-6
        assert f"€ {shown:,}".replace(",", ".") in out
    # The displayed parts add up to 285,595 while the total shows 285,596 (the rounded
    # 285,596.40): the €1 difference the rounding convention expects and keeps.
    assert sum(v for _, v in expected.values()) == 285595
    assert "€ 285.596" in out and "€ 285.595" not in out
