"""What RBL owes the chain partners besides DUO (issue 20 items 2 and 3):
the notification to the SVB when a youth's situation may affect the child
benefit, and the terugmelding to the municipality's BRP department when an
officer reasonably doubts a youth's registered address.

Both are prepared by RBL (a letter of the letters app and a line on an
export list) and completed by an officer (the date it was sent; the BRP's
outcome). The case history records each step."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import models


class SvbTrigger(models.TextChoices):
    """Situations in which the region notifies the SVB (the region chooses
    which apply in its settings)."""

    ABSOLUUT = "absoluut", "Absoluut verzuim: zaak langer open dan de termijn"
    THUISZITTER = "thuiszitter", "Thuiszitter: langdurig verzuim langer open dan de termijn"


def default_svb_triggers() -> list[str]:
    return [SvbTrigger.ABSOLUUT.value]


class ChainSettings(models.Model):
    """The region's settings for the chain partners; a region without a row
    uses the defaults.

    Default term: 8 weeks. The SVB stops child benefit for a child of 5 to 16
    who does not go to school (art. 7 lid 2 AKW with art. 2 lid 1 Leerplichtwet);
    8 weeks is the Awb's default decision term, long enough for the MAS steps
    (control letter with 2 weeks to answer, conversation, warning) to have been
    taken before the SVB hears of it. A region following another agreement
    with its SVB office changes it at /inrichting/termijnen/."""

    region = models.OneToOneField(
        "organisation.Region", on_delete=models.CASCADE, related_name="chain_settings"
    )
    svb_term_weeks = models.PositiveIntegerField("SVB-melding na (weken open)", default=8)
    svb_triggers = models.JSONField(
        "aanleidingen SVB-melding", default=default_svb_triggers, blank=True
    )
    svb_address = models.TextField(
        "adres SVB",
        blank=True,
        help_text="Naam en adres van het SVB-kantoor; staat op de SVB-melding.",
    )

    class Meta:
        verbose_name = "instellingen ketenpartners"
        verbose_name_plural = "instellingen ketenpartners"


class SvbNotification(models.Model):
    """A notification to the SVB prepared for one case period: one per case,
    trigger and period start (the case's opening day), never twice."""

    case = models.ForeignKey(
        "cases.Case", on_delete=models.PROTECT, related_name="svb_notifications"
    )
    trigger = models.CharField("aanleiding", max_length=20, choices=SvbTrigger.choices)
    period_start = models.DateField("zaak open sinds")
    due_on = models.DateField("termijn verstreken op")
    prepared_on = models.DateField("voorbereid op")
    document = models.ForeignKey(
        "letters.Document",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="brief",
    )
    sent_on = models.DateField("verzonden op", null=True, blank=True)
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="verzonden door",
    )
    version = models.PositiveIntegerField("versie", default=1)

    class Meta:
        verbose_name = "SVB-melding"
        verbose_name_plural = "SVB-meldingen"
        ordering = ["-prepared_on", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["case", "trigger", "period_start"], name="svb_once_per_case_period"
            )
        ]

    @property
    def is_sent(self) -> bool:
        return self.sent_on is not None


class TerugmeldingReason(models.TextChoices):
    BUITENLAND = "buitenland", "Gezin lijkt in het buitenland te wonen"
    POST_RETOUR = "post_retour", "Post komt terug"
    SCHOOL_VERTREK = "school_vertrek", "School meldt vertrek naar het buitenland"
    ONBEKEND_OP_ADRES = "onbekend_op_adres", "Jongere of gezin onbekend op het adres"
    HUISBEZOEK = "huisbezoek", "Bij huisbezoek niemand aangetroffen, woning lijkt onbewoond"


class TerugmeldingOutcome(models.TextChoices):
    ADRES_GEWIJZIGD = "adres_gewijzigd", "Adres gewijzigd"
    ONDERZOEK = "onderzoek", "Adresonderzoek gestart"
    ADRES_JUIST = "adres_juist", "Adres juist (twijfel ongegrond)"
    BUITENLAND = "buitenland", "Vertrokken naar het buitenland"


#: Outcomes that end the terugmelding; "onderzoek" keeps it open.
CLOSING_OUTCOMES = frozenset(
    {
        TerugmeldingOutcome.ADRES_GEWIJZIGD,
        TerugmeldingOutcome.ADRES_JUIST,
        TerugmeldingOutcome.BUITENLAND,
    }
)


class TerugmeldingQuerySet(models.QuerySet):
    def open(self) -> TerugmeldingQuerySet:
        return self.filter(closed_on__isnull=True)


