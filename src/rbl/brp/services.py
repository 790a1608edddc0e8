"""Looking a youth up in the BRP and applying the answer (R-10).

A lookup is always for a purpose from a fixed list and always in the access
log: against the person, or — for a DUO absence report whose youth RBL does
not hold yet — without a person, naming the report. The answer is compared
with what RBL holds; applying it goes the way of a line of a BRP mutation file
(`brp-mutaties`, formats.md): an `I` line for a resident of the region, a `V`
line when the youth left the region, dated with the BRP's own date, so the
import log records the source ("BRP bevragen") and a later mutation file
dated before it is stale while one dated after it is applied. A youth living
outside the region is never created. It all happens in one transaction.
"""

from __future__ import annotations

import csv
import datetime as dt
import json
import tempfile
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from django.db import models, transaction
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.crypto import constant_time_compare, salted_hmac

from rbl.accounts.access import brp_persons
from rbl.audit.models import AccessLogEntry, Action
from rbl.audit.services import log_access
from rbl.brp.client import BrpPerson, enabled, lookup
from rbl.cases.models import VerzuimMelding
from rbl.organisation.models import Municipality
from rbl.registry.imports.base import run_import
from rbl.registry.imports.kinds.brp import PERSON_FIELDS
from rbl.registry.models import Person

#: The file name the import log shows for a change from the BRP API.
SOURCE = "BRP bevragen"


class Purpose(models.TextChoices):
    """Why an officer consults the BRP (fixed list; in the access log)."""

    VERZUIM = "verzuim", "Behandeling van een verzuimmelding of zaak"
    ADRES = "adres", "Controle van adres of verhuizing"
    CONTACT = "contact", "Contact met de jongere of de ouders/verzorgers"
    BRIEF = "brief", "Adressering van een brief (gezag)"
    KOPPELEN = "koppelen", "Koppelen van een verzuimmelding aan een jongere"


class BrpApplyError(Exception):
    """The answer cannot be applied; `str()` is the Dutch message."""


@dataclass(frozen=True)
class Row:
    """One line of the comparison: what RBL holds beside what the BRP says."""

    label: str
    rbl: str
    brp: str
    differs: bool
    note: str = ""


def _d(day: dt.date | None) -> str:
    return day.strftime("%d-%m-%Y") if day else ""


def _address(street: str, number: str, letter: str, suffix: str, postcode: str, city: str) -> str:
    line = " ".join(p for p in (street, f"{number}{letter}", suffix) if p)
    town = " ".join(p for p in (postcode, city) if p)
    return ", ".join(p for p in (line, town) if p)


def lookup_allowed(user: Any, person: Person) -> bool:
    """Whether the person page offers "Raadpleeg BRP" to `user`."""
    return enabled() and brp_persons(user).filter(pk=person.pk).exists()


def region_codes() -> frozenset[str]:
    return frozenset(
        Municipality.objects.filter(region__isnull=False).values_list("code", flat=True)
    )


def lives_in_region(answer: BrpPerson, codes: frozenset[str] | None = None) -> bool:
    """Whether the BRP registers the youth at an address in a municipality of the region."""
    codes = region_codes() if codes is None else codes
    return (
        answer.residence_kind in ("adres", "locatie")
        and not answer.abroad
        and answer.municipality_code in codes
    )


def _where(answer: BrpPerson) -> str:
    if answer.abroad:
        return "Buitenland"
    if answer.residence_kind == "onbekend":
        return "Onbekend (vertrokken onbekend waarheen)"
    name = (
        answer.municipality_name
        or Municipality.objects.filter(code=answer.municipality_code)
        .values_list("name", flat=True)
        .first()
    )
    return f"{name or 'gemeente'} ({answer.municipality_code})" if answer.municipality_code else ""


