"""A finance scenario from the real work of a school year (R-40, R-44).

`rbl financien` reads a scenario file and touches no database. This module
fills one from the database: per municipality of the region its population
on 1 October, its caseload and leave requests (the art. 25 figures of the
year), its pupils, its schools by sector and its building blocks on 1
October; and the extra services: hours booked on a priced product in the
year, at the product's unit price. Everything the database does not hold
(salary scales, teams, overhead, key, actual formation, estimates) comes from
a base scenario file the coordinator keeps."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from decimal import Decimal
from typing import Any

from django.db.models import Count, Exists, OuterRef, Q, Sum

from rbl.finance.scenario import ScenarioInvalid, validate_scenario
from rbl.organisation.models import Municipality, Participation, School
from rbl.registry.models import Enrolment
from rbl.reporting.definitions import SchoolYear
from rbl.reporting.figures import residences_on
from rbl.reporting.snapshots import figures_for
from rbl.timekeeping.models import Product, TimeEntry

# Age bands of the scenario's `inwoners`, as (first, last) age on 1 October.
AGE_BANDS = {"5-15": (5, 15), "16-17": (16, 17), "18-22": (18, 22)}
SCHOOL_SECTORS = ("PO", "SO", "VSO", "PRO", "VO", "MBO")


class ScenarioNotWritten(Exception):
    """The scenario cannot be written; `problems` are Dutch (place, reason)."""

    def __init__(self, problems: list[tuple[str, str]]):
        super().__init__("; ".join(f"{p}: {r}" if p else r for p, r in problems))
        self.problems = problems


def _years_before(day: dt.date, years: int) -> dt.date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February
        return day.replace(year=day.year - years, day=28)


def _born_between(first_age: int, last_age: int, day: dt.date) -> Q:
    """Persons aged `first_age` up to and including `last_age` on `day`."""
    return Q(
        person__birth_date__gt=_years_before(day, last_age + 1),
        person__birth_date__lte=_years_before(day, first_age),
    )


def population(day: dt.date) -> dict[str, dict[str, int]]:
    """Residents per municipality and age band on `day`."""
    out: dict[str, dict[str, int]] = defaultdict(lambda: dict.fromkeys(AGE_BANDS, 0))
    residents = residences_on(day)
    for band, (first, last) in AGE_BANDS.items():
        rows = (
            residents.filter(_born_between(first, last, day))
            .values("gemeente")
            .annotate(n=Count("pk"))
            .order_by()
        )
        for row in rows:
            out[row["gemeente"]][band] = row["n"]
    return out


def pupils(day: dt.date) -> dict[str, int]:
    """Residents aged 5 to 22 on `day` enrolled at a school that day."""
    enrolled = Enrolment.objects.filter(bsn=OuterRef("person__bsn"), start__lte=day).filter(
        Q(end__isnull=True) | Q(end__gte=day)
    )
    rows = (
        residences_on(day)
        .filter(_born_between(5, 22, day))
        .filter(Exists(enrolled))
        .values("gemeente")
        .annotate(n=Count("pk"))
        .order_by()
    )
    return {row["gemeente"]: row["n"] for row in rows}


def schools(codes: list[str]) -> dict[str, dict[str, int]]:
    """Schools established in each municipality, per sector."""
    out: dict[str, dict[str, int]] = defaultdict(dict)
    rows = (
        School.objects.filter(municipality_code__in=codes, sector__in=SCHOOL_SECTORS)
        .values("municipality_code", "sector")
        .annotate(n=Count("pk"))
        .order_by()
    )
    for row in rows:
        out[row["municipality_code"]][row["sector"]] = row["n"]
    return out


def blocks_on(day: dt.date) -> dict[str, list[int]]:
    """The building blocks each municipality takes part in on `day`."""
    out: dict[str, set[int]] = defaultdict(set)
    active = Participation.objects.filter(start__lte=day).filter(
        Q(end__isnull=True) | Q(end__gte=day)
    )
    for code, block in active.values_list("municipality_id", "block"):
        out[code].add(block)
    return {code: sorted(blocks) for code, blocks in out.items()}


def product_hours(year: SchoolYear) -> dict[tuple[str, str], tuple[Decimal, Decimal]]:
    """(municipality, product) → (unit price, hours) booked in `year`."""
    rows = (
        TimeEntry.objects.filter(product__isnull=False, date__gte=year.start, date__lte=year.end)
        .values("municipality_id", "product__name", "product__unit_price")
        .annotate(minutes=Sum("minutes"))
        .order_by()
    )
    return {
        (r["municipality_id"], r["product__name"]): (
            Decimal(r["product__unit_price"]),
            Decimal(r["minutes"]) / 60,
        )
        for r in rows
    }


def block_hours(year: SchoolYear) -> dict[str, dict[int, Decimal]]:
    """Hours booked per municipality and building block in `year`."""
    out: dict[str, dict[int, Decimal]] = defaultdict(dict)
    rows = (
        TimeEntry.objects.filter(date__gte=year.start, date__lte=year.end)
        .values("municipality_id", "block")
        .annotate(minutes=Sum("minutes"))
        .order_by()
    )
    for r in rows:
        out[r["municipality_id"]][r["block"]] = Decimal(r["minutes"]) / 60
    return out


def _number(value: Decimal) -> int | float:
    """A YAML number: whole when whole, else to 4 decimals."""
    value = value.quantize(Decimal("0.0001"))
    return int(value) if value == value.to_integral_value() else float(value)


def _caseload(values: dict[str, Any], code: str) -> tuple[int, int]:
    vrij = values.get("vrijstellingen") or {}
    parts = [values.get("verzuimzaken"), values.get("verlof"), *vrij.values()]
    if any(p is None for p in parts):
        raise ScenarioNotWritten(
            [(f"gemeente {code}", "de jaarcijfers van dit schooljaar zijn (nog) onbekend")]
        )
    return values["verzuimzaken"] + sum(vrij.values()), values["verlof"]


def build_scenario(base: dict[str, Any], year: SchoolYear) -> dict[str, Any]:
    """The scenario of `base` with every municipality's figures and the
    realised extra services of `year` from the database. Raises
    ScenarioNotWritten when the result is no valid scenario."""
    if not isinstance(base, dict):
        raise ScenarioNotWritten([("", "het basisbestand is geen scenario (YAML-object)")])
    day = year.count_day
    region = list(
        Municipality.objects.filter(region__isnull=False).order_by("name").values("code", "name")
    )
    if not region:
        raise ScenarioNotWritten([("", "er zijn geen gemeenten in de regio (rbl regio)")])
    codes = [m["code"] for m in region]
    figures = figures_for(year, codes)
    people = population(day)
    pupil_counts = pupils(day)
    school_counts = schools(codes)
    blocks = blocks_on(day)
    given = {
        str(m.get("code")): m
        for m in base.get("gemeenten") or []
        if isinstance(m, dict) and m.get("code") is not None
    }
    municipalities = []
    for m in region:
        code = m["code"]
        caseload, leave = _caseload(figures.municipalities.get(code, {}), code)
        entry: dict[str, Any] = {
            "code": code,
            "naam": m["name"],
            "inwoners": dict(people.get(code, dict.fromkeys(AGE_BANDS, 0))),
            "caseload": caseload,
            "verlofaanvragen": leave,
            "leerlingen": pupil_counts.get(code, 0),
            "scholen": dict(sorted(school_counts.get(code, {}).items())),
        }
        # What only the base file knows: actual formation and fixed shares.
        for key in ("formatie", "aandeel"):
            if key in given.get(code, {}):
                entry[key] = given[code][key]
        entry["bouwstenen"] = blocks.get(code, [])
        municipalities.append(entry)

    scenario = {k: v for k, v in base.items() if k != "gemeenten"}
    scenario.setdefault("jaar", year.first_year + 1)
    scenario["gemeenten"] = municipalities
    cycle = dict(scenario.get("begrotingscyclus") or {})
    estimates = {
        (str(s.get("gemeente")), str(s.get("product"))): s
        for s in cycle.get("extra_diensten") or []
        if isinstance(s, dict)
    }
    realised = product_hours(year)
    booked = set(Product.objects.values_list("name", flat=True))
    services = []
    for key in sorted(set(estimates) | set(realised)):
        code, product = key
        estimate = estimates.get(key, {})
        if product not in booked:  # not booked in RBL: the base file's entry stands
            services.append(estimate)
            continue
        price, hours = realised.get(key, (None, Decimal(0)))
        services.append(
            {
                "gemeente": code,
                "product": product,
                "prijs": _number(price) if price is not None else estimate.get("prijs", 0),
                "geraamd": estimate.get("geraamd", 0),
                "gerealiseerd": _number(hours),
            }
        )
    if services:
        cycle["extra_diensten"] = services
        scenario["begrotingscyclus"] = cycle
    try:
        validate_scenario(scenario)
    except ScenarioInvalid as exc:
        raise ScenarioNotWritten(list(exc.problems)) from exc
    return scenario


def hours_comment(year: SchoolYear) -> list[str]:
    """Comment lines for the written file: hours per municipality and block."""
    names = dict(Municipality.objects.values_list("code", "name"))
    lines = [f"Geschreven uren in schooljaar {year} per gemeente en bouwsteen:"]
    for code, per_block in sorted(block_hours(year).items(), key=lambda kv: names.get(kv[0], "")):
        parts = ", ".join(f"bouwsteen {b}: {_number(h)}" for b, h in sorted(per_block.items()))
        lines.append(f"  {names.get(code, code)} ({code}): {parts}")
    if len(lines) == 1:
        lines.append("  (geen)")
    return lines
