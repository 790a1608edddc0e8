"""The web import of a BRP extract that would mark many residents of a municipality
as moved out: the worker refuses it and the job waits for the user's
confirmation; the page shows how many residents of which municipality would
leave; confirming imports the same upload again accepting the departures,
cancelling ends it as refused (R-65)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.urls import reverse

from rbl.registry.imports import jobs
from rbl.registry.models import ImportJob, ImportJobState, ImportLog, ImportOutcome, Person
from tests.factories import PersonFactory

from . import test_screens
from .test_screens import job_id_of, login, upload

# The import page's fixtures (tests/web/test_screens.py).
media = test_screens.media
immediate_tasks = test_screens.immediate_tasks
queued_tasks = test_screens.queued_tasks

HEADER = "bsn;geslachtsnaam;voornamen;geboortedatum;gemeentecode\n"


@pytest.fixture
def aalten_residents(world):
    """Every resident of Aalten: the world's and 60 more (`len` of them: 60 + the world's)."""
    for _ in range(60):
        PersonFactory(municipality=world.aalten, birth_date=dt.date(2014, 5, 1))
    return list(
        Person.objects.filter(
            municipality=world.aalten,
            moved_out_on__isnull=True,
            aged_out_on__isnull=True,
            died_on__isnull=True,
        ).order_by("pk")
    )


def extract(people) -> str:
    return HEADER + "".join(
        f"{p.bsn};{p.surname};{p.given_names};{p.birth_date.isoformat()};0197\n" for p in people
    )


def start(client, world, people):
    login(client, world, "administratie")
    response = client.post(
        reverse("web:import"),
        {"kind": "brp", "file": upload(extract(people), "brp.csv"), "gemeenten": [world.aalten.pk]},
    )
    assert response.status_code == 302
    return ImportJob.objects.get(pk=job_id_of(response))


def moved_out() -> int:
    return Person.objects.filter(moved_out_on__isnull=False).count()


def test_departures_wait_for_a_confirmation_then_are_imported(
    client, world, immediate_tasks, media, aalten_residents
):
    job = start(client, world, aalten_residents[:5])
    assert job.state == ImportJobState.CONFIRM
    assert moved_out() == 0
    assert ImportLog.objects.latest("started_at").outcome == ImportOutcome.REJECTED
    assert (jobs.job_dir(job.id) / jobs.UPLOAD_NAME).exists()  # kept for the confirmation
    status = client.get(reverse("web:import-status", args=[job.id])).json()
    assert status["state"] == "bevestig" and status["done"]  # the polling page reloads
    page = client.get(reverse("web:import-job", args=[job.id])).content.decode()
    assert "zou veel inwoners als vertrokken markeren" in page
    total = len(aalten_residents)
    assert f"<td>Aalten (0197)</td><td>{total - 5}</td><td>{total}</td>" in page
    assert "Vertrek bevestigen en importeren" in page
    # The import page lists it among the user's unfinished imports.
    assert (
        reverse("web:import-job", args=[job.id])
        in client.get(reverse("web:import")).content.decode()
    )

    response = client.post(reverse("web:import-confirm", args=[job.id]), {"besluit": "bevestigen"})
    assert response.status_code == 302
    job.refresh_from_db()
    assert job.state == ImportJobState.DONE
    assert job.result["moved_out"] == total - 5 and job.result["rejected"] == 0
    assert moved_out() == total - 5
    log = ImportLog.objects.latest("started_at")
    assert log.outcome == ImportOutcome.APPLIED and log.options["accepteer_vertrek"] is True
    assert not jobs.job_dir(job.id).exists()
    page = client.get(reverse("web:import-job", args=[job.id])).content.decode()
    assert "Het bestand is verwerkt." in page and f"Vertrokken</th><td>{total - 5}<" in page


def test_cancelling_ends_the_job_as_refused(
    client, world, immediate_tasks, media, aalten_residents
):
    job = start(client, world, aalten_residents[:5])
    client.post(reverse("web:import-confirm", args=[job.id]), {"besluit": "annuleren"})
    job.refresh_from_db()
    assert job.state == ImportJobState.DONE and moved_out() == 0
    assert not jobs.job_dir(job.id).exists()
    page = client.get(reverse("web:import-job", args=[job.id])).content.decode()
    assert "Het bestand is afgekeurd" in page and "Er is niets gewijzigd" in page
    # Nothing left to confirm.
    client.post(reverse("web:import-confirm", args=[job.id]), {"besluit": "bevestigen"})
    job.refresh_from_db()
    assert job.state == ImportJobState.DONE and moved_out() == 0


def test_only_the_importer_confirms(client, world, immediate_tasks, media, aalten_residents):
    job = start(client, world, aalten_residents[:5])
    other = login(Client(), world, "coordinator")
    response = other.post(reverse("web:import-confirm", args=[job.id]), {"besluit": "bevestigen"})
    assert response.status_code in (403, 404)
    assert client.get(reverse("web:import-confirm", args=[job.id])).status_code == 405
    job.refresh_from_db()
    assert job.state == ImportJobState.CONFIRM and moved_out() == 0


def test_the_confirmed_import_goes_to_the_queue_again(
    client, world, queued_tasks, media, aalten_residents
):
    from tests.registry.test_import_jobs import run_queued_task

    job = start(client, world, aalten_residents[:5])
    run_queued_task()
    job.refresh_from_db()
    assert job.state == ImportJobState.CONFIRM
    client.post(reverse("web:import-confirm", args=[job.id]), {"besluit": "bevestigen"})
    job.refresh_from_db()
    assert job.state == ImportJobState.WAITING and moved_out() == 0
    run_queued_task()
    job.refresh_from_db()
    assert job.state == ImportJobState.DONE and moved_out() == len(aalten_residents) - 5


def test_an_unconfirmed_upload_is_removed_after_a_day(
    client, world, immediate_tasks, media, aalten_residents, clock
):
    job = start(client, world, aalten_residents[:5])
    clock.shift(jobs.VALUES_KEPT + dt.timedelta(minutes=1))
    jobs.forget_values()
    job.refresh_from_db()
    assert job.state == ImportJobState.DONE and not jobs.job_dir(job.id).exists()
    assert moved_out() == 0


def test_an_extract_within_the_limits_needs_no_confirmation(
    client, world, immediate_tasks, media, aalten_residents
):
    keep = len(aalten_residents) - 50  # 50 leave: not more than 50
    job = start(client, world, aalten_residents[:keep])
    assert job.state == ImportJobState.DONE and job.result["moved_out"] == 50
