"""The region, its municipalities, building blocks and schools (R-02, R-03)."""

from __future__ import annotations

import datetime as dt

from django.db import models

from rbl.core.fields import CodeField


class Region(models.Model):
    """The cooperation of municipalities run by one executing municipality."""

    name = models.CharField("naam", max_length=100, unique=True)
    executing_municipality = models.ForeignKey(
        "Municipality",
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        verbose_name="uitvoerende gemeente",
    )
    agreement_kind = models.CharField("soort samenwerking", max_length=40, blank=True)
    agreement_start = models.DateField("ingangsdatum overeenkomst", null=True, blank=True)
    agreement_years = models.PositiveIntegerField("looptijd (jaren)", null=True, blank=True)
    notice_months = models.PositiveIntegerField("opzegtermijn (maanden)", null=True, blank=True)
    control_term_days = models.PositiveIntegerField(
        "termijn controlebrief (dagen)",
        default=14,
        help_text="Termijn voor een antwoord op de controlebrief bij absoluut verzuim.",
    )
    office_phone = models.CharField(
        "telefoon bureau leerplicht", max_length=30, blank=True, help_text="Staat op brieven."
    )
    office_email = models.EmailField(
        "e-mail bureau leerplicht", blank=True, help_text="Staat op brieven."
    )
    halt_address = models.TextField(
        "adres Halt-bureau",
        blank=True,
        help_text="Naam en adres van het Halt-bureau; staat op de verwijzing naar Halt.",
    )
    om_address = models.TextField(
        "adres Openbaar Ministerie",
        blank=True,
        help_text="Naam en adres van het OM-parket; staat op het proces-verbaal.",
    )
    is_demo = models.BooleanField("demodata", default=False)

    class Meta:
        verbose_name = "regio"
        verbose_name_plural = "regio's"

    def __str__(self) -> str:
        return self.name


class Municipality(models.Model):
    """A municipality of the region, keyed by its 4-digit CBS code."""

    code = models.CharField("CBS-code", max_length=4, primary_key=True)
    name = models.CharField("naam", max_length=100)
    region = models.ForeignKey(
        Region, on_delete=models.CASCADE, related_name="municipalities", null=True, blank=True
    )
    logo = models.CharField("logo (bestand)", max_length=255, blank=True)
    signature_text = models.TextField("ondertekening", blank=True)
    address = models.TextField("adres", blank=True)

    class Meta:
        verbose_name = "gemeente"
        verbose_name_plural = "gemeenten"
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    @property
    def in_region(self) -> bool:
        return self.region_id is not None


class BuildingBlock(models.IntegerChoices):
    ADMINISTRATION = 1, "Regionale administratie en managementinformatie"
    TEAM = 2, "Regionaal team leerplichtambtenaren"
    BOA = 3, "BOA-taken en JCO"
    COORDINATION = 4, "Regionale coördinatie en kwaliteit"


class Participation(models.Model):
    """A municipality takes part in a building block from a date (R-02)."""

    municipality = models.ForeignKey(
        Municipality, on_delete=models.CASCADE, related_name="participations"
    )
    block = models.PositiveSmallIntegerField("bouwsteen", choices=BuildingBlock.choices)
    start = models.DateField("vanaf")
    end = models.DateField("tot en met", null=True, blank=True)

    class Meta:
        verbose_name = "deelname"
        verbose_name_plural = "deelnames"
        constraints = [
            models.UniqueConstraint(
                fields=["municipality", "block", "start"], name="unique_participation"
            )
        ]

    def active_on(self, day: dt.date) -> bool:
        return self.start <= day and (self.end is None or day <= self.end)


class Samenwerkingsverband(models.Model):
    """A schools' partnership for special needs (SWV passend onderwijs)."""

    code = models.CharField("code", max_length=20, unique=True)
    name = models.CharField("naam", max_length=150, blank=True)

    class Meta:
        verbose_name = "samenwerkingsverband"
        verbose_name_plural = "samenwerkingsverbanden"

    def __str__(self) -> str:
        return self.name or self.code


class Sector(models.TextChoices):
    PO = "PO", "Primair onderwijs"
    SO = "SO", "Speciaal onderwijs"
    VSO = "VSO", "Voortgezet speciaal onderwijs"
    PRO = "PRO", "Praktijkonderwijs"
    VO = "VO", "Voortgezet onderwijs"
    MBO = "MBO", "Middelbaar beroepsonderwijs"
    HO = "HO", "Hoger onderwijs"


class School(models.Model):
    """A school location: BRIN + vestiging (R-03)."""

    brin = CodeField("BRIN", max_length=4)
    vestiging = CodeField("vestiging", max_length=2, default="00")
    name = models.CharField("naam", max_length=200)
    sector = models.CharField("sector", max_length=3, choices=Sector.choices, blank=True)
    municipality_code = models.CharField("gemeente van vestiging", max_length=4, blank=True)
    swv = models.ForeignKey(
        Samenwerkingsverband,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="schools",
        verbose_name="samenwerkingsverband",
    )
    contact = models.ForeignKey(
        "accounts.User",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="contact_schools",
        verbose_name="vaste contactpersoon",
    )
    placeholder = models.BooleanField(
        "onbekende school",
        default=False,
        help_text="Aangemaakt voor een onbekende BRIN uit een DUO-bestand (datakwaliteit).",
    )

    class Meta:
        verbose_name = "school"
        verbose_name_plural = "scholen"
        constraints = [
            models.UniqueConstraint(fields=["brin", "vestiging"], name="unique_school_location")
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.brin}{self.vestiging})"

    @property
    def in_region(self) -> bool:
        return Municipality.objects.filter(
            code=self.municipality_code, region__isnull=False
        ).exists()


class RegionFileState(models.Model):
    """What the region file said when `rbl regio` last applied it, item by
    item (`organisation.regio_diff`): a later run compares the database with
    it, so an edit made on screen since is told apart from a change in the file
    and never silently undone."""

    region = models.OneToOneField(Region, on_delete=models.CASCADE, related_name="file_state")
    applied_at = models.DateTimeField("laatst ingelezen")
    values = models.JSONField("waarden uit het bestand", default=dict)

    class Meta:
        verbose_name = "stand van het regiobestand"
        verbose_name_plural = "standen van het regiobestand"