class BrpTerugmelding(models.Model):
    """A reasonable doubt about a youth's registered address, reported back to
    the BRP department of the municipality the youth is registered in."""

    case = models.ForeignKey("cases.Case", on_delete=models.PROTECT, related_name="terugmeldingen")
    person = models.ForeignKey(
        "registry.Person", on_delete=models.PROTECT, related_name="terugmeldingen"
    )
    municipality = models.ForeignKey(
        "organisation.Municipality",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name="gemeente (BRP)",
    )
    reasons = models.JSONField("redenen", default=list)
    grounds = models.TextField("gronden")
    registered_address = models.CharField("geregistreerd adres", max_length=300, blank=True)
    recorded_on = models.DateField("teruggemeld op")
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name="teruggemeld door",
    )
    document = models.ForeignKey(
        "letters.Document",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="brief",
    )
    task = models.ForeignKey(
        "cases.Task", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    outcome = models.CharField(
        "uitkomst", max_length=20, choices=TerugmeldingOutcome.choices, blank=True
    )
    outcome_on = models.DateField("uitkomst op", null=True, blank=True)
    outcome_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="uitkomst vastgelegd door",
    )
    closed_on = models.DateField("afgesloten op", null=True, blank=True)
    version = models.PositiveIntegerField("versie", default=1)

    objects = TerugmeldingQuerySet.as_manager()

    class Meta:
        verbose_name = "terugmelding BRP"
        verbose_name_plural = "terugmeldingen BRP"
        ordering = ["-recorded_on", "-pk"]

    @property
    def is_open(self) -> bool:
        return self.closed_on is None

    def reason_labels(self) -> list[str]:
        labels = dict(TerugmeldingReason.choices)
        return [str(labels.get(r, r)) for r in self.reasons or []]


def weeks_after(day: dt.date, weeks: int) -> dt.date:
    return day + dt.timedelta(weeks=weeks)


class Forwarding(models.Model):
    """A case handed over to the leerplicht office of a municipality outside
    the region after the youth moved there (R-26, issue 20 item 4): what was
    sent, to whom, when and by whom. Written once with its transfer letter;
    the case is closed as moved out of the region in the same transaction.
    A DUO report of a youth who had already moved out (no case) is forwarded
    likewise: then `melding` is set and `case` is empty."""

    case = models.ForeignKey(
        "cases.Case",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="forwardings",
        help_text="Leeg bij een doorgestuurde verzuimmelding zonder zaak.",
    )
    melding = models.OneToOneField(
        "cases.VerzuimMelding",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="forwarding",
        verbose_name="verzuimmelding",
        help_text="De verzuimmelding van DUO die is doorgestuurd (zonder zaak).",
    )
    person = models.ForeignKey(
        "registry.Person", on_delete=models.PROTECT, related_name="forwardings"
    )
    municipality_code = models.CharField("CBS-code nieuwe gemeente", max_length=4)
    municipality_name = models.CharField("nieuwe gemeente", max_length=100)
    summary = models.TextField("samenvatting van de zaak")
    documents = models.JSONField(
        "meegestuurde stukken",
        default=list,
        blank=True,
        help_text="Per stuk: id, kenmerk en omschrijving, zoals op de dag van verzenden.",
    )
    letter = models.ForeignKey(
        "letters.Document",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="overdrachtsbrief",
    )
    sent_on = models.DateField("verzonden op")
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name="verzonden door",
    )

    class Meta:
        verbose_name = "overdracht aan een gemeente buiten de regio"
        verbose_name_plural = "overdrachten aan gemeenten buiten de regio"
        ordering = ["-sent_on", "-pk"]

    @property
    def recipient(self) -> str:
        return f"Leerplicht, gemeente {self.municipality_name}"


class ChainExportKind(models.TextChoices):
    SVB = "svb", "SVB-meldingen"
    BRP = "brp", "Terugmeldingen BRP"


class ChainExport(models.Model):
    """One delta export of an outgoing list (`?sinds_vorige=1`): who made it,
    when, for which municipalities and how many lines it held (no BSN)."""

    kind = models.CharField("lijst", max_length=3, choices=ChainExportKind.choices)
    made_at = models.DateTimeField("gemaakt op")
    municipalities = models.JSONField("gemeenten", default=list)
    count = models.PositiveIntegerField("aantal regels")
    actor = models.CharField("door", max_length=150)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True
    )

    class Meta:
        verbose_name = "export ketenpartnerlijst"
        verbose_name_plural = "exports ketenpartnerlijsten"
        ordering = ["-made_at", "-pk"]


class ChainExportLine(models.Model):
    """What one delta export sent about one notification or terugmelding: its
    id and a keyed fingerprint (HMAC) of the line's fields, never the fields."""

    export = models.ForeignKey(ChainExport, on_delete=models.CASCADE, related_name="lines")
    object_id = models.PositiveBigIntegerField("melding of terugmelding")
    municipality_code = models.CharField("gemeentecode", max_length=4)
    fingerprint = models.CharField("vingerafdruk", max_length=64)

    class Meta:
        verbose_name = "regel export ketenpartnerlijst"
        verbose_name_plural = "regels export ketenpartnerlijsten"
        indexes = [models.Index(fields=["object_id", "export"], name="chain_export_line_object")]
