"""Time spent per municipality (R-53): on a case activity or on other work
for a municipality, each entry with its building block, optionally booked on
a priced product (an extra service settled at its unit price, R-44)."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from rbl.organisation.models import BuildingBlock


class Product(models.Model):
    """An extra service a municipality buys by the hour at a unit price."""

    name = models.CharField("product", max_length=100, unique=True)
    unit_price = models.DecimalField("prijs per uur", max_digits=9, decimal_places=2)
    block = models.PositiveSmallIntegerField(
        "bouwsteen", choices=BuildingBlock.choices, null=True, blank=True
    )
    active = models.BooleanField("in gebruik", default=True)

    class Meta:
        verbose_name = "product"
        verbose_name_plural = "producten"
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(unit_price__gte=0), name="product_price_not_negative"
            )
        ]

    def __str__(self) -> str:
        return self.name


class TimeEntry(models.Model):
    """Minutes one user spent on one day for one municipality."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="time_entries",
        verbose_name="medewerker",
    )
    municipality = models.ForeignKey(
        "organisation.Municipality",
        on_delete=models.PROTECT,
        related_name="time_entries",
        verbose_name="gemeente",
    )
    date = models.DateField("datum")
    minutes = models.PositiveIntegerField("minuten")
    block = models.PositiveSmallIntegerField("bouwsteen", choices=BuildingBlock.choices)
    description = models.CharField("omschrijving", max_length=200, blank=True)
    product = models.ForeignKey(
        Product,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="time_entries",
        verbose_name="product",
    )
    # The case activity the time was spent on; the hours stay when retention
    # removes the case file.
    activity = models.OneToOneField(
        "cases.Activity",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="time_entry",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "tijdregel"
        verbose_name_plural = "tijdregels"
        ordering = ["-date", "-pk"]
        indexes = [models.Index(fields=["municipality", "date"])]
        constraints = [
            models.CheckConstraint(condition=models.Q(minutes__gt=0), name="time_minutes_positive")
        ]

    @property
    def hours(self) -> float:
        return self.minutes / 60
