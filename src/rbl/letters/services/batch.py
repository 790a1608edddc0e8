"""Letter batches: all due letters of one kind as one PDF in postcode order,
plus the address list for a mailing house (R-28, `rbl brieven`).

A run:
1. collects the due letters and their addressees, sorted: letters for the
   mailing house by postcode, then the ones the office sends itself (secret
   address, no usable address);
2. renders them in worker processes (`pdf.renderer`) and writes each PDF to
   private storage, reporting progress; meanwhile each letter is appended to
   the batch PDF under way (`pdf.PdfConcatenation`: while the workers render,
   in constant memory);
3. stores every document and what it changes in ONE transaction, after
   checking under lock that no other run made the same letter meanwhile (a
   letter taken by another run is dropped, its file removed);
4. finishes the batch PDF (made again from the kept letters' files when a
   letter was dropped) and writes the address list.

A failure before step 3 ends leaves no document and no changed signal; the
written files are removed.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import logging
import tempfile
import time
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.files.base import ContentFile, File
from django.db import transaction
from django.utils import timezone

from rbl.absoluut.models import Signal
from rbl.audit.models import Action
from rbl.audit.services import log_access
from rbl.cases.models import ExemptionReminder
from rbl.letters.addressing import Delivery
from rbl.letters.compose import Letter, letter_html
from rbl.letters.models import BatchState, Document, LetterBatch, LetterKind
from rbl.letters.pdf import PdfConcatenation, merge_pdfs, renderer
from rbl.letters.services.letters import (
    BATCH_KINDS,
    LetterError,
    apply_effects,
    check_administered,
    current_template,
    due_letters,
    new_document,
)

logger = logging.getLogger("rbl.letters")

Progress = Callable[[int, int], None]

#: Seconds between two progress writes to the batch row.
PROGRESS_EVERY = 0.5

ADDRESS_COLUMNS = ["kenmerk", "naam", "naam_2", "adres", "postcode_woonplaats", "postcode"]


def sort_key(letter: Letter) -> tuple:
    """Mailing-house letters by postcode, then the ones the office sends itself."""
    delivery = letter.addressing.delivery
    return (delivery != Delivery.MAIL, delivery, letter.postcode, letter.reference)


def start_batch(
    kind: str, *, day: dt.date, codes: Iterable[str] | None = None, user: Any = None
) -> LetterBatch:
    """A new batch row, waiting to be run (from the screen: by the queue)."""
    if kind not in BATCH_KINDS:
        raise LetterError(f"'{kind}' is geen soort brief die per afdrukopdracht wordt gemaakt.")
    current_template(kind)  # refuse early when the region has no template yet
    check_administered(codes, day)
    return LetterBatch.objects.create(
        kind=kind, letter_date=day, municipality_codes=sorted(set(codes or [])), created_by=user
    )


def run_batch(batch: LetterBatch, *, progress: Progress | None = None) -> LetterBatch:
    """Make all due letters of the batch's kind (see the module's description)."""
    started = time.monotonic()
    LetterBatch.objects.filter(pk=batch.pk).update(state=BatchState.RUNNING)
    batch.state = BatchState.RUNNING
    written: list[Document] = []
    try:
        template = current_template(batch.kind)
        day = batch.letter_date
        letters = sorted(due_letters(batch.kind, day, batch.municipality_codes), key=sort_key)
        total = len(letters)
        _progress_to_row(batch, 0, total, force=True)
        with (
            tempfile.TemporaryDirectory(prefix="rbl-brieven-") as tmp,
            PdfConcatenation(Path(tmp) / "brieven.pdf") as combined,
        ):
            written = _render_all(batch, letters, template, day, progress, combined)
            kept = _store(batch, letters, written, day)
            _write_outputs(batch, letters, written, kept, combined)
        batch.state = BatchState.DONE
        batch.finished_at = timezone.now()
        batch.done = batch.total = total
        batch.save(
            update_fields=[
                "state",
                "finished_at",
                "done",
                "total",
                "letters",
                "set_apart",
                "pdf",
                "addresses",
            ]
        )
        logger.info(
            "letter batch %s: %s letters of kind %s in %.1f s",
            batch.pk,
            batch.letters,
            batch.kind,
            time.monotonic() - started,
        )
    except Exception as exc:
        for document in written:
            if document.pk is None:
                document.file.storage.delete(document.file.name)
        message = (
            str(exc)
            if isinstance(exc, LetterError)
            else (
                "De brieven konden niet worden gemaakt door een fout in het systeem. "
                "Er is niets vastgelegd."
            )
        )
        if not isinstance(exc, LetterError):
            logger.exception("letter batch %s failed", batch.pk)
        LetterBatch.objects.filter(pk=batch.pk).update(
            state=BatchState.FAILED, message=message[:300], finished_at=timezone.now()
        )
        batch.state, batch.message = BatchState.FAILED, message[:300]
        if isinstance(exc, LetterError):
            return batch
        raise
    return batch


def _progress_to_row(batch: LetterBatch, done: int, total: int, *, force: bool = False) -> None:
    now = time.monotonic()
    last = getattr(batch, "_last_progress", 0.0)
    if force or now - last >= PROGRESS_EVERY:
        LetterBatch.objects.filter(pk=batch.pk).update(done=done, total=total)
        batch._last_progress = now
    batch.done, batch.total = done, total


def _render_all(
    batch: LetterBatch,
    letters: list[Letter],
    template,
    day: dt.date,
    progress: Progress | None,
    combined: PdfConcatenation,
) -> list[Document]:
    total = len(letters)
    subjects: list[str] = []

    def htmls():
        for letter in letters:
            subject, html = letter_html(letter, template, day)
            subjects.append(subject)
            yield html

    documents: list[Document] = []
    processes = max(1, min(settings.RBL_LETTER_PROCESSES, (total + 7) // 8))
    with renderer(processes) as render:
        for index, pdf in enumerate(render(htmls())):
            letter = letters[index]
            documents.append(
                new_document(letter, template, day, batch.created_by, pdf, subjects[index])
            )
            documents[-1].batch = batch
            combined.add(pdf)
            _progress_to_row(batch, index + 1, total)
            if progress is not None:
                progress(index + 1, total)
    return documents


def _still_due(letters: list[Letter]) -> set[int]:
    """Indexes of the letters no other run made meanwhile (rows locked)."""
    signal_ids = [x.signal.pk for x in letters if x.kind == LetterKind.CONTROLEBRIEF]
    exemption_ids = [x.exemption.pk for x in letters if x.kind == LetterKind.VRIJSTELLING_AFLOOP]
    free_signals = (
        set(
            Signal.objects.select_for_update()
            .filter(pk__in=signal_ids, control_letter_on__isnull=True, closed_on__isnull=True)
            .values_list("pk", flat=True)
        )
        if signal_ids
        else set()
    )
    taken_exemptions = (
        set(
            ExemptionReminder.objects.filter(exemption_id__in=exemption_ids).values_list(
                "exemption_id", flat=True
            )
        )
        if exemption_ids
        else set()
    )
    keep = set()
    for index, letter in enumerate(letters):
        if letter.signal is not None and letter.kind == LetterKind.CONTROLEBRIEF:
            if letter.signal.pk in free_signals:
                keep.add(index)
        elif letter.exemption is not None and letter.exemption.pk not in taken_exemptions:
            keep.add(index)
    return keep


def _store(
    batch: LetterBatch, letters: list[Letter], documents: list[Document], day: dt.date
) -> list[int]:
    """Save the documents and their effects in one transaction; returns the
    indexes kept (in print order)."""
    with transaction.atomic():
        keep = _still_due(letters)
        kept = [i for i in range(len(letters)) if i in keep]
        Document.objects.bulk_create([documents[i] for i in kept], batch_size=500)
        for i in kept:
            apply_effects(letters[i], documents[i], day, batch.created_by)
        if kept:
            log_access(
                batch.created_by,
                Action.CREATE,
                persons=[letters[i].person.pk for i in kept],
                purpose=f"brieven gemaakt: {LetterKind(batch.kind).label.lower()}",
                path=f"brieven {batch.kind}",
            )
    for i in set(range(len(letters))) - set(kept):
        documents[i].file.storage.delete(documents[i].file.name)
    return kept


def _write_outputs(
    batch: LetterBatch,
    letters: list[Letter],
    documents: list[Document],
    kept: list[int],
    combined: PdfConcatenation,
) -> None:
    batch.letters = len(kept)
    batch.set_apart = sum(1 for i in kept if letters[i].addressing.delivery != Delivery.MAIL)
    if not kept:
        return
    if len(kept) == len(documents):
        combined.finish()
        target = combined.path
    else:  # another run made some of these letters meanwhile: the kept ones only
        combined.close()
        storage = documents[kept[0]].file.storage
        target = combined.path.with_name("kept.pdf")
        merge_pdfs((Path(storage.path(documents[i].file.name)) for i in kept), target)
    with open(target, "rb") as fh:
        batch.pdf.save(f"{batch.kind}.pdf", File(fh), save=False)
    batch.addresses.save(
        f"{batch.kind}-adressen.csv", ContentFile(address_list(letters, kept)), save=False
    )


def address_list(letters: list[Letter], kept: list[int]) -> bytes:
    """The mailing house's list: only letters it may send (never a secret
    address, never a letter without a usable address), in print order."""
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";", lineterminator="\n")
    writer.writerow(ADDRESS_COLUMNS)
    for i in kept:
        a = letters[i].addressing
        if a.delivery != Delivery.MAIL:
            continue
        names = list(a.name_lines) + ["", ""]
        writer.writerow(
            [
                letters[i].reference,
                names[0],
                names[1],
                a.address_lines[0],
                a.address_lines[1],
                a.postcode,
            ]
        )
    return out.getvalue().encode("utf-8")


def set_apart(batch: LetterBatch):
    """The batch's letters the office sends itself, with the reason."""
    return batch.documents.exclude(delivery=Delivery.MAIL).select_related("person")
