"""scholen.csv — the schools in and around the region (formats.md). Key: brin + vestiging."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model

from rbl.organisation.models import Samenwerkingsverband, School
from rbl.registry.imports import fields as f
from rbl.registry.imports.base import ImportContext, ImportKind, ImportResult, register
from rbl.registry.imports.kinds.duo import SECTORS
from rbl.registry.imports.stage import STAGE, Stage


@register
class ScholenImport(ImportKind):
    name = "scholen"
    label = "Scholen"
    columns = (
        f.Column("brin", f.brin, required=True),
        f.Column("vestiging", f.vestiging, default="00"),
        f.Column("naam", f.text(200), required=True),
        f.Column("sector", f.choice(SECTORS), required=True),
        f.Column("gemeentecode", f.gemeentecode, required=True),
        f.Column("swv", f.text(20), default=""),
        f.Column("contactpersoon", f.text(150), default=""),
    )
    stage_columns = (
        ("brin", "TEXT"),
        ("vestiging", "TEXT"),
        ("name", "TEXT"),
        ("sector", "TEXT"),
        ("municipality_code", "TEXT"),
        ("swv", "TEXT"),
        ("contact_id", "INTEGER"),
    )
    key = ("brin", "vestiging")

    def prepare(self, ctx: ImportContext) -> None:
        self.users = dict(get_user_model().objects.values_list("username", "id"))

    def check_row(self, row: dict[str, Any], ctx: ImportContext) -> list[tuple[str, str]]:
        name = row["contactpersoon"]
        if name and name not in self.users:
            return [("contactpersoon", "onbekende gebruikersnaam")]
        return []

    def stage_row(self, row: dict[str, Any]) -> tuple[Any, ...]:
        contact = row["contactpersoon"]
        return (
            row["brin"],
            row["vestiging"],
            row["naam"],
            row["sector"],
            row["gemeentecode"],
            row["swv"],
            self.users[contact] if contact else None,
        )

    def apply(self, stage: Stage, ctx: ImportContext, result: ImportResult) -> None:
        rows = stage.fetchall(
            f"SELECT brin, vestiging, name, sector, municipality_code, swv, contact_id "
            f"FROM {STAGE} ORDER BY line"
        )
        swvs = {s.code: s for s in Samenwerkingsverband.objects.all()}
        existing = {(s.brin, s.vestiging): s for s in School.objects.all()}
        for brin, vestiging, name, sector, code, swv_code, contact_id in rows:
            swv = None
            if swv_code:
                swv = swvs.get(swv_code)
                if swv is None:
                    swv = swvs[swv_code] = Samenwerkingsverband.objects.create(code=swv_code)
            values = {
                "name": name,
                "sector": sector,
                "municipality_code": code,
                "swv_id": swv.pk if swv else None,
                "contact_id": contact_id,
                "placeholder": False,
            }
            school = existing.get((brin, vestiging))
            if school is None:
                School.objects.create(brin=brin, vestiging=vestiging, **values)
                result.created += 1
            elif any(getattr(school, k) != v for k, v in values.items()):
                for k, v in values.items():
                    setattr(school, k, v)
                school.save()
                result.updated += 1
            else:
                result.unchanged += 1
