"""The data-quality report (R-35): the region's terms, the items found by the
weekly run (for escalation) and the weekly mails sent.

The terms live in `QualitySettings`, one row per region; a region without a
row uses the defaults below (`quality_settings`)."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import models

from rbl.cases.models import CaseType

#: Days a case of each type may stay open before it is reported. Leave: the
#: Awb decision term of 8 weeks; absoluut, luxe, preventief and vrijstelling:
#: 3 months; relatief verzuim and zorg: 6 months; thuiszitters, 18+ and RMC
#: trajects: 12 months.
DEFAULT_OPEN_TERM_DAYS: dict[str, int] = {
    CaseType.ABSOLUUT: 91,
    CaseType.RELATIEF_16UUR: 182,
    CaseType.LUXE: 91,
    CaseType.SIGNAAL: 182,
    CaseType.OVERIG: 182,
    CaseType.LANGDURIG: 365,
    CaseType.PLUS18: 365,
    CaseType.VERLOF: 56,
    CaseType.VRIJSTELLING: 91,
    CaseType.RMC: 365,
    CaseType.PREVENTIEF: 91,
    CaseType.ZORG: 182,
}

#: The case types worked by the MAS method, where the owner records a route
#: (R-21). Not for decisions (verlof, vrijstelling), prevention and care
#: reports, nor for 18+ and RMC trajects, where no compulsory route exists.
ROUTE_TYPES: frozenset[str] = frozenset(
    {
        CaseType.ABSOLUUT,
        CaseType.RELATIEF_16UUR,
        CaseType.LUXE,
        CaseType.SIGNAAL,
        CaseType.OVERIG,
        CaseType.LANGDURIG,
    }
)

#: The case types whose work starts with an activity (a conversation, a
#: school contact…): every type except the decisions on leave and exemption.
ACTIVITY_TYPES: frozenset[str] = frozenset(CaseType.values) - {
    CaseType.VERLOF,
    CaseType.VRIJSTELLING,
}


class QualityKind(models.TextChoices):
    """The items of the data-quality report."""

    ZONDER_EIGENAAR = "zonder_eigenaar", "Open zaken zonder (actieve) eigenaar"
    TE_LANG_OPEN = "te_lang_open", "Zaken langer open dan de termijn"
    ZONDER_ROUTE = "zonder_route", "Zaken zonder MAS-route na de termijn"
    MELDING_NIET_GEKOPPELD = (
        "melding_niet_gekoppeld",
        "Verzuimmeldingen die wachten op een jongere",
    )
    IMPORT_NIET_VERWERKT = "import_niet_verwerkt", "Importbestanden afgekeurd of niet verwerkt"
    SIGNAAL_ZONDER_BRIEF = "signaal_zonder_brief", "Signalen absoluut verzuim zonder controlebrief"
    SCHOOL_ONBEKEND = "school_onbekend", "Onbekende scholen uit DUO-bestanden"


#: The items about cases: their owner answers for them.
CASE_KINDS = (QualityKind.ZONDER_EIGENAAR, QualityKind.TE_LANG_OPEN, QualityKind.ZONDER_ROUTE)
#: The items that belong to no municipality (the region's administration fixes them).
REGIONAL_KINDS = (
    QualityKind.MELDING_NIET_GEKOPPELD,
    QualityKind.IMPORT_NIET_VERWERKT,
    QualityKind.SCHOOL_ONBEKEND,
)


class QualitySettings(models.Model):
    """The region's terms for the data-quality report; a region without a row
    uses the defaults (see the module and `DEFAULT_OPEN_TERM_DAYS`)."""

    region = models.OneToOneField(
        "organisation.Region", on_delete=models.CASCADE, related_name="quality_settings"
    )
    open_term_days = models.JSONField(
        "afwijkende termijnen open zaak per soort (dagen)",
        default=dict,
        blank=True,
        help_text='Bijvoorbeeld {"verlof": 42}; soorten die hier niet staan houden de standaard.',
    )
    route_term_days = models.PositiveIntegerField("MAS-route gekozen binnen (dagen)", default=42)
    unlinked_report_days = models.PositiveIntegerField(
        "verzuimmelding zonder jongere na (dagen)", default=7
    )
    escalation_days = models.PositiveIntegerField(
        "naar de coördinator als een punt zo lang openstaat (dagen)", default=14
    )
    outlier_factor = models.DecimalField(
        "afwijkend boven zoveel keer de regionale mediaan",
        max_digits=4,
        decimal_places=2,
        default=2,
    )
    min_cases = models.PositiveIntegerField(
        "vergelijken vanaf zoveel zaken per medewerker of gemeente", default=10
    )
    comparison_days = models.PositiveIntegerField(
        "vergelijken over de zaken geopend in de laatste (dagen)", default=365
    )

    class Meta:
        verbose_name = "termijnen datakwaliteit"
        verbose_name_plural = "termijnen datakwaliteit"

    def open_term(self, case_type: str) -> int:
        """Days a case of `case_type` may be open before it is reported."""
        value = (self.open_term_days or {}).get(case_type)
        if isinstance(value, int) and value > 0:
            return value
        return DEFAULT_OPEN_TERM_DAYS.get(case_type, 182)


class QualityItem(models.Model):
    """One problem found by the weekly run, as long as it lasts.

    `key` names the object ("zaak:12", "signaal:7", "melding:3", "import:5",
    "importtaak:<uuid>", "school:9"): database ids only, never a BSN. A run
    inserts new items, keeps `first_seen` of items still there and resolves
    the ones that are gone; an item open `escalation_days` or longer goes to
    the coordinator too."""

    kind = models.CharField("soort", max_length=30, choices=QualityKind.choices)
    key = models.CharField("object", max_length=60)
    municipality = models.ForeignKey(
        "organisation.Municipality",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="gemeente",
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="eigenaar",
    )
    first_seen = models.DateField("eerst gezien")
    last_seen = models.DateField("laatst gezien")
    resolved_on = models.DateField("opgelost op", null=True, blank=True)

    class Meta:
        verbose_name = "punt datakwaliteit"
        verbose_name_plural = "punten datakwaliteit"
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "key"],
                condition=models.Q(resolved_on__isnull=True),
                name="one_open_quality_item",
            )
        ]
        indexes = [models.Index(fields=["resolved_on", "kind"], name="quality_item_open")]

    def __str__(self) -> str:
        return f"{self.kind} {self.key}"

    def open_days(self, today: dt.date) -> int:
        return (today - self.first_seen).days


class QualityMail(models.Model):
    """The weekly mail sent to one user for one week (Monday): a second run in
    the same week sends that user nothing."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+", verbose_name="aan"
    )
    week = models.DateField("week (maandag)")
    sent_at = models.DateTimeField("verstuurd")
    items = models.PositiveIntegerField("punten", default=0)
    escalated = models.PositiveIntegerField("geëscaleerde punten", default=0)

    class Meta:
        verbose_name = "mail datakwaliteit"
        verbose_name_plural = "mails datakwaliteit"
        constraints = [
            models.UniqueConstraint(fields=["user", "week"], name="one_quality_mail_a_week")
        ]


