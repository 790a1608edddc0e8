"""The web import refuses data of a municipality outside the regional
administration (block 1) on the peildatum, naming it, and changes nothing
(R-02); the CLI and bulk paths: tests/registry/test_import_participation.py."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from rbl.organisation.models import BuildingBlock, Participation
from rbl.registry.models import ImportJob, ImportLog, ImportOutcome, Person

from . import test_screens
from .test_screens import job_id_of, login, upload

media = test_screens.media
immediate_tasks = test_screens.immediate_tasks

pytestmark = pytest.mark.django_db

HEADER = "bsn;geslachtsnaam;voornamen;geboortedatum;gemeentecode\n"


@pytest.fixture
def blocks(world):
    since = dt.date(2020, 1, 1)
    for block in BuildingBlock.values:
        Participation.objects.create(municipality=world.aalten, block=block, start=since)
    for block in (BuildingBlock.TEAM, BuildingBlock.COORDINATION):
        Participation.objects.create(municipality=world.winterswijk, block=block, start=since)


def test_web_import_of_a_municipality_outside_block_1_is_refused(
    client, world, blocks, immediate_tasks, media
):
    before = sorted(Person.objects.values_list("bsn", "municipality_id", "moved_out_on"))
    text = HEADER + "999993653;Jansen;Piet;2012-03-04;0197\n999990639;Vries;Anna;2012-02-01;0294\n"
    login(client, world, "administratie")
    response = client.post(
        reverse("web:import"),
        {"kind": "brp", "file": upload(text, "brp.csv"), "peildatum": "2026-03-11"},
    )
    assert response.status_code == 302
    job = ImportJob.objects.get(pk=job_id_of(response))
    page = client.get(reverse("web:import-job", args=[job.id])).content.decode()
    assert "Het bestand is afgekeurd" in page and "Er is niets gewijzigd" in page
    assert "gemeente Winterswijk (0294) neemt op 11-03-2026 niet deel" in page
    assert sorted(Person.objects.values_list("bsn", "municipality_id", "moved_out_on")) == before
    assert ImportLog.objects.latest("started_at").outcome == ImportOutcome.REJECTED