def compare(person: Person | None, answer: BrpPerson) -> list[Row]:
    """The comparison shown to the officer; `person` None for an unknown youth."""
    p = person
    rows: list[Row] = []

    def add(label: str, rbl: str, brp: str, note: str = "") -> None:
        rows.append(Row(label, rbl, brp, p is not None and rbl != brp, note))

    add("Geslachtsnaam", p.surname if p else "", answer.surname)
    add("Voorvoegsel", p.prefix if p else "", answer.prefix)
    add("Voornamen", p.given_names if p else "", answer.given_names)
    add("Geboortedatum", _d(p.birth_date) if p else "", _d(answer.birth_date))
    add("Geslacht", p.gender if p else "", answer.gender)
    here = ""
    if p is not None:
        here = f"{p.municipality.name} ({p.municipality_id})"
        if p.moved_out_on:
            here += f", vertrokken op {_d(p.moved_out_on)}"
    add("Woongemeente", here, _where(answer))
    add(
        "Adres",
        _address(
            p.street, p.house_number, p.house_letter, p.house_number_suffix, p.postcode, p.city
        )
        if p
        else "",
        _address(
            answer.street,
            answer.house_number,
            answer.house_letter,
            answer.house_number_suffix,
            answer.postcode,
            answer.city,
        ),
        note=f"sinds {_d(answer.address_since)}" if answer.address_since else "",
    )
    add("Datum vestiging in gemeente", _d(p.settled_on) if p else "", _d(answer.settled_on))
    add(
        "Geheimhouding",
        ("ja" if p.secret else "nee") if p else "",
        "ja" if answer.secret else "nee",
    )
    held = ", ".join(n for n in ((p.parent1_name, p.parent2_name) if p else ()) if n)
    if answer.authority_unknown:
        rows.append(
            Row(
                "Gezag (ouders/verzorgers)",
                held,
                answer.authority_unknown,
                False,
                "RBL houdt de bekende ouders/verzorgers aan; brieven gaan naar "
                "'de ouder(s)/verzorger(s) van' de jongere als er geen namen zijn.",
            )
        )
    elif answer.guardians:
        add("Gezag (ouders/verzorgers)", held, ", ".join(g.name for g in answer.guardians))
    add("Overleden op", _d(p.died_on) if p else "", _d(answer.died_on))
    return rows


def fingerprint(answer: BrpPerson, person: Person | None) -> str:
    """A keyed digest of the answer (and the version of RBL's record) the
    officer saw: applying checks that nothing changed in between."""
    data = asdict(answer)
    data.pop("raw", None)
    data["_version"] = person.updated_at.isoformat() if person is not None else ""
    text = json.dumps(data, sort_keys=True, default=str)
    return salted_hmac("rbl.brp.answer", text).hexdigest()


def same_fingerprint(a: str, b: str) -> bool:
    return bool(a) and constant_time_compare(a, b)


def consult(
    user: Any,
    bsn: str,
    purpose: str,
    *,
    person: Person | None = None,
    report_number: str = "",
    path: str = "",
) -> BrpPerson:
    """Ask the BRP about `bsn` for `purpose` and log it in the access log,
    against `person` or, while none exists, naming the DUO report. The lookup
    is logged also when the BRP fails to answer. Raises BrpError."""
    label = Purpose(purpose).label
    what = f"BRP bevragen: {label}"
    if person is None and report_number:
        what += f" (verzuimmelding {report_number})"
    log_access(
        user,
        Action.VIEW,
        persons=[person] if person is not None else [],
        purpose=what,
        path=path,
    )
    return lookup(bsn)


def report_lookups(bsn: str, since: dt.date | None = None) -> QuerySet[AccessLogEntry]:
    """The BRP lookups made against DUO reports with `bsn` while RBL held no
    youth for them (access-log entries without a person, naming the report),
    newest first: for the privacy officer's "who looked at this youth"."""
    numbers = list(VerzuimMelding.objects.filter(bsn=bsn).values_list("meldingsnummer", flat=True))
    if not numbers:
        return AccessLogEntry.objects.none()
    names = Q()
    for number in numbers:
        names |= Q(purpose__endswith=f"(verzuimmelding {number})")
    entries = AccessLogEntry.objects.filter(names, person_id__isnull=True)
    if since is not None:
        entries = entries.filter(at__date__gte=since)
    return entries.order_by("-at", "-pk")


def mutation_date(person: Person | None, answer: BrpPerson, today: dt.date) -> dt.date:
    """The BRP's own date for the change: the newest of the dates it gives for
    address, registration and death (today when it gives none), never before
    the last mutation RBL applied, so the line is not stale itself."""
    dates = [d for d in (answer.address_since, answer.settled_on, answer.died_on) if d]
    day = max(dates) if dates else today
    if person is not None and person.last_mutation_on and day < person.last_mutation_on:
        day = person.last_mutation_on
    return day


def _i_line(person: Person | None, answer: BrpPerson) -> dict[str, Any]:
    parents = [(g.bsn, g.name) for g in answer.guardians]
    if not parents and person is not None:  # no names from the BRP: keep RBL's
        parents = [
            (person.parent1_bsn, person.parent1_name),
            (person.parent2_bsn, person.parent2_name),
        ]
    parents = (parents + [("", ""), ("", "")])[:2]
    return {
        "mutatie": "I",
        "geslachtsnaam": answer.surname,
        "voorvoegsel": answer.prefix,
        "voornamen": answer.given_names,
        "geboortedatum": answer.birth_date or (person.birth_date if person else None),
        "geslacht": answer.gender,
        "gemeentecode": answer.municipality_code,
        "straat": answer.street,
        "huisnummer": answer.house_number,
        "huisletter": answer.house_letter,
        "huisnummertoevoeging": answer.house_number_suffix,
        "postcode": answer.postcode,
        "woonplaats": answer.city,
        "datum_vestiging": answer.settled_on,
        "datum_overlijden": answer.died_on,
        "geheim": "J" if answer.secret else "N",
        "ouder1_bsn": parents[0][0],
        "ouder1_naam": parents[0][1],
        "ouder2_bsn": parents[1][0],
        "ouder2_naam": parents[1][1],
    }