# -- the yearly reports: national reference, targets and the annual report's text --------

#: Room for a figure's value: counts up to a national total, rates to 3 decimals.
VALUE_DIGITS = 12
VALUE_DECIMALS = 3


class ReferenceFigure(models.Model):
    """A national reference value of one figure for one school year (R-32),
    loaded by the coordinator or application management from a published
    source (`rbl referentie`, /cijfers/referentie/). RBL never computes or
    invents national figures: without rows there is no national column.
    `is_sample` marks demo values, shown as "voorbeeldgegevens" everywhere."""

    key = models.CharField("sleutel", max_length=80)
    school_year = models.CharField("schooljaar", max_length=9)
    value = models.DecimalField("waarde", max_digits=VALUE_DIGITS, decimal_places=VALUE_DECIMALS)
    source = models.CharField("bron", max_length=300)
    is_sample = models.BooleanField("voorbeeldgegevens", default=False)
    loaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="geladen door",
    )
    loaded_at = models.DateTimeField("geladen op")

    class Meta:
        verbose_name = "landelijke referentie"
        verbose_name_plural = "landelijke referenties"
        ordering = ["-school_year", "key"]
        constraints = [
            models.UniqueConstraint(fields=["key", "school_year"], name="one_reference_a_year")
        ]

    def __str__(self) -> str:
        return f"{self.key} {self.school_year}: {self.value}"


