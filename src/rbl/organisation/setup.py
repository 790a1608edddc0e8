"""Set-up of the region on screen (/inrichting/): the region's terms and
addresses, the agreement, and the building blocks per municipality.

Every change locks the rows it reads (select_for_update) and refuses a form
that was opened on values someone else has changed since (`fingerprint`), so no
update is lost. Past participation periods are history: a closed period
(ended before today) is never changed, and an open one is only closed with an
end date from today on, so figures and settlements of closed periods stay
reproducible. Who may do what is decided in `rbl.accounts.access`.
"""

from __future__ import annotations

import calendar
import datetime as dt
import hashlib
import json
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.db.models import Model

from rbl.organisation.models import BuildingBlock, Municipality, Participation, Region

REGION_TERM_FIELDS = (
    "control_term_days",
    "office_phone",
    "office_email",
    "halt_address",
    "om_address",
)
CASE_TERM_FIELDS = (
    "leave_decision_weeks",
    "leave_school_max_days",
    "exemption_reminder_months",
    "thuiszitter_weeks",
    "thuiszitter_priority_months",
    "follow_up_days",
    "warning_term_weeks",
)
#: The chain partners' settings (rbl.chain.ChainSettings) on the same screen.
CHAIN_TERM_FIELDS = ("svb_term_weeks", "svb_triggers", "svb_address")
AGREEMENT_FIELDS = ("agreement_kind", "agreement_start", "agreement_years", "notice_months")


