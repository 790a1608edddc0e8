"""Verzuimmeldingen become or join cases; their status goes back to DUO."""

from __future__ import annotations

import csv
import datetime as dt
import json

import pytest
from django.core.management import call_command
from django.utils import timezone

from rbl.cases.models import AssignmentRule, Case, DuoStatusExport, Task, VerzuimMelding
from rbl.cases.services.duo_status import export_duo_status
from rbl.cases.services.lifecycle import add_activity, close_case
from rbl.cases.services.meldingen import create_or_join_case_from_melding, link_waiting_reports
from tests.cases.conftest import TODAY
from tests.cases.factories import VerzuimMeldingFactory, staff
from tests.factories import PersonFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def lpa(aalten):
    user = staff("lpa-aalten", "lpa", aalten)
    AssignmentRule.objects.create(municipality=aalten, age_group="LP", user=user)
    return user


@pytest.fixture
def person(aalten):
    return PersonFactory(municipality=aalten)


def test_report_opens_case_with_verzuimstaat_task(person, lpa):
    melding = VerzuimMeldingFactory(person=person, verzuim_vanaf=dt.date(2025, 1, 6))
    case = create_or_join_case_from_melding(melding, today=TODAY)
    assert case.type == "relatief_16uur"
    assert case.owner == lpa
    assert case.absent_since == dt.date(2025, 1, 6)
    task = Task.objects.get(case=case)
    assert task.kind == "verzuimstaat" and task.assignee == lpa
    assert task.due_on > TODAY
    melding.refresh_from_db()
    assert melding.case == case
    assert melding.duo_status == "in behandeling"


def test_second_report_of_same_type_joins_open_case(person, lpa):
    first = create_or_join_case_from_melding(VerzuimMeldingFactory(person=person), today=TODAY)
    second = VerzuimMeldingFactory(person=person, verzuim_vanaf=dt.date(2024, 11, 1))
    joined = create_or_join_case_from_melding(second, today=TODAY)
    assert joined.pk == first.pk
    assert joined.absent_since == dt.date(2024, 11, 1)
    assert Case.objects.count() == 1
    assert joined.meldingen.count() == 2
    assert joined.events.filter(kind="melding").count() == 1


def test_other_type_or_closed_case_opens_new_case(person, lpa):
    first = create_or_join_case_from_melding(VerzuimMeldingFactory(person=person), today=TODAY)
    luxe = create_or_join_case_from_melding(
        VerzuimMeldingFactory(person=person, soort="LUXE"), today=TODAY
    )
    assert luxe.pk != first.pk and luxe.type == "luxe"
    close_case(first, "terug_naar_school", actor=lpa, expected_version=first.version)
    again = create_or_join_case_from_melding(VerzuimMeldingFactory(person=person), today=TODAY)
    assert again.pk not in (first.pk, luxe.pk)


def test_unknown_bsn_waits_then_links(aalten, lpa):
    waiting = VerzuimMeldingFactory(person=None, bsn="123456782")
    assert create_or_join_case_from_melding(waiting, today=TODAY) is None
    assert list(VerzuimMelding.objects.unlinked()) == [waiting]
    assert link_waiting_reports(today=TODAY) == 0
    person = PersonFactory(municipality=aalten, bsn="123456782")
    assert link_waiting_reports(today=TODAY) == 1
    waiting.refresh_from_db()
    assert waiting.person == person
    assert waiting.case.person == person
    assert not VerzuimMelding.objects.unlinked().exists()


def _export(tmp_path, name="status.csv", **kwargs):
    path = tmp_path / name
    export_duo_status(path, **kwargs)
    with open(path, encoding="utf-8", newline="") as fh:
        return list(csv.reader(fh))


def test_duo_status_follows_the_case(person, lpa, tmp_path):
    melding = VerzuimMeldingFactory(person=person, meldingsnummer="M-1")
    case = create_or_join_case_from_melding(melding, today=TODAY)
    rows = _export(tmp_path, "a.csv")
    today = timezone.localdate().isoformat()
    assert rows == [
        ["meldingsnummer", "status", "reden_afsluiting", "datum"],
        ["M-1", "in behandeling", "", today],
    ]
    # Working the case does not change what DUO hears: nothing new to export.
    add_activity(case, "gesprek_jongere", author=lpa, expected_version=1, on=TODAY)
    assert _export(tmp_path, "b.csv")[1:] == []
    close_case(case, "werk", actor=lpa, expected_version=2)
    assert _export(tmp_path, "c.csv")[1:] == [["M-1", "afgesloten", "werk", today]]
    assert DuoStatusExport.objects.count() == 3


def test_non_duo_closing_reason_maps_to_overig_and_ter_kennisgeving(person, lpa, tmp_path):
    a = create_or_join_case_from_melding(
        VerzuimMeldingFactory(person=person, meldingsnummer="A"), today=TODAY
    )
    b = create_or_join_case_from_melding(
        VerzuimMeldingFactory(person=person, meldingsnummer="B", soort="SIGNAAL"), today=TODAY
    )
    close_case(a, "overgedragen_rmc", actor=lpa, expected_version=a.version)
    close_case(b, "ter_kennisgeving", actor=lpa, expected_version=b.version)
    rows = {r[0]: r[1:3] for r in _export(tmp_path, since=dt.date(2000, 1, 1))[1:]}
    assert rows == {"A": ["afgesloten", "overig"], "B": ["ter kennisgeving aangenomen", ""]}


def test_export_since_date(person, lpa, tmp_path):
    create_or_join_case_from_melding(VerzuimMeldingFactory(person=person), today=TODAY)
    tomorrow = timezone.localdate() + dt.timedelta(days=1)
    assert _export(tmp_path, since=tomorrow)[1:] == []
    assert len(_export(tmp_path, since=timezone.localdate())) == 2


def test_export_command(person, lpa, tmp_path, capsys):
    create_or_join_case_from_melding(
        VerzuimMeldingFactory(person=person, meldingsnummer="X9"), today=TODAY
    )
    path = tmp_path / "verzuimmelding_status.csv"
    call_command("export", "duo-status", str(path), "--json")
    assert json.loads(capsys.readouterr().out)["rows"] == 1
    content = path.read_bytes()
    assert not content.startswith(b"\xef\xbb\xbf")
    assert content.decode().splitlines()[1].startswith("X9,in behandeling,,")
    call_command("export", "duo-status", str(path))
    assert "0 meldingen" in capsys.readouterr().out
    assert path.read_text().splitlines() == ["meldingsnummer,status,reden_afsluiting,datum"]
