"""A letter batch's print files (all letters in one PDF, the address list) go
after their retention term; the letters stay with their cases."""

from __future__ import annotations

import datetime as dt
import io
import json

from django.core.management import call_command

from rbl.accounts.models import Role
from rbl.audit.models import RetentionRule, RetentionSubject
from rbl.letters.models import Document, LetterBatch
from tests.factories import SignalFactory
from tests.letters.test_letters import aalten, make_batch, officer, youth  # noqa: F401


def retentie(day: dt.date, *extra: str) -> dict:
    out = io.StringIO()
    call_command("retentie", "--json", "--peildatum", day.isoformat(), *extra, stdout=out)
    return json.loads(out.getvalue())


def test_print_files_go_after_three_months_and_the_letters_stay(
    aalten,  # noqa: F811
    client,
    django_capture_on_commit_callbacks,
):
    for postcode in ("7121AA", "7101BB"):
        SignalFactory(person=youth(aalten, postcode=postcode), opened_on=dt.date(2026, 3, 11))
    batch = make_batch()
    pdf, addresses = batch.pdf.name, batch.addresses.name
    storage = batch.pdf.storage
    assert storage.exists(pdf) and storage.exists(addresses)
    letters = Document.objects.filter(batch=batch).count()
    assert letters == 2

    # Made on 11 March: on 11 June it is exactly three months old and stays.
    assert retentie(dt.date(2026, 6, 11))["printbestanden"] == 0
    assert retentie(dt.date(2026, 6, 12), "--proef")["printbestanden"] == 1
    assert storage.exists(pdf)
    with django_capture_on_commit_callbacks(execute=True):  # files go once committed
        assert retentie(dt.date(2026, 6, 12))["printbestanden"] == 1
    assert not storage.exists(pdf) and not storage.exists(addresses)
    assert retentie(dt.date(2026, 6, 12))["printbestanden"] == 0  # nothing left to do

    batch = LetterBatch.objects.get(pk=batch.pk)
    assert not batch.pdf and not batch.addresses and batch.letters == 2
    assert Document.objects.filter(batch=batch).count() == letters  # with the cases

    client.force_login(officer("lpa-a", aalten, Role.ADMINISTRATIE))
    page = client.get(f"/brieven/opdrachten/{batch.pk}/").content.decode()
    assert "Printbestanden verwijderd na de bewaartermijn van 3 maanden." in page
    assert "Alle brieven afdrukken" not in page
    assert client.get(f"/brieven/opdrachten/{batch.pk}/brieven.pdf").status_code == 404


def test_the_print_file_term_is_data(aalten):  # noqa: F811
    SignalFactory(person=youth(aalten), opened_on=dt.date(2026, 3, 11))
    make_batch()
    RetentionRule.objects.create(subject=RetentionSubject.PRINT_FILES, months=1)
    assert retentie(dt.date(2026, 4, 12))["printbestanden"] == 1
