"""Every invalid scenario is rejected with a Dutch message naming the place; exit 1."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import call_command

from .helpers import REPO, rivierland, write_yaml

RBL = [sys.executable, "-m", "rbl"]


def run_rejected(path: Path, capsys) -> str:
    with pytest.raises(SystemExit) as exit_info:
        call_command("financien", str(path))
    assert exit_info.value.code == 1
    captured = capsys.readouterr()
    assert "Traceback" not in captured.err
    assert "Het scenario is afgewezen" in captured.err
    return captured.err


def rejected_message(tmp_path: Path, capsys, mutate) -> str:
    data = rivierland()
    mutate(data)
    return run_rejected(write_yaml(tmp_path / "scenario.yaml", data), capsys)


def test_unknown_key_is_named_with_a_suggestion(tmp_path, capsys):
    err = rejected_message(tmp_path, capsys, lambda d: d.update({"sleutels": "inwoners"}))
    assert "sleutels: onbekende sleutel; bedoelt u 'sleutel'?" in err


def test_unknown_key_inside_a_municipality(tmp_path, capsys):
    err = rejected_message(tmp_path, capsys, lambda d: d["gemeenten"][2].update({"casload": 3}))
    assert "gemeenten[2].casload: onbekende sleutel; bedoelt u 'caseload'?" in err


def test_missing_age_band_is_named(tmp_path, capsys):
    def mutate(d):
        del d["gemeenten"][1]["inwoners"]["5-15"]

    err = rejected_message(tmp_path, capsys, mutate)
    assert "gemeenten[1].inwoners.5-15: ontbreekt (verplicht)" in err


def test_empty_number_is_named(tmp_path, capsys):
    def mutate(d):
        d["bouwstenen"][1]["team"][0]["fte"] = None

    err = rejected_message(tmp_path, capsys, mutate)
    assert "bouwstenen.1.team[0].fte: ontbreekt (geen waarde ingevuld)" in err


def test_negative_numbers_are_rejected(tmp_path, capsys):
    def mutate(d):
        d["bouwstenen"][1]["team"][1]["fte"] = -1
        d["gemeenten"][0]["inwoners"]["16-17"] = -5
        d["bouwstenen"][1]["overige_kosten"][0]["bedrag"] = -20000

    err = rejected_message(tmp_path, capsys, mutate)
    assert "bouwstenen.1.team[1].fte: mag niet negatief zijn (-1)" in err
    assert "gemeenten[0].inwoners.16-17: mag niet negatief zijn" in err
    assert "bouwstenen.1.overige_kosten[0].bedrag: mag niet negatief zijn" in err


def test_text_where_a_number_belongs(tmp_path, capsys):
    err = rejected_message(
        tmp_path, capsys, lambda d: d["gemeenten"][0].update({"caseload": "veel"})
    )
    assert "gemeenten[0].caseload: moet een getal zijn, niet de tekst 'veel'" in err


def test_fractional_count_is_rejected(tmp_path, capsys):
    err = rejected_message(tmp_path, capsys, lambda d: d["gemeenten"][0].update({"caseload": 4.5}))
    assert "gemeenten[0].caseload: moet een geheel getal zijn (4,5)" in err


def test_unquoted_municipality_code_gets_the_quoting_hint(tmp_path, capsys):
    text = (REPO / "examples" / "scenario-rivierland.yaml").read_text(encoding="utf-8")
    text = text.replace('code: "0002"', "code: 0222").replace('code: "0003"', "code: 1859")
    path = tmp_path / "unquoted.yaml"
    path.write_text(text, encoding="utf-8")
    err = run_rejected(path, capsys)
    # YAML reads 0222 as the octal number 146: the message shows what the user typed.
    assert "gemeenten[1].code: de gemeentecode 0222 is als getal gelezen" in err
    assert 'tussen aanhalingstekens, bijvoorbeeld "0222"' in err
    assert "gemeenten[2].code: de gemeentecode 1859 is als getal gelezen" in err


def test_code_that_is_not_four_digits(tmp_path, capsys):
    err = rejected_message(tmp_path, capsys, lambda d: d["gemeenten"][0].update({"code": "12a"}))
    assert "gemeenten[0].code: '12a' is geen CBS-gemeentecode van 4 cijfers" in err


def test_duplicate_municipality_code(tmp_path, capsys):
    err = rejected_message(tmp_path, capsys, lambda d: d["gemeenten"][1].update({"code": "0001"}))
    assert "gemeenten[1].code: code 0001 komt al voor bij Aadorp" in err


def test_salary_scale_not_in_schalen(tmp_path, capsys):
    err = rejected_message(
        tmp_path, capsys, lambda d: d["bouwstenen"][1]["team"][0].update({"schaal": 14})
    )
    assert "bouwstenen.1.team[0].schaal: schaal 14 staat niet in 'schalen' (wel: 7, 9, 12)" in err


def test_block_listed_by_a_municipality_must_exist(tmp_path, capsys):
    err = rejected_message(
        tmp_path, capsys, lambda d: d["gemeenten"][2].update({"bouwstenen": [1, 4]})
    )
    assert "gemeenten[2].bouwstenen[1]: bouwsteen 4 bestaat niet in 'bouwstenen' (wel: 1)" in err


def test_fixed_shares_must_sum_to_100_percent(tmp_path, capsys):
    def mutate(d):
        d["sleutel"] = "vast"
        for m, share in zip(d["gemeenten"], (0.30, 0.15, 0.50), strict=True):
            m["aandeel"] = share

    err = rejected_message(tmp_path, capsys, mutate)
    assert "sleutel: de vaste aandelen van de deelnemers aan bouwsteen 1 tellen op tot 95 %" in err


def test_fixed_share_missing_for_a_payer(tmp_path, capsys):
    def mutate(d):
        d["bouwstenen"][1]["sleutel"] = "vast"
        d["gemeenten"][0]["aandeel"] = 0.5
        d["gemeenten"][1]["aandeel"] = 0.5

    err = rejected_message(tmp_path, capsys, mutate)
    assert "gemeenten[2].aandeel: ontbreekt; Cranendonk-aan-Zee betaalt mee aan bouwsteen 1" in err


def test_unknown_allocation_key(tmp_path, capsys):
    err = rejected_message(tmp_path, capsys, lambda d: d.update({"sleutel": "inwoner"}))
    assert "sleutel: onbekende verdeelsleutel 'inwoner'; bedoelt u 'inwoners'?" in err


def test_key_that_cannot_divide(tmp_path, capsys):
    err = rejected_message(tmp_path, capsys, lambda d: d.update({"sleutel": "leerlingen"}))
    assert "sleutel: de deelnemers aan bouwsteen 1 hebben samen 0 (leerlingen)" in err


def test_unknown_school_type(tmp_path, capsys):
    err = rejected_message(
        tmp_path, capsys, lambda d: d["gemeenten"][0].update({"scholen": {"HO": 1}})
    )
    assert "gemeenten[0].scholen.HO: onbekende schoolsoort" in err


def test_income_line_with_both_amount_and_fte(tmp_path, capsys):
    def mutate(d):
        d["bouwstenen"][1]["overige_baten"] = [
            {"omschrijving": "RMC", "bedrag": 100, "fte": 1, "schaal": 7}
        ]

    err = rejected_message(tmp_path, capsys, mutate)
    assert "bouwstenen.1.overige_baten[0]: geef óf een bedrag, óf fte met schaal" in err


def test_missing_required_top_keys(tmp_path, capsys):
    def mutate(d):
        del d["opslag"]
        del d["schalen"]

    err = rejected_message(tmp_path, capsys, mutate)
    assert "opslag: ontbreekt (verplicht)" in err
    assert "schalen: ontbreekt (verplicht)" in err


def test_all_problems_are_reported_at_once(tmp_path, capsys):
    def mutate(d):
        d["gemeenten"][0]["caseload"] = -1
        d["bouwstenen"][1]["team"][0]["schaal"] = 99

    err = rejected_message(tmp_path, capsys, mutate)
    assert "gemeenten[0].caseload" in err and "bouwstenen.1.team[0].schaal" in err


def test_yaml_syntax_error_names_the_line(tmp_path, capsys):
    path = tmp_path / "kapot.yaml"
    path.write_text("regio: Rivierland\ngemeenten: [\n  - code: 1\n", encoding="utf-8")
    err = run_rejected(path, capsys)
    assert "geen geldige YAML (regel" in err


def test_duplicate_yaml_key_is_rejected(tmp_path, capsys):
    path = tmp_path / "dubbel.yaml"
    path.write_text("regio: A\nregio: B\n", encoding="utf-8")
    err = run_rejected(path, capsys)
    assert "regel 2: de sleutel 'regio' komt twee keer voor" in err


def test_file_that_is_not_a_scenario(tmp_path, capsys):
    path = tmp_path / "lijst.yaml"
    path.write_text("- 1\n- 2\n", encoding="utf-8")
    err = run_rejected(path, capsys)
    assert "(bestand): moet een lijst van sleutels en waarden zijn" in err


def test_missing_file(tmp_path, capsys):
    err = run_rejected(tmp_path / "bestaat-niet.yaml", capsys)
    assert "bestand niet gevonden" in err


def test_json_scenario_is_checked_the_same_way(tmp_path, capsys):
    data = rivierland()
    data["gemeenten"][0]["code"] = 1
    data["bouwstenen"] = {"1": data["bouwstenen"][1]}
    path = tmp_path / "scenario.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    err = run_rejected(path, capsys)
    assert "gemeenten[0].code: de gemeentecode 1 is als getal gelezen" in err
    assert 'bijvoorbeeld "0001"' in err


def test_json_mode_lists_errors(tmp_path, capsys):
    data = rivierland()
    data["opslag"] = -0.2
    path = write_yaml(tmp_path / "scenario.yaml", data)
    with pytest.raises(SystemExit) as exit_info:
        call_command("financien", str(path), "--json")
    assert exit_info.value.code == 1
    payload = json.loads(capsys.readouterr().out)
    assert payload["errors"][0]["path"] == "opslag"
    assert "mag niet negatief zijn" in payload["errors"][0]["reason"]


def test_comparison_file_is_validated_too(tmp_path, capsys):
    good = write_yaml(tmp_path / "a.yaml", rivierland())
    bad_data = rivierland()
    bad_data["jaar"] = "volgend jaar"
    bad = write_yaml(tmp_path / "b.yaml", bad_data)
    with pytest.raises(SystemExit) as exit_info:
        call_command("financien", str(good), "--vergelijk", str(bad))
    assert exit_info.value.code == 1
    err = capsys.readouterr().err
    assert f"{bad}: jaar: moet een getal zijn" in err


def test_real_command_exit_codes_without_traceback(tmp_path):
    data = rivierland()
    data["gemeenten"][0]["inwoners"]["5-15"] = -3
    path = write_yaml(tmp_path / "scenario.yaml", data)
    rejected = subprocess.run(
        [*RBL, "financien", str(path)], capture_output=True, text=True, cwd=tmp_path
    )
    assert rejected.returncode == 1
    assert "gemeenten[0].inwoners.5-15: mag niet negatief zijn" in rejected.stderr
    assert "Traceback" not in rejected.stderr + rejected.stdout

    no_file = subprocess.run([*RBL, "financien"], capture_output=True, text=True, cwd=tmp_path)
    assert no_file.returncode == 2
    bad_option = subprocess.run(
        [*RBL, "financien", str(path), "--onbekend"], capture_output=True, text=True, cwd=tmp_path
    )
    assert bad_option.returncode == 2
    assert "Traceback" not in no_file.stderr + bad_option.stderr


def test_real_command_does_not_create_or_touch_a_database(tmp_path):
    path = write_yaml(tmp_path / "scenario.yaml", rivierland())
    env = {**__import__("os").environ, "RBL_DB": str(tmp_path / "rbl.sqlite3")}
    env.pop("DATABASE_URL", None)
    done = subprocess.run(
        [*RBL, "financien", str(path), "--json"],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        env=env,
    )
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["totaal"] == 101141
    assert not (tmp_path / "rbl.sqlite3").exists()


def test_unwritable_output_file_is_a_dutch_error(tmp_path, capsys):
    path = write_yaml(tmp_path / "scenario.yaml", rivierland())
    target = tmp_path / "bestaat-niet" / "uit.xlsx"
    with pytest.raises(SystemExit) as exit_info:
        call_command("financien", str(path), "--xlsx", str(target))
    assert exit_info.value.code == 1
    err = capsys.readouterr().err
    assert "kan niet schrijven" in err and "Traceback" not in err
