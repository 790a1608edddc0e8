"""Which municipality was the principal (opdrachtgever) of a case on which day.

`Case.principal` is the principal now; `PrincipalPeriod` keeps every earlier
one with its dates, so figures of a day in the past (art. 25 LPW: a case counts
for "the municipality that is its principal at the moment counted") come out
the same however often they are made later.

A period covers the days `start <= day < end`: `start` is the first day the
municipality is the principal, `end` the first day it no longer is (the day of
the handover, on which the next period starts), so `end` is **exclusive** and
the periods of a case follow each other without gap or overlap. `end` is empty
for the one open period, whose municipality is `Case.principal`. A handover on
the day the period started leaves an empty period (`start == end`) that
matches no day; it stays as the record of the handover.

Rows are written only by `rbl.cases.services.principal` in the transaction of
the case event that records the change; once written, a row is never changed
except that the open period is ended once, and never deleted (it goes with its
case). The queries that read the periods are `CaseQuerySet.principal_on`,
`CaseQuerySet.with_principal_on` and `principal_at` below.
"""

from __future__ import annotations

import datetime as dt

from django.db import models
from django.db.models import Count, F, FilteredRelation, Q, QuerySet, When
from django.db.models.functions import Greatest

from .case import Case, ImmutableError


class PrincipalPeriodQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise ImmutableError("Een periode van de opdrachtgever kan niet worden gewijzigd.")

    def delete(self):
        raise ImmutableError("Een periode van de opdrachtgever kan niet worden verwijderd.")

    def end_open_period(self, case_id: int, on: dt.date) -> int:
        """The one change allowed: end the open period of a case on `on` (the
        first day it no longer applies). Returns the number of periods ended."""
        return models.QuerySet.update(self.filter(case_id=case_id, end__isnull=True), end=on)

    def covering(self, day: dt.date) -> PrincipalPeriodQuerySet:
        """Periods that include `day` (`start <= day < end`)."""
        return self.filter(Q(end__isnull=True) | Q(end__gt=day), start__lte=day)


class PrincipalPeriod(models.Model):
    """One municipality's time as the principal of one case; `end` exclusive."""

    case = models.ForeignKey(
        Case,
        on_delete=models.CASCADE,
        related_name="principal_periods",
        verbose_name="zaak",
        db_index=False,  # the (case, start) index serves lookups by case
    )
    municipality = models.ForeignKey(
        "organisation.Municipality",
        on_delete=models.PROTECT,
        related_name="principal_periods",
        verbose_name="gemeente (opdrachtgever)",
        db_index=False,  # the (municipality, start) index serves lookups by municipality
    )
    start = models.DateField("vanaf", help_text="Eerste dag als opdrachtgever.")
    end = models.DateField(
        "tot",
        null=True,
        blank=True,
        help_text="Eerste dag niet meer als opdrachtgever (de dag van de overdracht); "
        "leeg zolang de gemeente opdrachtgever is.",
    )

    objects = PrincipalPeriodQuerySet.as_manager()

    class Meta:
        verbose_name = "periode opdrachtgever"
        verbose_name_plural = "perioden opdrachtgever"
        ordering = ["case", "start", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["case"],
                condition=Q(end__isnull=True),
                name="principal_period_one_open",
            ),
            models.CheckConstraint(
                condition=Q(end__isnull=True) | Q(end__gte=F("start")),
                name="principal_period_end_not_before_start",
            ),
        ]
        indexes = [
            models.Index(fields=["case", "start"], name="principal_period_case_start"),
            models.Index(fields=["municipality", "start"], name="principal_period_muni_start"),
        ]

    def __str__(self) -> str:
        end = f"tot {self.end:%Y-%m-%d}" if self.end else "heden"
        return f"{self.municipality_id} vanaf {self.start:%Y-%m-%d} {end}"

    def save(self, *args, **kwargs) -> None:
        if self.pk is not None and not self._state.adding:
            raise ImmutableError("Een periode van de opdrachtgever kan niet worden gewijzigd.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ImmutableError("Een periode van de opdrachtgever kan niet worden verwijderd.")


def principal_at(
    queryset: QuerySet,
    date_field: str,
    *,
    case: str | None = "case",
    name: str = "principal_at_id",
) -> QuerySet:
    """Annotate every row of `queryset` — a dated fact of a case — with `name`:
    the CBS code of the municipality that was the principal of its case on the
    fact's own date (`date_field`).

    `case` is the path from the row to its case (`None` when the rows are
    cases themselves). A date before the case was opened counts as the opening
    day (a DUO report is usually dated before the case it opened), so a fact
    of a case always has a principal unless its date is empty or it has no
    case; then `name` is None. One LEFT JOIN, no subquery per row.

    The facts reporting counts per principal municipality, each at its own date:

    ====================================  ==================  ==========
    fact                                  date_field          case
    ====================================  ==================  ==========
    ``VerzuimMelding`` (a DUO report)     ``meldingsdatum``   ``case``
    ``Handhaving`` (Halt/PV started)      ``opened_on``       ``case``
    ``LeaveRequest`` (leave decision)     ``decided_on``      ``case``
    ``registry.Exemption`` (decision)     ``decided_on``      ``case``
    ``Case`` (e.g. closed that day)       ``closed_on``       ``None``
    ====================================  ==================  ==========

    An exemption from the registry import has no case (None here); its own
    `municipality` is the deciding municipality. `count_per_principal` counts.
    """
    prefix = f"{case}__" if case else ""
    relation = f"{prefix}principal_periods"
    alias = f"_{name}_period"
    day = Greatest(F(date_field), F(f"{prefix}opened_on"))
    covering = Q(**{f"{relation}__start__lte": day}) & (
        Q(**{f"{relation}__end__isnull": True}) | Q(**{f"{relation}__end__gt": day})
    )
    return queryset.alias(**{alias: FilteredRelation(relation, condition=covering)}).annotate(
        **{
            # SQLite's MAX() of an empty date is empty, PostgreSQL's GREATEST()
            # skips it: say None for an empty date on both.
            name: models.Case(
                When(**{f"{date_field}__isnull": True}, then=None),
                default=F(f"{alias}__municipality_id"),
                output_field=models.CharField(),
            )
        }
    )


def count_per_principal(
    queryset: QuerySet, date_field: str, *, case: str | None = "case"
) -> dict[str | None, int]:
    """How many rows of `queryset` (dated facts, see `principal_at`) there are
    per principal municipality at their own date: {CBS code: count}; rows
    without a principal (no case or no date) under None."""
    rows = (
        principal_at(queryset.order_by(), date_field, case=case, name="principal_at_id")
        .values("principal_at_id")
        .annotate(n=Count("pk"))
        .values_list("principal_at_id", "n")
    )
    return dict(rows)