@dataclass(frozen=True)
class Applied:
    person: Person
    created: bool
    moved_out: bool
    changed: bool
    on: dt.date


def apply_answer(
    user: Any,
    answer: BrpPerson,
    *,
    person: Person | None,
    version: str = "",
    path: str = "",
    report_number: str = "",
) -> Applied:
    """Apply the BRP's answer as a mutation dated with the BRP's own date.

    `person` None: the youth is created, but only when the BRP registers them in
    a municipality of the region (else BrpApplyError). A youth who left the
    region is marked moved out. `version` is the record's `updated_at` the
    officer saw: when it changed since, nothing is applied (BrpApplyError).
    `report_number`: the DUO report the youth was looked up for; the access
    log's entry for the new youth names it, so the privacy officer finds the
    lookups made against that report before the youth existed.
    All or nothing: a refused line changes nothing."""
    today = timezone.localdate()
    codes = region_codes()
    inside = lives_in_region(answer, codes)
    with transaction.atomic():
        if person is not None:
            person = Person.objects.select_for_update().get(pk=person.pk)
            if version and person.updated_at.isoformat() != version:
                raise BrpApplyError(
                    "De gegevens van deze jongere zijn intussen gewijzigd. "
                    "Raadpleeg de BRP opnieuw en bekijk de verschillen nog eens."
                )
        elif Person.objects.filter(bsn=answer.bsn).exists():
            raise BrpApplyError(
                "Deze jongere staat intussen in de registratie. Open het dossier en "
                "raadpleeg de BRP daar."
            )
        if person is None and not inside:
            raise BrpApplyError(
                "Volgens de BRP woont deze jongere niet in een gemeente van de regio. "
                "RBL neemt de jongere daarom niet op; de melding blijft wachten."
            )
        on = mutation_date(person, answer, today)
        lines: list[dict[str, Any]] = []
        if inside:
            lines.append(_i_line(person, answer))
        else:
            assert person is not None
            if person.moved_out_on is None:
                lines.append({"mutatie": "V", "gemeentecode": person.municipality_id})
            if answer.died_on and person.died_on != answer.died_on:
                lines.append({"mutatie": "O", "datum_overlijden": answer.died_on})
        if not lines:
            return Applied(person, False, False, False, on)
        result = _run_lines(user, answer.bsn, on, lines)
        if result.rejected:
            reasons = "; ".join(f"{e.column}: {e.reason}" for e in result.errors[:5])
            raise BrpApplyError(
                f"RBL kan het antwoord van de BRP niet verwerken ({reasons}). "
                "Er is niets gewijzigd."
            )
        if result.stale:
            raise BrpApplyError(
                "RBL heeft al een nieuwere mutatie van deze jongere verwerkt. Er is niets gewijzigd."
            )
        stored = Person.objects.get(bsn=answer.bsn)
        created = person is None
        changed = bool(result.created or result.updated)
        log_access(
            user,
            Action.CREATE if created else Action.CHANGE,
            persons=[stored],
            purpose=f"{SOURCE}: mutatie van {_d(on)} verwerkt"
            + (f" (verzuimmelding {report_number})" if report_number else ""),
            path=path,
        )
        return Applied(stored, created, not inside, changed, on)


def _run_lines(user: Any, bsn: str, on: dt.date, lines: list[dict[str, Any]]) -> Any:
    """Run `lines` through the brp-mutaties import (one file, in the caller's
    transaction); the import log names the source."""
    columns = [name for name, _, _ in PERSON_FIELDS] + ["mutatie", "mutatiedatum"]
    with tempfile.TemporaryDirectory(prefix="rbl-brp-") as folder:
        path = Path(folder) / "brp-bevragen.csv"
        with path.open("w", newline="", encoding="utf-8") as out:
            writer = csv.DictWriter(out, fieldnames=columns, delimiter=";")
            writer.writeheader()
            for line in lines:
                row = {c: "" for c in columns}
                row.update({k: _cell(v) for k, v in line.items()})
                row.update(bsn=bsn, mutatiedatum=on.isoformat())
                writer.writerow(row)
        return run_import("brp-mutaties", path, user=user, file_name=SOURCE)


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)
