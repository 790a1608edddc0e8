"""Forms of the time screens. Labels and messages are Dutch."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django import forms
from django.utils import timezone

from rbl.organisation.models import BuildingBlock, Municipality
from rbl.timekeeping.models import Product
from rbl.web.forms import AccessibleForm, DateInput


class TimeEntryForm(AccessibleForm):
    """Time on work for a municipality outside a case."""

    municipality = forms.ModelChoiceField(
        label="Gemeente",
        queryset=Municipality.objects.none(),
        empty_label="— kies —",
        error_messages={
            "required": "Kies een gemeente.",
            "invalid_choice": "Kies een gemeente waarvoor u werkt.",
        },
    )
    date = forms.DateField(label="Datum", widget=DateInput, initial=timezone.localdate)
    minutes = forms.IntegerField(
        label="Tijd (minuten)",
        min_value=1,
        max_value=1440,
        error_messages={
            "required": "Vul de tijd in minuten in.",
            "min_value": "De tijd moet tussen 1 en 1440 minuten liggen.",
            "max_value": "De tijd moet tussen 1 en 1440 minuten liggen.",
        },
    )
    block = forms.TypedChoiceField(
        label="Bouwsteen",
        choices=[("", "— kies —"), *BuildingBlock.choices],
        coerce=int,
        error_messages={"required": "Kies een bouwsteen."},
    )
    product = forms.ModelChoiceField(
        label="Product (extra dienst, optioneel)",
        queryset=Product.objects.filter(active=True),
        required=False,
        empty_label="— geen —",
    )
    description = forms.CharField(
        label="Omschrijving (geen namen van jongeren)", max_length=200, required=False
    )

    def __init__(self, *args, codes: frozenset[str] = frozenset(), **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["municipality"].queryset = Municipality.objects.filter(code__in=codes)

    def clean_date(self) -> dt.date:
        day = self.cleaned_data["date"]
        if day > timezone.localdate():
            raise forms.ValidationError("De datum kan niet in de toekomst liggen.")
        return day


class ProductForm(AccessibleForm):
    name = forms.CharField(label="Product", max_length=100)
    unit_price = forms.DecimalField(
        label="Prijs per uur (euro)",
        min_value=Decimal(0),
        max_digits=9,
        decimal_places=2,
        localize=True,
        error_messages={"min_value": "De prijs kan niet negatief zijn."},
    )
    block = forms.TypedChoiceField(
        label="Bouwsteen (optioneel)",
        choices=[("", "— geen —"), *BuildingBlock.choices],
        coerce=int,
        required=False,
        empty_value=None,
    )

    def clean_name(self) -> str:
        name = self.cleaned_data["name"].strip()
        if Product.objects.filter(name__iexact=name).exists():
            raise forms.ValidationError("Er is al een product met deze naam.")
        return name


class ProductEditForm(ProductForm):
    """Change a product. `was` holds the values the coordinator saw, so a
    change by someone else in the meantime is refused (no lost updates)."""

    active = forms.BooleanField(label="In gebruik", required=False)
    was = forms.CharField(widget=forms.HiddenInput)

    def __init__(self, *args, product: Product, **kwargs) -> None:
        self.product = product
        super().__init__(*args, **kwargs)

    def clean_name(self) -> str:
        name = self.cleaned_data["name"].strip()
        others = Product.objects.exclude(pk=self.product.pk)
        if others.filter(name__iexact=name).exists():
            raise forms.ValidationError("Er is al een product met deze naam.")
        return name
