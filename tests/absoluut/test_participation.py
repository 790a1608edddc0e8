"""The absoluut check runs only for municipalities in the regional
administration (block 1) on the peildatum (R-02): the others are skipped and
named; asking for one of them is refused and changes nothing."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from rbl.absoluut.check import OutsideAdministration, run_check
from rbl.absoluut.models import Signal
from rbl.organisation.models import BuildingBlock, Participation
from tests.factories import PersonFactory

from .conftest import LP_BIRTH, D
from .test_command import rbl_absoluut

pytestmark = pytest.mark.django_db

JOINED = dt.date(2025, 1, 7)  # Winterswijk joins block 1 the day after D


@pytest.fixture
def region(aalten, winterswijk):
    since = dt.date(2020, 1, 1)
    Participation.objects.create(
        municipality=aalten, block=BuildingBlock.ADMINISTRATION, start=since
    )
    Participation.objects.create(municipality=winterswijk, block=BuildingBlock.TEAM, start=since)
    Participation.objects.create(
        municipality=winterswijk, block=BuildingBlock.ADMINISTRATION, start=JOINED
    )
    return {
        "aalten": PersonFactory(municipality=aalten, birth_date=LP_BIRTH),
        "winterswijk": PersonFactory(municipality=winterswijk, birth_date=LP_BIRTH),
    }


def test_a_municipality_outside_block_1_is_skipped_and_named(capsys, region):
    code, out, _ = rbl_absoluut(capsys, "--peildatum", D.isoformat(), "--json")
    answer = json.loads(out)
    assert code == 0
    assert (answer["checked"], answer["new"], answer["overgeslagen"]) == (1, 1, ["0294"])
    assert list(Signal.objects.values_list("person", flat=True)) == [region["aalten"].pk]
    code, out, _ = rbl_absoluut(capsys, "--peildatum", D.isoformat())
    assert (
        "niet gecontroleerd (niet in bouwsteen 1, regionale administratie): Winterswijk (0294)"
        in out
    )


def test_from_the_day_it_joins_block_1_it_is_checked(region):
    result = run_check(JOINED)
    assert result.skipped == ()
    assert result.new == 2


def test_asking_for_a_municipality_outside_block_1_is_refused(capsys, region):
    code, out, err = rbl_absoluut(
        capsys, "--peildatum", D.isoformat(), "--gemeente", "0197", "0294", "--json"
    )
    assert code == 1
    (error,) = json.loads(out)["errors"]
    assert error["option"] == "--gemeente" and error["value"] == "0294"
    assert error["reason"].startswith("gemeente Winterswijk (0294) neemt op 06-01-2025 niet deel")
    assert "niets gewijzigd" in err
    assert not Signal.objects.exists()
    with pytest.raises(OutsideAdministration):
        run_check(D, ["0294"])


def test_signals_of_a_skipped_municipality_are_left_alone(region):
    run_check(JOINED)
    Participation.objects.filter(municipality_id="0294", start=JOINED).update(end=JOINED)
    later = JOINED + dt.timedelta(days=7)
    result = run_check(later)
    assert result.skipped == ("0294",)
    assert Signal.objects.open().filter(municipality_id="0294").count() == 1
