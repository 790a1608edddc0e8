"""Booking time (R-53) and the monthly and yearly overviews per
municipality, building block and officer."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from django.db.models import QuerySet, Sum
from django.db.models.functions import ExtractMonth, ExtractYear
from django.utils import timezone

from rbl.accounts.access import time_booking_municipalities
from rbl.cases.models import Activity, ActivityKind, Case
from rbl.cases.services.errors import CaseRuleError
from rbl.cases.services.lifecycle import add_activity
from rbl.organisation.models import BuildingBlock, Municipality
from rbl.reporting.definitions import SchoolYear
from rbl.timekeeping.blocks import block_for_activity
from rbl.timekeeping.models import Product, TimeEntry

MAX_MINUTES_A_DAY = 24 * 60
MONTHS = (
    "jan",
    "feb",
    "mrt",
    "apr",
    "mei",
    "jun",
    "jul",
    "aug",
    "sep",
    "okt",
    "nov",
    "dec",
)


class TimeRuleError(CaseRuleError):
    """Time that cannot be booked; the message is Dutch and shown to the user."""


def _check(minutes: int, on: dt.date) -> None:
    if minutes <= 0 or minutes > MAX_MINUTES_A_DAY:
        raise TimeRuleError("De tijd moet tussen 1 en 1440 minuten liggen.")
    if on > timezone.localdate():
        raise TimeRuleError("De datum kan niet in de toekomst liggen.")


def add_activity_with_time(
    case: Case | int,
    kind: str,
    *,
    author: Any,
    expected_version: int | None,
    on: dt.date,
    notes: str = "",
    minutes: int | None = None,
) -> Activity:
    """Record a case activity and, when `minutes` is given, the time spent on
    it for the case's principal municipality, on the block of the activity's
    kind. Both or neither are stored."""
    if minutes is not None:
        _check(minutes, on)
    with transaction.atomic():
        activity = add_activity(
            case, kind, author=author, expected_version=expected_version, on=on, notes=notes
        )
        if minutes:
            principal = Case.objects.values_list("principal_id", flat=True).get(pk=activity.case_id)
            TimeEntry.objects.create(
                user=author,
                municipality_id=principal,
                date=on,
                minutes=minutes,
                block=block_for_activity(kind),
                description=ActivityKind(kind).label,
                activity=activity,
            )
    return activity


def book_time(
    user: Any,
    *,
    municipality: Municipality | str,
    on: dt.date,
    minutes: int,
    block: int,
    description: str = "",
    product: Product | None = None,
) -> TimeEntry:
    """Book time outside a case for a municipality `user` works for."""
    code = getattr(municipality, "code", municipality)
    if code not in time_booking_municipalities(user):
        raise TimeRuleError("U kunt geen tijd schrijven voor deze gemeente.")
    if block not in BuildingBlock.values:
        raise TimeRuleError("Kies een bouwsteen.")
    if product is not None and not product.active:
        raise TimeRuleError("Dit product is niet meer in gebruik.")
    _check(minutes, on)
    return TimeEntry.objects.create(
        user=user,
        municipality_id=code,
        date=on,
        minutes=minutes,
        block=block,
        description=description.strip(),
        product=product,
    )


def delete_own_entry(entry: TimeEntry, today: dt.date | None = None) -> None:
    """An entry can be removed in its own month and the month after; older
    hours may already be in a settlement."""
    today = today or timezone.localdate()
    months = (today.year - entry.date.year) * 12 + today.month - entry.date.month
    if months > 1:
        raise TimeRuleError("Tijd van eerder dan vorige maand kan niet meer worden verwijderd.")
    entry.delete()


# -- products ---------------------------------------------------------------------
# A product's price and name settle the hours booked on it (rbl scenario). Hours
# older than last month are closed (they can no longer be removed and may be in
# a settlement), so once a product has closed hours its name and price stay as
# they are: a new price is a new product (e.g. "Extra preventie-uur 2027") and
# the old one is taken out of use. Block and "in use" can always change.


def closed_before(today: dt.date) -> dt.date:
    """The first day of last month: hours before it are closed."""
    first = today.replace(day=1)
    return (first - dt.timedelta(days=1)).replace(day=1)


def product_fingerprint(product: Product) -> str:
    """The values the editor saw, to detect a change by someone else."""
    block = "" if product.block is None else str(product.block)
    return f"{product.name}|{product.unit_price}|{block}|{int(product.active)}"


def change_product(
    product: Product,
    *,
    seen: str,
    name: str,
    unit_price: Any,
    block: int | None,
    active: bool,
    today: dt.date | None = None,
) -> Product:
    """Change a product, or raise TimeRuleError (Dutch) and change nothing."""
    today = today or timezone.localdate()
    with transaction.atomic():
        locked = Product.objects.select_for_update().get(pk=product.pk)
        if product_fingerprint(locked) != seen:
            raise TimeRuleError(
                "Iemand anders heeft dit product intussen gewijzigd; bekijk de nieuwe "
                "gegevens en wijzig opnieuw."
            )
        settles = locked.name != name or locked.unit_price != unit_price
        if settles and locked.time_entries.filter(date__lt=closed_before(today)).exists():
            raise TimeRuleError(
                "Op dit product is tijd geschreven in een afgesloten maand; naam en prijs "
                "blijven daarom zoals ze zijn. Voeg voor een nieuwe prijs een nieuw product "
                "toe en zet dit product uit gebruik."
            )
        locked.name, locked.unit_price, locked.block, locked.active = (
            name,
            unit_price,
            block,
            active,
        )
        locked.save()
        return locked


# -- overviews --------------------------------------------------------------------


@dataclass(frozen=True)
class Period:
    """A school year (12 month columns) or a single month (one column)."""

    year: SchoolYear
    month: tuple[int, int] | None = None  # (year, month)

    @property
    def start(self) -> dt.date:
        if self.month:
            return dt.date(self.month[0], self.month[1], 1)
        return self.year.start

    @property
    def end(self) -> dt.date:
        if self.month:
            y, m = self.month
            return dt.date(y + (m == 12), m % 12 + 1, 1) - dt.timedelta(days=1)
        return self.year.end

    @property
    def columns(self) -> list[tuple[int, int]]:
        if self.month:
            return [self.month]
        first = self.year.first_year
        return [(first, m) for m in range(8, 13)] + [(first + 1, m) for m in range(1, 8)]

    @property
    def labels(self) -> list[str]:
        return [f"{MONTHS[m - 1]} {y}" for y, m in self.columns]

    @property
    def title(self) -> str:
        if self.month:
            return f"{MONTHS[self.month[1] - 1]} {self.month[0]}"
        return f"schooljaar {self.year}"

    @classmethod
    def parse(cls, schooljaar: str | None, maand: str | None) -> Period:
        """From the query string; raises ValueError with a Dutch message."""
        if maand:
            try:
                day = dt.date.fromisoformat(f"{maand.strip()}-01")
                if not 1900 < day.year < 2200:
                    raise ValueError(maand)
            except ValueError:
                raise ValueError(
                    f"'{maand}' is geen maand; schrijf jaar en maand, bijvoorbeeld 2026-03."
                ) from None
            return cls(SchoolYear.of(day), (day.year, day.month))
        if schooljaar:
            return cls(SchoolYear.parse(schooljaar))
        return cls(SchoolYear.of(timezone.localdate()))


@dataclass
class Row:
    """Minutes per column for one line of an overview."""

    labels: tuple[str, ...]
    minutes: list[int]

    @property
    def total(self) -> int:
        return sum(self.minutes)


@dataclass
class Overview:
    period: Period
    blocks: list[Row] = field(default_factory=list)  # (municipality, block)
    municipalities: list[Row] = field(default_factory=list)  # (municipality,)
    officers: list[Row] = field(default_factory=list)  # (municipality, officer)
    total: Row | None = None


def _grouped(
    entries: QuerySet, period: Period, keys: list[str]
) -> dict[tuple[Any, ...], list[int]]:
    columns = period.columns
    index = {col: i for i, col in enumerate(columns)}
    out: dict[tuple[Any, ...], list[int]] = defaultdict(lambda: [0] * len(columns))
    rows = (
        entries.filter(date__gte=period.start, date__lte=period.end)
        .annotate(y=ExtractYear("date"), m=ExtractMonth("date"))
        .values(*keys, "y", "m")
        .annotate(n=Sum("minutes"))
        .order_by()
    )
    for row in rows:
        out[tuple(row[k] for k in keys)][index[(row["y"], row["m"])]] += row["n"]
    return out


def _officer_name(user: Any) -> str:
    return user.get_full_name() or user.username


def overview(
    entries: QuerySet, period: Period, *, officer_codes: frozenset[str] = frozenset()
) -> Overview:
    """Minutes of `entries` per month of `period`: per municipality and block,
    per municipality, and per officer for the municipalities `officer_codes`."""
    names = dict(Municipality.objects.values_list("code", "name"))
    blocks = dict(BuildingBlock.choices)
    result = Overview(period)
    per_block = _grouped(entries, period, ["municipality_id", "block"])
    totals: dict[str, list[int]] = {}
    for (code, block), minutes in sorted(
        per_block.items(), key=lambda kv: (names.get(kv[0][0], ""), kv[0][1])
    ):
        result.blocks.append(Row((names.get(code, code), f"{block}. {blocks[block]}"), minutes))
        acc = totals.setdefault(code, [0] * len(minutes))
        totals[code] = [a + b for a, b in zip(acc, minutes, strict=True)]
    result.municipalities = [
        Row((names.get(code, code),), minutes)
        for code, minutes in sorted(totals.items(), key=lambda kv: names.get(kv[0], ""))
    ]
    width = len(period.columns)
    sums = [sum(r.minutes[i] for r in result.municipalities) for i in range(width)]
    result.total = Row(("Totaal",), sums)
    if officer_codes:
        from django.contrib.auth import get_user_model

        per_user = _grouped(
            entries.filter(municipality_id__in=officer_codes), period, ["municipality_id", "user"]
        )
        users = {u.pk: u for u in get_user_model().objects.filter(pk__in={k[1] for k in per_user})}
        result.officers = sorted(
            (
                Row((names.get(code, code), _officer_name(users[uid])), minutes)
                for (code, uid), minutes in per_user.items()
            ),
            key=lambda r: r.labels,
        )
    return result


def hours_text(minutes: int) -> str:
    """Minutes as hours with a decimal comma, e.g. 90 → '1,5'."""
    hours = round(minutes / 60, 2)
    text = f"{hours:.2f}".rstrip("0").rstrip(".")
    return text.replace(".", ",")
