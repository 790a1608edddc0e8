"""Import kinds `verzuimmeldingen` and `vsv` (formats.md), registered with the
registry's import framework from CasesConfig.ready().

Both files are small compared with the BRP, and every new row may open or
join a case, so `apply` works row by row in batches read from the staging
table (memory stays flat) inside the import's single transaction.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator
from decimal import Decimal, InvalidOperation
from typing import Any

from rbl.cases.models import MeldingSoort, VerzuimMelding, VsvMelding
from rbl.cases.services.meldingen import (
    create_or_join_case_from_melding,
    create_or_join_rmc_case,
    link_waiting_reports,
)
from rbl.organisation.models import School
from rbl.registry.imports import fields as f
from rbl.registry.imports.base import ImportContext, ImportKind, ImportResult, register
from rbl.registry.imports.stage import STAGE, Stage
from rbl.registry.models import Person

_BATCH = 1000


def hours(value: str) -> Decimal:
    """Hours of absence: a number of 0 or more with at most two decimals."""
    try:
        number = Decimal(value.replace(",", "."))
    except InvalidOperation:
        raise f.FieldError("moet een getal zijn") from None
    if not number.is_finite() or number < 0 or number >= 100000:
        raise f.FieldError("moet een getal van 0 tot 100000 zijn")
    if number != number.quantize(Decimal("0.01")):
        raise f.FieldError("hoogstens twee decimalen")
    return number.quantize(Decimal("0.01"))


def _jsonable(value: Any) -> Any:
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    return value


def _outside_administration(bsn: str, line: int, ctx: ImportContext, result: ImportResult) -> bool:
    """A report of a youth living in a municipality outside the regional
    administration (block 1) on the peildatum is refused, naming it (R-02): the
    municipality handles its own reports. A youth not (yet) known is not refused."""
    if not ctx.outside_administration:
        return False
    code = Person.objects.filter(bsn=bsn).values_list("municipality_id", flat=True).first()
    refusal = ctx.administration_problem(code)
    if refusal:
        result.add_error(line, "bsn", "", refusal)
    return bool(refusal)


def _staged(stage: Stage) -> Iterator[tuple[int, dict[str, Any]]]:
    """The staged rows in file order, a batch at a time."""
    last = 0
    while True:
        batch = stage.fetchall(
            f"SELECT line, payload FROM {STAGE} WHERE line > %s ORDER BY line LIMIT {_BATCH}",
            [last],
        )
        if not batch:
            return
        for line, payload in batch:
            yield line, json.loads(payload)
        last = batch[-1][0]


def _school(brin: str, vestiging: str, cache: dict[tuple[str, str], School]) -> School:
    """The school; an unknown BRIN becomes a placeholder for the data-quality report."""
    key = (brin, vestiging)
    if key not in cache:
        cache[key], _ = School.objects.get_or_create(
            brin=brin,
            vestiging=vestiging,
            defaults={"name": "Onbekende school", "placeholder": True},
        )
    return cache[key]


def _date(value: str | None) -> dt.date | None:
    return dt.date.fromisoformat(value) if value else None


@register
class VerzuimmeldingenImport(ImportKind):
    name = "verzuimmeldingen"
    label = "Verzuimmeldingen (DUO)"
    columns = (
        f.Column("meldingsnummer", f.text(40), required=True),
        f.Column("bsn", f.bsn, required=True),
        f.Column("brin", f.brin, required=True),
        f.Column("vestiging", f.vestiging, default="00"),
        f.Column("soort", f.choice(tuple(MeldingSoort.values)), required=True),
        f.Column("meldingsdatum", f.date, required=True),
        f.Column("verzuim_vanaf", f.date),
        f.Column("verzuim_tot", f.date),
        f.Column("uren", hours),
        f.Column("dagen", f.integer),
        f.Column("alle_lessen_gemist", f.yes_no),
        f.Column("reden", f.text(2000), default=""),
        f.Column("actie_school", f.text(2000), default=""),
        f.Column("actie_gemeente_gewenst", f.yes_no),
        f.Column("toelichting", f.text(2000), default=""),
    )
    stage_columns = (("meldingsnummer", "TEXT"), ("payload", "TEXT"))
    key = ("meldingsnummer",)

    # Model field <- file column, for comparing and storing.
    FIELDS = {
        "bsn": "bsn",
        "brin": "brin",
        "vestiging": "vestiging",
        "soort": "soort",
        "meldingsdatum": "meldingsdatum",
        "verzuim_vanaf": "verzuim_vanaf",
        "verzuim_tot": "verzuim_tot",
        "uren": "uren",
        "dagen": "dagen",
        "alle_lessen_gemist": "alle_lessen_gemist",
        "reden": "reden",
        "actie_school": "actie_school",
        "actie_gemeente_gewenst": "actie_gemeente_gewenst",
        "toelichting": "toelichting",
    }

    def check_row(self, row: dict[str, Any], ctx: ImportContext) -> list[tuple[str, str]]:
        start, end = row["verzuim_vanaf"], row["verzuim_tot"]
        if start is not None and end is not None and end < start:
            return [("verzuim_tot", "verzuim_tot ligt voor verzuim_vanaf")]
        return []

    def stage_row(self, row: dict[str, Any]) -> tuple[Any, ...]:
        return (row["meldingsnummer"], json.dumps({k: _jsonable(v) for k, v in row.items()}))

    def _values(self, row: dict[str, Any]) -> dict[str, Any]:
        values = {field: row[column] for field, column in self.FIELDS.items()}
        for name in ("meldingsdatum", "verzuim_vanaf", "verzuim_tot"):
            values[name] = _date(values[name])
        if values["uren"] is not None:
            values["uren"] = Decimal(values["uren"])
        return values

    def apply(self, stage: Stage, ctx: ImportContext, result: ImportResult) -> None:
        actor = ctx.extra.get("user")
        schools: dict[tuple[str, str], School] = {}
        for line, row in _staged(stage):
            if _outside_administration(row["bsn"], line, ctx, result):
                continue
            values = self._values(row)
            melding = VerzuimMelding.objects.filter(meldingsnummer=row["meldingsnummer"]).first()
            if melding is None:
                melding = VerzuimMelding(meldingsnummer=row["meldingsnummer"], **values)
                result.created += 1
            else:
                changed = [k for k, v in values.items() if getattr(melding, k) != v]
                if not changed:
                    result.unchanged += 1
                    continue
                for k in changed:
                    setattr(melding, k, values[k])
                result.updated += 1
            melding.school = _school(melding.brin, melding.vestiging, schools)
            if melding.person_id is None or melding.person.bsn != melding.bsn:
                melding.person = Person.objects.filter(bsn=melding.bsn).first()
                if melding.case_id is not None and (
                    melding.person is None or melding.case.person_id != melding.person.pk
                ):
                    melding.case = None  # the report was corrected to another youth
            melding.save()
            create_or_join_case_from_melding(melding, today=ctx.peildatum, actor=actor)
        # Reports that waited for their person and whose person has arrived since.
        link_waiting_reports(today=ctx.peildatum, actor=actor)


@register
class VsvImport(ImportKind):
    name = "vsv"
    label = "VSV-lijst (DUO/RMC)"
    columns = (
        f.Column("bsn", f.bsn, required=True),
        f.Column("uitschrijvingsdatum", f.date, required=True),
        f.Column("brin", f.brin, default=""),
        f.Column("opleiding", f.text(200), default=""),
        f.Column("niveau", f.text(20), default=""),
        f.Column("peildatum", f.date),
    )
    stage_columns = (("bsn", "TEXT"), ("uitschrijvingsdatum", "TEXT"), ("payload", "TEXT"))
    key = ("bsn", "uitschrijvingsdatum")

    def stage_row(self, row: dict[str, Any]) -> tuple[Any, ...]:
        return (
            row["bsn"],
            row["uitschrijvingsdatum"].isoformat(),
            json.dumps({k: _jsonable(v) for k, v in row.items()}),
        )

    def apply(self, stage: Stage, ctx: ImportContext, result: ImportResult) -> None:
        actor = ctx.extra.get("user")
        for line, row in _staged(stage):
            if _outside_administration(row["bsn"], line, ctx, result):
                continue
            left_on = _date(row["uitschrijvingsdatum"])
            values = {
                "brin": row["brin"],
                "opleiding": row["opleiding"],
                "niveau": row["niveau"],
                "peildatum": _date(row["peildatum"]),
            }
            vsv = VsvMelding.objects.filter(bsn=row["bsn"], uitschrijvingsdatum=left_on).first()
            if vsv is None:
                vsv = VsvMelding(bsn=row["bsn"], uitschrijvingsdatum=left_on, **values)
                vsv.person = Person.objects.filter(bsn=row["bsn"]).first()
                vsv.save()
                result.created += 1
            else:
                changed = [k for k, v in values.items() if getattr(vsv, k) != v]
                if not changed:
                    result.unchanged += 1
                    continue
                VsvMelding.objects.filter(pk=vsv.pk).update(**values)
                result.updated += 1
            create_or_join_rmc_case(vsv, today=ctx.peildatum, actor=actor)
