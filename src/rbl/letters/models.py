"""Letters and documents (R-28, R-04): the region's letter templates, each
save a new version; the documents of a case or person (generated letters and
uploads), immutable and stored outside any public URL; and the batches in
which letters are printed."""

from __future__ import annotations

import uuid
from pathlib import Path

from django.conf import settings
from django.core.files.storage import FileSystemStorage
from django.db import models
from django.utils.functional import cached_property


class PrivateStorage(FileSystemStorage):
    """Documents live under RBL_MEDIA_ROOT/private and have no URL: they are
    served only by the access-checked views of this app. The place follows
    MEDIA_ROOT (also when a test moves it)."""

    @cached_property
    def base_location(self) -> str:
        return str(Path(settings.MEDIA_ROOT) / "private")

    @cached_property
    def base_url(self) -> None:  # never a public URL
        return None


_PRIVATE = PrivateStorage()


def _private() -> FileSystemStorage:
    """A callable, so that migrations hold no machine's path."""
    return _PRIVATE


class LetterKind(models.TextChoices):
    CONTROLEBRIEF = "controlebrief", "Controlebrief absoluut verzuim"
    WAARSCHUWING = "waarschuwing", "Waarschuwing (art. 22 Leerplichtwet)"
    UITNODIGING = "uitnodiging", "Uitnodiging voor een gesprek"
    VERZUIMSTAAT = "verzuimstaat", "Verzoek om de verzuimstaat (aan de school)"
    VERLOF_BESLUIT = "verlof-besluit", "Besluit op een verlofaanvraag"
    VRIJSTELLING_AFLOOP = "vrijstelling-afloop", "Einde van een vrijstelling"
    HALT_VERWIJZING = "halt-verwijzing", "Verwijzing naar Halt (aan het Halt-bureau)"
    PROCES_VERBAAL = "proces-verbaal", "Proces-verbaal (aan het OM)"
    SVB_MELDING = "svb-melding", "Melding aan de SVB (kinderbijslag)"
    BRP_TERUGMELDING = "brp-terugmelding", "Terugmelding aan de BRP (twijfel aan het adres)"
    OVERDRACHT = "overdracht", "Overdracht aan een gemeente buiten de regio (verhuizing)"


class ImmutableDocumentError(Exception):
    """A stored template version or document may not be changed or deleted."""


class WrittenOnce(models.Model):
    """A row that is never changed or deleted once saved."""

    changed_message = "Dit gegeven kan niet worden gewijzigd."
    deleted_message = "Dit gegeven kan niet worden verwijderd."

    class Meta:
        abstract = True

    def save(self, *args, **kwargs) -> None:
        if not self._state.adding:
            raise ImmutableDocumentError(self.changed_message)
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        from rbl.core.retention_gate import removal_allowed

        if not removal_allowed():  # only the retention job (rbl.audit.retention)
            raise ImmutableDocumentError(self.deleted_message)
        return super().delete(*args, **kwargs)


def _refuse_document_removal(sender, instance, **kwargs) -> None:
    """A bulk or cascading delete of documents: only the retention job."""
    from rbl.core.retention_gate import removal_allowed

    if not removal_allowed():
        raise ImmutableDocumentError(sender.deleted_message)


class DocumentQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise ImmutableDocumentError(Document.changed_message)

    def delete(self):
        _refuse_document_removal(self.model, None)
        return super().delete()


class LetterTemplateQuerySet(models.QuerySet):
    def current(self, kind: str) -> LetterTemplate | None:
        """The newest version of the kind's template."""
        return self.filter(kind=kind).order_by("-version").first()


class LetterTemplate(WrittenOnce):
    """One version of the region's template for a letter kind. Saving a change
    adds a version; a letter records the version that made it."""

    kind = models.CharField("soort brief", max_length=24, choices=LetterKind.choices)
    version = models.PositiveIntegerField("versie")
    subject = models.CharField("onderwerp", max_length=200)
    body = models.TextField("tekst (Markdown met {{ velden }})")
    #: municipality code -> that municipality's local text block (Markdown).
    local_blocks = models.JSONField("lokale tekstblokken", default=dict, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="opgeslagen door",
    )
    created_at = models.DateTimeField("opgeslagen op", auto_now_add=True)

    objects = LetterTemplateQuerySet.as_manager()

    class Meta:
        verbose_name = "briefsjabloon"
        verbose_name_plural = "briefsjablonen"
        ordering = ["kind", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["kind", "version"], name="unique_template_version")
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} (versie {self.version})"

    changed_message = "Een opgeslagen sjabloonversie kan niet worden gewijzigd."
    deleted_message = "Een sjabloonversie kan niet worden verwijderd."


class DocumentSource(models.TextChoices):
    LETTER = "brief", "Brief (gemaakt door RBL)"
    UPLOAD = "upload", "Toegevoegd bestand"


class UploadKind(models.TextChoices):
    ANTWOORD = "antwoord", "Antwoord van ouders of jongere"
    FORMULIER = "formulier", "Ondertekend formulier"
    VERKLARING = "verklaring", "Verklaring arts of deskundige"
    VERZUIMSTAAT = "verzuimstaat", "Verzuimstaat van de school"
    PROCES_VERBAAL = "pv", "Ondertekend proces-verbaal"
    OVERIG = "overig", "Overig"


