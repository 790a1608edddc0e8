"""Imports only for municipalities in the regional administration (block 1) on
the peildatum (R-02): a BRP or DUO file with data of a municipality outside it
is refused with a Dutch message naming that municipality, and nothing changes.
Winterswijk takes part in the regional team and coordination (blocks 2 and 4)
only; it left block 1 after 31 July 2026. On PostgreSQL every file first tries
the bulk path (conftest), so both paths are covered there."""

from __future__ import annotations

import datetime as dt

import pytest

from rbl.cases.models import VerzuimMelding
from rbl.organisation.models import BuildingBlock, Municipality, Participation
from rbl.registry.models import Exemption, ImportLog, ImportOutcome, Person
from tests.factories import PersonFactory

from .conftest import PEIL

HEADER = "bsn;geslachtsnaam;voornamen;geboortedatum;gemeentecode\n"
AALTEN = ["999993653;Jansen;Piet;2012-03-04;0197", "999991723;Bakker;Sem;2019-11-30;0197"]
WINTERSWIJK = "999990639;Vries;Anna;2008-02-29;0294"
LEFT = dt.date(2026, 7, 31)  # Winterswijk's last day in block 1
NAMED = "gemeente Winterswijk (0294) neemt op 01-10-2026 niet deel aan de regionale administratie"


@pytest.fixture
def blocks(region):
    start = dt.date(2024, 1, 1)
    for code in ("0197", "0222"):
        for block in BuildingBlock.values:
            Participation.objects.create(municipality_id=code, block=block, start=start)
    winterswijk = Municipality.objects.get(code="0294")
    Participation.objects.create(
        municipality=winterswijk, block=BuildingBlock.ADMINISTRATION, start=start, end=LEFT
    )
    for block in (BuildingBlock.TEAM, BuildingBlock.COORDINATION):
        Participation.objects.create(municipality=winterswijk, block=block, start=start)
    return region


def _state():
    return sorted(Person.objects.values_list("bsn", "municipality_id", "moved_out_on"))


def test_a_brp_extract_with_a_municipality_outside_block_1_is_refused(blocks, write, rbl_import):
    before = _state()
    path = write(HEADER + "\n".join([*AALTEN, WINTERSWIJK]) + "\n")
    code, result = rbl_import("brp", path, "--peildatum", str(PEIL))
    assert code == 1
    assert result["created"] == 0 and result["rejected"] == 1
    (error,) = result["errors"]
    assert (error["line"], error["column"]) == (4, "gemeentecode")
    assert error["reason"].startswith(NAMED)
    assert _state() == before
    assert ImportLog.objects.get().outcome == ImportOutcome.REJECTED


def test_skip_invalid_reads_only_the_municipalities_in_block_1(blocks, write, rbl_import):
    path = write(HEADER + "\n".join([*AALTEN, WINTERSWIJK]) + "\n")
    code, result = rbl_import("brp", path, "--peildatum", str(PEIL), "--skip-invalid")
    assert code == 0
    assert (result["created"], result["rejected"]) == (2, 1)
    assert set(Person.objects.values_list("municipality_id", flat=True)) == {"0197"}


def test_a_reload_refuses_the_municipality_that_left_on_either_path(blocks, write, rbl_import):
    """Loaded while Winterswijk still took part; the same extract after it left is
    refused (a reload compares lines, the bulk path's other branch)."""
    path = write(HEADER + "\n".join([*AALTEN, WINTERSWIJK]) + "\n")
    code, first = rbl_import("brp", path, "--peildatum", str(LEFT))
    assert code == 0 and first["created"] == 3
    before = _state()
    code, again = rbl_import("brp", path, "--peildatum", str(LEFT + dt.timedelta(days=1)))
    assert code == 1
    assert again["errors"][0]["reason"].startswith(
        "gemeente Winterswijk (0294) neemt op 01-08-2026"
    )
    assert _state() == before


def test_gemeente_option_outside_block_1_is_refused_on_line_1(blocks, write, rbl_import):
    path = write(HEADER + WINTERSWIJK + "\n")
    code, result = rbl_import("brp", path, "--peildatum", str(PEIL), "--gemeente", "0294")
    assert code == 1
    (error,) = result["errors"]
    assert (error["line"], error["column"]) == (1, "--gemeente")
    assert error["reason"].startswith(NAMED)
    assert not Person.objects.exists()


def test_mutations_into_a_municipality_outside_block_1_are_refused(blocks, write, rbl_import):
    header = "bsn,mutatie,mutatiedatum,geslachtsnaam,geboortedatum,gemeentecode,datum_overlijden\n"
    PersonFactory(bsn="999993653", municipality_id="0197", birth_date=dt.date(2012, 3, 4))
    before = _state()
    text = (
        header + "999993653,V,2026-09-01,,,0197,\n999993653,I,2026-09-01,Jansen,2012-03-04,0294,\n"
    )
    code, result = rbl_import("brp-mutaties", write(text), "--peildatum", str(PEIL))
    assert code == 1
    assert [e["line"] for e in result["errors"]] == [3]
    assert result["errors"][0]["reason"].startswith(NAMED)
    assert _state() == before


def test_exemptions_of_a_municipality_outside_block_1_are_refused(blocks, write, rbl_import):
    header = "bsn,gemeentecode,grond,ingangsdatum,einddatum,besluitdatum\n"
    text = header + "999990639,0294,5a,2025-08-01,,2025-07-01\n"
    code, result = rbl_import("vrijstellingen", write(text), "--peildatum", str(PEIL))
    assert code == 1
    assert result["errors"][0]["reason"].startswith(NAMED)
    assert not Exemption.objects.exists()


def test_absence_reports_of_youth_outside_block_1_are_refused(blocks, write, rbl_import):
    PersonFactory(bsn="999990639", municipality_id="0294", birth_date=dt.date(2012, 2, 1))
    PersonFactory(bsn="999993653", municipality_id="0197", birth_date=dt.date(2012, 3, 4))
    header = "meldingsnummer;bsn;brin;soort;meldingsdatum\n"
    text = header + "M-1;999993653;00AA;16UUR;2026-09-20\nM-2;999990639;00AA;16UUR;2026-09-21\n"
    code, result = rbl_import("verzuimmeldingen", write(text), "--peildatum", str(PEIL))
    assert code == 1
    (error,) = result["errors"]
    assert (error["line"], error["column"]) == (3, "bsn")
    assert error["reason"].startswith(NAMED)
    assert not VerzuimMelding.objects.exists()
    # On the last day Winterswijk took part the same file is read.
    code, result = rbl_import("verzuimmeldingen", write(text), "--peildatum", str(LEFT))
    assert code == 0 and result["created"] == 2
