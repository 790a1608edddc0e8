"""The retention term of a letter batch's print files (R-29).

A batch's PDF holds the letters of many youth and its address list their
addresses; both exist to print and post the letters (and print them again
when one is lost). Each letter is also stored with its case, where the case
file's own term applies. So the print files go after a short term
(`RetentionSubject.PRINT_FILES`, 3 months by default); the batch row stays as
the record of what was printed, when and by whom, without personal data.
"""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone

from rbl.audit.models import RetentionRule, RetentionSubject
from rbl.audit.services import months_before
from rbl.letters.models import LetterBatch

REMOVED_MESSAGE = "Printbestanden verwijderd na de bewaartermijn van {months} maanden."


def expired_batches(today: dt.date | None = None):
    """Batches whose print files are past their term and still stored."""
    today = today or timezone.localdate()
    months = RetentionRule.months_for(RetentionSubject.PRINT_FILES)
    cutoff = timezone.make_aware(dt.datetime.combine(months_before(today, months), dt.time.min))
    return LetterBatch.objects.filter(created_at__lt=cutoff).exclude(pdf="", addresses="")


def forget_print_files(today: dt.date | None = None, *, dry_run: bool = False) -> int:
    """Delete the PDF and address list of every batch past its term; the number
    of batches (that would be) emptied. The files are removed once the rows
    no longer name them."""
    batches = list(expired_batches(today))
    if dry_run or not batches:
        return len(batches)
    months = RetentionRule.months_for(RetentionSubject.PRINT_FILES)
    files: list[tuple] = []
    with transaction.atomic():
        for batch in LetterBatch.objects.select_for_update().filter(pk__in=[b.pk for b in batches]):
            files += [(f.storage, f.name) for f in (batch.pdf, batch.addresses) if f]
            batch.pdf = batch.addresses = ""
            batch.message = REMOVED_MESSAGE.format(months=months)
            batch.save(update_fields=["pdf", "addresses", "message"])

        def remove() -> None:
            for storage, name in files:
                storage.delete(name)

        transaction.on_commit(remove)
    return len(batches)