def _document_path(instance: Document, filename: str) -> str:
    ext = filename.rsplit(".", 1)[-1].lower() if "." in filename else "bin"
    return f"documents/{instance.created_at:%Y/%m}/{uuid.uuid4().hex}.{ext}"


class Document(WrittenOnce):
    """A letter made by RBL or an uploaded file, stored with its case, or with
    the person when there is no case. Immutable: a correction is a new
    document that points to the one it corrects."""

    person = models.ForeignKey(
        "registry.Person",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="documents",
        verbose_name="jongere",
    )
    case = models.ForeignKey(
        "cases.Case",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="documents",
        verbose_name="zaak",
    )
    signal = models.ForeignKey(
        "absoluut.Signal",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="documents",
        verbose_name="signaal absoluut verzuim",
    )
    exemption = models.ForeignKey(
        "registry.Exemption",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="documents",
        verbose_name="vrijstelling",
    )
    source = models.CharField("herkomst", max_length=8, choices=DocumentSource.choices)
    letter_kind = models.CharField(
        "soort brief", max_length=24, choices=LetterKind.choices, blank=True
    )
    upload_kind = models.CharField(
        "soort bestand", max_length=12, choices=UploadKind.choices, blank=True
    )
    title = models.CharField("titel", max_length=200)
    file = models.FileField("bestand", storage=_private, upload_to=_document_path, max_length=200)
    content_type = models.CharField("bestandstype", max_length=40)
    size = models.PositiveIntegerField("grootte (bytes)")
    sha256 = models.CharField("SHA-256", max_length=64)
    template = models.ForeignKey(
        LetterTemplate,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="documents",
        verbose_name="sjabloonversie",
    )
    municipality = models.ForeignKey(
        "organisation.Municipality",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="namens gemeente",
    )
    signer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="ondertekend door",
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="gemaakt door",
    )
    letter_date = models.DateField("datum", null=True, blank=True)
    reference = models.CharField("kenmerk", max_length=30, blank=True)
    #: For a letter: the postcode it goes to (batch order), empty when unknown or secret.
    postcode = models.CharField("postcode", max_length=7, blank=True)
    #: For a letter: "ok", "geheim" (sent by the office itself) or "geen_adres".
    delivery = models.CharField("verzending", max_length=12, blank=True)
    batch = models.ForeignKey(
        "LetterBatch",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="documents",
        verbose_name="afdrukopdracht",
    )
    corrects = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="corrections",
        verbose_name="correctie van",
    )
    created_at = models.DateTimeField("gemaakt op")

    objects = DocumentQuerySet.as_manager()

    class Meta:
        verbose_name = "document"
        verbose_name_plural = "documenten"
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(fields=["letter_kind", "signal"], name="document_kind_signal"),
        ]

    def __str__(self) -> str:
        return f"document {self.pk}"  # never a name: str() ends up in logs

    changed_message = "Een document kan niet worden gewijzigd; maak een nieuw."
    deleted_message = "Een document kan niet worden verwijderd."

    @property
    def file_name(self) -> str:
        ext = {"application/pdf": "pdf", "image/png": "png", "image/jpeg": "jpg"}.get(
            self.content_type, "bin"
        )
        return f"document-{self.pk}.{ext}"


models.signals.pre_delete.connect(
    _refuse_document_removal, sender=Document, dispatch_uid="document_written_once"
)


class BatchState(models.TextChoices):
    WAITING = "wacht", "Wacht op verwerking"
    RUNNING = "bezig", "Bezig"
    DONE = "klaar", "Klaar"
    FAILED = "mislukt", "Mislukt"


def _batch_path(instance: LetterBatch, filename: str) -> str:
    return f"batches/{uuid.uuid4().hex}-{filename}"


class LetterBatch(models.Model):
    """All due letters of one kind made in one run: one PDF in postcode order
    for printing and the address list for a mailing house. Can be printed again."""

    kind = models.CharField("soort brief", max_length=24, choices=LetterKind.choices)
    letter_date = models.DateField("briefdatum")
    municipality_codes = models.JSONField("gemeenten", default=list, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="gestart door",
    )
    created_at = models.DateTimeField("gestart op", auto_now_add=True)
    finished_at = models.DateTimeField("klaar op", null=True, blank=True)
    state = models.CharField(
        "status", max_length=8, choices=BatchState.choices, default=BatchState.WAITING
    )
    done = models.PositiveIntegerField("gemaakt", default=0)
    total = models.PositiveIntegerField("totaal", default=0)
    letters = models.PositiveIntegerField("brieven", default=0)
    #: Letters the mailing house does not get: secret addresses and no usable address.
    set_apart = models.PositiveIntegerField("apart te versturen", default=0)
    pdf = models.FileField(storage=_private, upload_to=_batch_path, blank=True, max_length=200)
    addresses = models.FileField(
        storage=_private, upload_to=_batch_path, blank=True, max_length=200
    )
    message = models.CharField("melding", max_length=300, blank=True)

    class Meta:
        verbose_name = "afdrukopdracht brieven"
        verbose_name_plural = "afdrukopdrachten brieven"
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"afdrukopdracht {self.pk}"

    @property
    def percent(self) -> int:
        if self.state == BatchState.DONE:
            return 100
        return int(self.done * 100 / self.total) if self.total else 0
