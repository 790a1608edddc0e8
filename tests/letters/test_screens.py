"""The letters screens: who opens which document (404 otherwise, every
download logged), letters and uploads from the case page, batches from the
screen on the queue, the satisfactory answer, the template editor."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from rbl.absoluut.models import CloseReason, Signal
from rbl.audit.models import AccessLogEntry, Action
from rbl.letters.models import BatchState, Document, LetterBatch, LetterTemplate
from rbl.letters.services.letters import letter_for_signal, make_letter
from tests.factories import SignalFactory
from tests.letters.factories import TINY_PDF, DocumentFactory
from tests.web.world import World, build_world

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(db, settings) -> World:
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    return build_world()


def signal_letter(world: World, key: str) -> Document:
    person = world.persons[key]
    person.street, person.house_number = "Kerkstraat", "3"
    person.save()
    signal = SignalFactory(person=person, opened_on=timezone.localdate())
    return make_letter(letter_for_signal(signal, timezone.localdate()), author=None)


def test_an_officer_of_aalten_cannot_open_a_letter_or_upload_of_a_winterswijk_child(client, world):
    letters = {
        "case": DocumentFactory(case=world.cases["other"], person=world.persons["other"]),
        "upload": DocumentFactory(
            case=world.cases["other"], person=world.persons["other"], source="upload"
        ),
        "signal": signal_letter(world, "other"),
    }
    client.force_login(world.users["lpa-aalten"])
    for document in letters.values():
        assert client.get(reverse("letters:document", args=[document.pk])).status_code == 404
    client.force_login(world.users["lpa-winterswijk"])
    for document in letters.values():
        response = client.get(reverse("letters:document", args=[document.pk]))
        assert response.status_code == 200
        assert b"".join(response.streaming_content).startswith(b"%PDF")
    downloads = AccessLogEntry.objects.filter(
        user=world.users["lpa-winterswijk"],
        action__in=[Action.PRINT, Action.VIEW],
        person_id=world.persons["other"].pk,
        purpose__contains="gedownload",
    )
    assert downloads.count() == 3
    assert not AccessLogEntry.objects.filter(user=world.users["lpa-aalten"]).exists()
    # A document never has a public address.
    assert "/media/" not in reverse("letters:document", args=[letters["case"].pk])
    assert not letters["case"].file.storage.base_url


def test_owner_makes_an_invitation_and_uploads_a_scan_from_the_case_page(client, world):
    case = world.cases["own"]
    client.force_login(world.users["lpa-aalten"])
    page = client.get(reverse("web:case", args=[case.pk])).content.decode()
    assert "Brief maken" in page and "Document toevoegen" in page
    response = client.post(
        reverse("letters:case-letter", args=[case.pk]),
        {"version": case.version, "kind": "uitnodiging", "afspraak": ""},
    )
    assert response.status_code == 302
    assert not Document.objects.exists()  # an invitation needs its appointment
    response = client.post(
        reverse("letters:case-letter", args=[case.pk]),
        {"version": case.version, "kind": "uitnodiging", "afspraak": "dinsdag 17 maart, 10.00 uur"},
    )
    letter = Document.objects.get()
    assert letter.letter_kind == "uitnodiging" and letter.case == case
    case.refresh_from_db()
    response = client.post(
        reverse("letters:case-upload", args=[case.pk]),
        {
            "version": case.version,
            "upload_kind": "antwoord",
            "title": "Antwoord ouders",
            "file": SimpleUploadedFile("antwoord.pdf", TINY_PDF, content_type="application/pdf"),
        },
    )
    assert response.status_code == 302
    page = client.get(reverse("web:case", args=[case.pk])).content.decode()
    assert "Antwoord ouders" in page and letter.reference in page
    person_page = client.get(reverse("web:person", args=[case.person.pk])).content.decode()
    assert reverse("letters:document", args=[letter.pk]) in person_page


def test_a_script_disguised_as_pdf_is_refused_in_dutch(client, world):
    case = world.cases["own"]
    client.force_login(world.users["lpa-aalten"])
    response = client.post(
        reverse("letters:case-upload", args=[case.pk]),
        {
            "version": case.version,
            "upload_kind": "antwoord",
            "file": SimpleUploadedFile("scan.pdf", b"#!/bin/sh\nrm -rf /\n"),
        },
        follow=True,
    )
    assert "geen PDF, PNG of JPEG" in response.content.decode()
    assert not Document.objects.exists()


def test_administration_starts_a_batch_on_the_queue_and_answers_a_signal(client, world, settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    for key in ("own", "other"):
        person = world.persons[key]
        person.street, person.house_number = "Markt", "1"
        person.save()
        SignalFactory(person=person, opened_on=timezone.localdate() - dt.timedelta(days=1))
    client.force_login(world.users["administratie"])
    page = client.get(reverse("letters:home")).content.decode()
    assert "2 signalen absoluut verzuim wachten op een controlebrief" in page
    response = client.post(reverse("letters:start-batch"), {"kind": "controlebrief"})
    batch = LetterBatch.objects.get()
    assert response["Location"] == reverse("letters:batch", args=[batch.pk])
    assert (batch.state, batch.letters) == (BatchState.DONE, 2)
    status = client.get(reverse("letters:batch-status", args=[batch.pk])).json()
    assert status["finished"] and status["percent"] == 100
    pdf = client.get(reverse("letters:batch-pdf", args=[batch.pk]))
    assert b"".join(pdf.streaming_content).startswith(b"%PDF")
    assert (
        AccessLogEntry.objects.filter(
            action=Action.PRINT, purpose__contains="afdrukopdracht"
        ).count()
        == 2
    )
    signal = Signal.objects.get(person=world.persons["own"])
    today = timezone.localdate()
    until = dt.date(today.year + (today.month >= 8), 7, 31)  # the end of this school year
    client.post(reverse("letters:signal-answer", args=[signal.pk]), {"until": until.isoformat()})
    signal.refresh_from_db()
    assert (signal.close_reason, signal.quiet_until) == (CloseReason.ANSWERED, until)


def test_the_application_manager_edits_a_template_with_preview(client, world):
    client.force_login(world.users["beheer"])
    url = reverse("letters:template", args=["waarschuwing"])
    assert "Velden" in client.get(url).content.decode()
    bad = client.post(url, {"subject": "Waarschuwing", "body": "Hallo <b>{{ naam }}</b>"})
    assert bad.status_code == 400
    text = bad.content.decode()
    assert "het veld &#x27;naam&#x27; bestaat niet" in text and "HTML" in text
    assert LetterTemplate.objects.filter(kind="waarschuwing").count() == 1  # the standard one
    good = {
        "subject": "Waarschuwing",
        "body": "Beste {{ jongere_voornaam }},",
        "lokaal_0197": "Aalten: bel ons.",
    }
    preview = client.post(reverse("letters:template-preview", args=["waarschuwing"]), good)
    assert preview["Content-Type"] == "application/pdf" and preview.content.startswith(b"%PDF")
    assert client.post(url, good).status_code == 302
    current = LetterTemplate.objects.current("waarschuwing")
    assert current.version == 2 and current.local_blocks == {"0197": "Aalten: bel ons."}
    assert current.created_by == world.users["beheer"]