class SetupError(Exception):
    """A change refused, with the Dutch reason (and the form field, if any)."""

    def __init__(self, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field


def the_region() -> Region | None:
    """RBL works with one region per database."""
    return Region.objects.order_by("pk").first()


def fingerprint(obj: Model | None, fields: Iterable[str]) -> str:
    """A short hash of `fields` of `obj`: a form carries it from the moment it
    was opened, and a save is refused when the stored values changed since."""
    values = {f: (None if obj is None else getattr(obj, f)) for f in fields}
    text = json.dumps(values, sort_keys=True, default=str)
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def _changed_labels(obj: Model, fields: Iterable[str], new: dict[str, Any]) -> list[str]:
    return [
        str(obj._meta.get_field(f).verbose_name) for f in fields if getattr(obj, f) != new.get(f)
    ]


STALE = (
    "Iemand anders heeft deze gegevens gewijzigd nadat u het formulier opende; er is niets "
    "opgeslagen. Bekijk de nieuwe waarden en wijzig opnieuw."
)


# --- terms and addresses -------------------------------------------------------


def terms_fingerprint(region: Region) -> str:
    from rbl.cases.models import CaseSettings
    from rbl.chain.models import ChainSettings

    settings = CaseSettings.objects.filter(region=region).first()
    chain = ChainSettings.objects.filter(region=region).first()
    return (
        fingerprint(region, REGION_TERM_FIELDS)
        + fingerprint(settings, CASE_TERM_FIELDS)
        + fingerprint(chain, CHAIN_TERM_FIELDS)
    )


@transaction.atomic
def save_terms(region: Region, data: dict[str, Any], *, seen: str) -> list[str]:
    """Store the region's terms and addresses and its case-work terms; returns
    the labels of what changed. `seen`: the `terms_fingerprint` the form was
    opened on."""
    from rbl.cases.models import CaseSettings
    from rbl.chain.models import ChainSettings

    region = Region.objects.select_for_update().get(pk=region.pk)
    settings = CaseSettings.objects.select_for_update().filter(region=region).first()
    chain = ChainSettings.objects.select_for_update().filter(region=region).first()
    if (
        fingerprint(region, REGION_TERM_FIELDS)
        + fingerprint(settings, CASE_TERM_FIELDS)
        + fingerprint(chain, CHAIN_TERM_FIELDS)
        != seen
    ):
        raise SetupError(STALE)
    chain = chain or ChainSettings(region=region)
    if settings is None:
        settings = CaseSettings(region=region)
        settings_before = CaseSettings(region=region)
    else:
        settings_before = CaseSettings.objects.get(pk=settings.pk)
    changed = _changed_labels(region, REGION_TERM_FIELDS, data)
    changed += _changed_labels(settings_before, CASE_TERM_FIELDS, data)
    chain_data = {f: data[f] for f in CHAIN_TERM_FIELDS if f in data}
    changed += _changed_labels(chain, chain_data.keys(), chain_data)
    for f in REGION_TERM_FIELDS:
        setattr(region, f, data[f])
    region.save(update_fields=list(REGION_TERM_FIELDS))
    for f in CASE_TERM_FIELDS:
        setattr(settings, f, data[f])
    settings.save()
    for f, value in chain_data.items():
        setattr(chain, f, value)
    chain.save()
    return changed


# --- the agreement -------------------------------------------------------------


def add_months(day: dt.date, months: int) -> dt.date:
    """`day` moved by `months` (negative: back); the 31st becomes the month's last day."""
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    month += 1
    return dt.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


@dataclass(frozen=True)
class AgreementDates:
    end: dt.date | None  # the last day the agreement runs
    notice_by: dt.date | None  # the last day to give notice before that end


def agreement_dates(region: Region) -> AgreementDates:
    """The agreement's end (start + duration − 1 day) and the last day to give
    notice (the end minus the notice period)."""
    if region.agreement_start is None or not region.agreement_years:
        return AgreementDates(None, None)
    end = add_months(region.agreement_start, 12 * region.agreement_years) - dt.timedelta(days=1)
    notice_by = None
    if region.notice_months is not None:
        notice_by = add_months(end, -region.notice_months)
    return AgreementDates(end, notice_by)


@transaction.atomic
def save_agreement(region: Region, data: dict[str, Any], *, seen: str) -> list[str]:
    region = Region.objects.select_for_update().get(pk=region.pk)
    if fingerprint(region, AGREEMENT_FIELDS) != seen:
        raise SetupError(STALE)
    changed = _changed_labels(region, AGREEMENT_FIELDS, data)
    for f in AGREEMENT_FIELDS:
        setattr(region, f, data[f])
    region.save(update_fields=list(AGREEMENT_FIELDS))
    return changed


# --- building blocks -------------------------------------------------------------


def _period(start: dt.date, end: dt.date | None) -> str:
    return f"vanaf {start:%d-%m-%Y}" + (f" tot en met {end:%d-%m-%Y}" if end else "")


def block_label(block: int) -> str:
    return f"bouwsteen {block} ({BuildingBlock(block).label})"


@transaction.atomic
def add_participation(
    municipality: Municipality, block: int, start: dt.date, end: dt.date | None, *, today: dt.date
) -> Participation:
    """A municipality takes part in `block` from `start` (today or later)."""
    municipality = Municipality.objects.select_for_update().get(pk=municipality.pk)
    if block not in BuildingBlock.values:
        raise SetupError("Kies een bouwsteen.", "block")
    if start < today:
        raise SetupError(
            "Een deelname begint vandaag of later: het verleden blijft zoals het was "
            "(cijfers en afrekeningen van afgesloten perioden veranderen niet).",
            "start",
        )
    if end is not None and end < start:
        raise SetupError("De einddatum ligt vóór de begindatum.", "end")
    for other in municipality.participations.filter(block=block):
        if other.start <= (end or dt.date.max) and start <= (other.end or dt.date.max):
            raise SetupError(
                f"{municipality.name} neemt in die periode al deel aan {block_label(block)}: "
                f"{_period(other.start, other.end)}.",
                "start",
            )
    return Participation.objects.create(
        municipality=municipality, block=block, start=start, end=end
    )


@transaction.atomic
def end_participation(participation: Participation, end: dt.date, *, today: dt.date) -> None:
    """Close a participation that is still running (or set a later end) with
    `end`, the last day it counts (today or later)."""
    participation = Participation.objects.select_for_update().get(pk=participation.pk)
    if participation.end is not None and participation.end < today:
        raise SetupError(
            "Deze deelname is al afgesloten; een afgesloten periode wordt niet meer gewijzigd.",
            "end",
        )
    if end < today:
        raise SetupError(
            "De einddatum ligt in het verleden; een deelname eindigt vandaag of later.", "end"
        )
    if end < participation.start:
        raise SetupError("De einddatum ligt vóór de begindatum van de deelname.", "end")
    later = (
        participation.municipality.participations.filter(
            block=participation.block, start__gt=participation.start, start__lte=end
        )
        .exclude(pk=participation.pk)
        .first()
    )
    if later is not None:
        raise SetupError(
            f"Die einddatum overlapt met de volgende deelname ({_period(later.start, later.end)}).",
            "end",
        )
    participation.end = end
    participation.save(update_fields=["end"])


@transaction.atomic
def remove_future_participation(participation: Participation, *, today: dt.date) -> None:
    """Remove a participation that has not started yet (a mistake in a planned
    period); one that has started is history and only gets an end date."""
    participation = Participation.objects.select_for_update().get(pk=participation.pk)
    if participation.start <= today:
        raise SetupError(
            "Deze deelname is al begonnen en wordt niet verwijderd; geef een einddatum.", "end"
        )
    participation.delete()
