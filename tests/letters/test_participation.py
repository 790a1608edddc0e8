"""Letter batches only for municipalities in the regional administration
(block 1) on the letter date (R-02): Winterswijk takes part in the regional
team and coordination only and sends its own letters."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from django.core.management import call_command
from django.urls import reverse

from rbl.accounts.models import Role
from rbl.letters.models import Document, LetterBatch
from rbl.organisation.models import BuildingBlock, Participation
from tests.factories import ExemptionFactory, SignalFactory
from tests.letters import test_letters
from tests.letters.test_letters import DAY, D, officer, youth

pytestmark = pytest.mark.django_db

aalten = test_letters.aalten
winterswijk = test_letters.winterswijk


@pytest.fixture
def blocks(aalten, winterswijk):
    since = dt.date(2020, 1, 1)
    for block in BuildingBlock.values:
        Participation.objects.create(municipality=aalten, block=block, start=since)
    for block in (BuildingBlock.TEAM, BuildingBlock.COORDINATION):
        Participation.objects.create(municipality=winterswijk, block=block, start=since)
    return aalten, winterswijk


def _brieven(capsys, *args: str) -> tuple[int, dict]:
    code = 0
    try:
        call_command("brieven", *args, "--datum", D.isoformat(), "--json")
    except SystemExit as exc:
        code = exc.code
    return code, json.loads(capsys.readouterr().out)


def test_control_letters_only_for_municipalities_in_block_1(blocks, capsys):
    inside, ww = blocks
    SignalFactory(person=youth(inside, postcode="7122CC"), opened_on=D)
    outside = SignalFactory(person=youth(ww, postcode="7101BB"), opened_on=D)
    code, out = _brieven(capsys, "controlebrief")
    assert (code, out["brieven"]) == (0, 1)
    assert set(Document.objects.values_list("municipality_id", flat=True)) == {"0197"}
    outside.refresh_from_db()
    assert outside.control_letter_on is None


def test_exemption_notices_only_for_municipalities_in_block_1(blocks, capsys):
    inside, ww = blocks
    for municipality in blocks:
        person = youth(municipality)
        ExemptionFactory(bsn=person.bsn, municipality=municipality, end=D + 50 * DAY)
    code, out = _brieven(capsys, "vrijstelling-afloop")
    assert (code, out["brieven"]) == (0, 1)
    assert Document.objects.get().municipality_id == "0197"


def test_a_batch_for_a_municipality_outside_block_1_is_refused(blocks, capsys):
    _, ww = blocks
    SignalFactory(person=youth(ww), opened_on=D)
    code, out = _brieven(capsys, "controlebrief", "--gemeente", "0294")
    assert code == 1
    (error,) = out["errors"]
    assert error["option"] == "--gemeente"
    assert error["reason"].startswith("Gemeente Winterswijk (0294) neemt op 11-03-2026 niet deel")
    assert not Document.objects.exists() and not LetterBatch.objects.exists()


def test_the_letters_screen_of_an_administration_outside_block_1(blocks, client):
    _, ww = blocks
    signal = SignalFactory(person=youth(ww), opened_on=D - 10 * DAY)
    clerk = officer("admin-ww", ww, Role.ADMINISTRATIE)
    client.force_login(clerk)
    page = client.get(reverse("letters:home")).content.decode()
    assert signal.person.surname not in page  # no signal of Winterswijk on the work list
    response = client.post(reverse("letters:start-batch"), {"kind": "controlebrief"}, follow=True)
    assert "neemt vandaag deel aan de regionale administratie" in response.content.decode()
    assert not LetterBatch.objects.exists()