class Target(models.Model):
    """A target (streefwaarde) for one figure in one school year, for one
    municipality or, without a municipality, for the region. Whether it is
    "at least" or "at most" follows from the figure (`higher_is_better`)."""

    school_year = models.CharField("schooljaar", max_length=9)
    municipality = models.ForeignKey(
        "organisation.Municipality",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="gemeente (leeg: de regio)",
    )
    key = models.CharField("sleutel", max_length=80)
    value = models.DecimalField("waarde", max_digits=VALUE_DIGITS, decimal_places=VALUE_DECIMALS)
    set_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="vastgesteld door",
    )
    set_at = models.DateTimeField("vastgesteld op")

    class Meta:
        verbose_name = "streefwaarde"
        verbose_name_plural = "streefwaarden"
        constraints = [
            models.UniqueConstraint(
                fields=["school_year", "municipality", "key"],
                condition=models.Q(municipality__isnull=False),
                name="one_target_per_municipality",
            ),
            models.UniqueConstraint(
                fields=["school_year", "key"],
                condition=models.Q(municipality__isnull=True),
                name="one_target_for_the_region",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.key} {self.school_year} {self.municipality_id or 'regio'}: {self.value}"


class TargetChange(models.Model):
    """One change of a target: the targets' own history (they are not personal
    data, so they stay out of the access log). Empty old value: newly set;
    empty new value: removed."""

    school_year = models.CharField("schooljaar", max_length=9)
    municipality = models.ForeignKey(
        "organisation.Municipality",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="gemeente (leeg: de regio)",
    )
    key = models.CharField("sleutel", max_length=80)
    old_value = models.DecimalField(
        "oude waarde",
        max_digits=VALUE_DIGITS,
        decimal_places=VALUE_DECIMALS,
        null=True,
        blank=True,
    )
    new_value = models.DecimalField(
        "nieuwe waarde",
        max_digits=VALUE_DIGITS,
        decimal_places=VALUE_DECIMALS,
        null=True,
        blank=True,
    )
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="gewijzigd door",
    )
    username = models.CharField("gebruikersnaam", max_length=150)
    changed_at = models.DateTimeField("gewijzigd op")

    class Meta:
        verbose_name = "wijziging streefwaarde"
        verbose_name_plural = "wijzigingen streefwaarden"
        ordering = ["-changed_at", "-pk"]
        indexes = [
            models.Index(fields=["school_year", "municipality"], name="target_change_scope"),
        ]


class ReportText(models.Model):
    """The municipality's (or, without one, the region's) own text in the
    annual report of a school year: plain text, paragraphs separated by a blank
    line, never trusted as HTML. `version` guards against lost updates: a save
    based on an older version is refused."""

    school_year = models.CharField("schooljaar", max_length=9)
    municipality = models.ForeignKey(
        "organisation.Municipality",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="gemeente (leeg: de regio)",
    )
    text = models.TextField("tekst", blank=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="gewijzigd door",
    )
    updated_at = models.DateTimeField("gewijzigd op")
    version = models.PositiveIntegerField("versie", default=1)

    class Meta:
        verbose_name = "tekst jaarverslag"
        verbose_name_plural = "teksten jaarverslag"
        constraints = [
            models.UniqueConstraint(
                fields=["school_year", "municipality"],
                condition=models.Q(municipality__isnull=False),
                name="one_report_text_per_municipality",
            ),
            models.UniqueConstraint(
                fields=["school_year"],
                condition=models.Q(municipality__isnull=True),
                name="one_report_text_for_the_region",
            ),
        ]

    def __str__(self) -> str:
        return f"jaarverslag {self.school_year} {self.municipality_id or 'regio'}"


class YearSnapshot(models.Model):
    """The figures of a closed ("vastgesteld") school year, as counted when it
    was closed, with the version of the definitions used; never changed."""

    school_year = models.CharField("schooljaar", max_length=9, unique=True)
    version = models.CharField("versie definities", max_length=20)
    figures = models.JSONField("cijfers")
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="vastgesteld door",
    )
    closed_at = models.DateTimeField("vastgesteld op")

    class Meta:
        verbose_name = "vastgesteld schooljaar"
        verbose_name_plural = "vastgestelde schooljaren"
        ordering = ["-school_year"]

    def __str__(self) -> str:
        return f"schooljaar {self.school_year}"

    def save(self, *args, **kwargs) -> None:
        if self.pk is not None and not self._state.adding:
            raise ValueError("Een vastgesteld schooljaar wordt niet gewijzigd.")
        super().save(*args, **kwargs)

    def figures_object(self):
        from rbl.reporting.figures import YearFigures

        figures = YearFigures.from_json(self.figures)
        figures.closed_by = (
            (self.closed_by.get_full_name() or self.closed_by.get_username())
            if self.closed_by
            else ""
        )
        return figures
