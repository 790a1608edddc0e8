"""The weekly data-quality run (R-35): record the items of the day, and mail
each user who answers for items their counts, with the links where they are
fixed; an item open `escalation_days` or longer goes to the coordinators too.

Who gets what (`rbl.reporting.quality` has the definitions):

- the owner of a case: its te_lang_open and zonder_route items, linked to
  "Mijn werk" filtered on the item;
- the central administration of a municipality in the regional administration
  (block 1; its coordinators when it has none or the municipality is outside
  block 1): the cases without an (active) owner and the signals without a control
  letter of that municipality; the administration of the region (its
  coordinators when there is none): the unlinked reports, the imports and the
  unknown schools;
- the coordinators of the item's municipality (of the region for an item of
  no municipality): every item open `escalation_days` or longer, under its own
  heading.

A mail holds counts, municipality names and links only: no BSN, no name of a
youth or of a colleague. Mail goes through Django's mail backend
(`RBL_EMAIL_BACKEND`: console by default, SMTP in production). A user without
an e-mail address is skipped and reported. Each user gets at most one mail a
week (`QualityMail`): a second run in the same week records the items again
but sends nothing twice.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.db import IntegrityError, transaction
from django.utils import timezone

from rbl.accounts.models import Role, RoleAssignment, User
from rbl.law.dates import dutch_date
from rbl.organisation.models import Municipality
from rbl.organisation.participation import administration_municipalities
from rbl.reporting.models import CASE_KINDS, QualityItem, QualityKind, QualityMail
from rbl.reporting.quality import (
    Detected,
    Terms,
    case_list_url,
    detect,
    fix_url,
    load_terms,
    report_mode,
)

logger = logging.getLogger(__name__)

#: The items the owner of a case answers for.
OWNER_KINDS = (QualityKind.TE_LANG_OPEN, QualityKind.ZONDER_ROUTE)


@dataclass(frozen=True)
class OpenItem:
    """An item of this week with the day it was first seen."""

    kind: str
    key: str
    municipality_id: str | None
    owner_id: int | None
    first_seen: dt.date


@dataclass
class Plan:
    """What one user's mail of this week holds: counts per (kind, municipality)."""

    user: User
    own: dict[tuple[str, str | None], int] = field(default_factory=lambda: defaultdict(int))
    escalated: dict[tuple[str, str | None], int] = field(default_factory=lambda: defaultdict(int))

    @property
    def items(self) -> int:
        return sum(self.own.values())

    @property
    def escalated_items(self) -> int:
        return sum(self.escalated.values())


@dataclass
class WeeklyResult:
    today: dt.date
    week: dt.date
    sent_mail: bool
    open_items: int = 0
    new: int = 0
    resolved: int = 0
    plans: list[Plan] = field(default_factory=list)
    sent: list[Plan] = field(default_factory=list)
    already_sent: list[Plan] = field(default_factory=list)
    no_email: list[Plan] = field(default_factory=list)
    failed: list[Plan] = field(default_factory=list)

    def summary(self) -> dict[str, Any]:
        """Counts and usernames only (for --json and the task's result)."""
        return {
            "peildatum": self.today.isoformat(),
            "verstuurd": self.sent_mail,
            "punten": self.open_items,
            "nieuw": self.new,
            "opgelost": self.resolved,
            "mails": len(self.sent) if self.sent_mail else len(self.plans),
            "al_verstuurd": [p.user.username for p in self.already_sent],
            "zonder_email": [p.user.username for p in self.no_email],
            "mislukt": [p.user.username for p in self.failed],
        }


def week_of(day: dt.date) -> dt.date:
    """The Monday of `day`'s week."""
    return day - dt.timedelta(days=day.weekday())


# --- the items of the week --------------------------------------------------------------


def _sync(found: list[Detected], today: dt.date) -> tuple[list[OpenItem], int, int]:
    """Insert new items, keep `first_seen` of items still there, resolve the
    ones that are gone. Returns the open items, how many new and resolved."""
    with transaction.atomic():
        existing = {
            (item.kind, item.key): item
            for item in QualityItem.objects.select_for_update().filter(resolved_on__isnull=True)
        }
        seen: set[tuple[str, str]] = set()
        new: list[QualityItem] = []
        kept: list[QualityItem] = []
        for d in found:
            if (d.kind, d.key) in seen:
                continue
            seen.add((d.kind, d.key))
            item = existing.get((d.kind, d.key))
            if item is None:
                new.append(
                    QualityItem(
                        kind=d.kind,
                        key=d.key,
                        municipality_id=d.municipality_id,
                        owner_id=d.owner_id,
                        first_seen=today,
                        last_seen=today,
                    )
                )
            else:
                item.municipality_id = d.municipality_id
                item.owner_id = d.owner_id
                item.first_seen = min(item.first_seen, today)
                item.last_seen = max(item.last_seen, today)
                kept.append(item)
        gone = [item for key, item in existing.items() if key not in seen]
        for item in gone:
            item.resolved_on = today
        QualityItem.objects.bulk_create(new, batch_size=500)
        QualityItem.objects.bulk_update(
            kept, ["municipality", "owner", "first_seen", "last_seen"], batch_size=500
        )
        QualityItem.objects.bulk_update(gone, ["resolved_on"], batch_size=500)
    items = [
        OpenItem(i.kind, i.key, i.municipality_id, i.owner_id, i.first_seen) for i in (*new, *kept)
    ]
    return items, len(new), len(gone)


def _preview(found: list[Detected], today: dt.date) -> tuple[list[OpenItem], int, int]:
    """What `_sync` would record, without changing anything."""
    first = dict(
        ((kind, key), day)
        for kind, key, day in QualityItem.objects.filter(resolved_on__isnull=True).values_list(
            "kind", "key", "first_seen"
        )
    )
    items: dict[tuple[str, str], OpenItem] = {}
    for d in found:
        day = min(first.get((d.kind, d.key), today), today)
        items[(d.kind, d.key)] = OpenItem(d.kind, d.key, d.municipality_id, d.owner_id, day)
    new = sum(1 for key in items if key not in first)
    resolved = sum(1 for key in first if key not in items)
    return list(items.values()), new, resolved


# --- who gets what ---------------------------------------------------------------------


class _People:
    """The active administration and coordinators per municipality (one query).
    The central administration answers only for municipalities in the regional
    administration (block 1) on the day (R-02); for the others the
    municipality's coordinators do."""

    def __init__(self, today: dt.date) -> None:
        self.administered = administration_municipalities(today)
        self.admins: dict[str, list[int]] = defaultdict(list)
        self.coordinators: dict[str, list[int]] = defaultdict(list)
        rows = RoleAssignment.objects.filter(
            role__in=[Role.ADMINISTRATIE, Role.COORDINATOR], user__is_active=True
        ).values_list("role", "municipality_id", "user_id")
        for role, code, user_id in rows.order_by("user_id"):
            target = self.admins if role == Role.ADMINISTRATIE else self.coordinators
            if user_id not in target[code]:
                target[code].append(user_id)

    @staticmethod
    def _everyone(per_code: dict[str, list[int]]) -> list[int]:
        return sorted({u for users in per_code.values() for u in users})

    def fixers(self, code: str | None) -> list[int]:
        if code is None:
            return self._everyone(self.admins) or self._everyone(self.coordinators)
        admins = self.admins.get(code) if code in self.administered else None
        return admins or self.coordinators.get(code) or []

    def escalation(self, code: str | None) -> list[int]:
        if code is None:
            return self._everyone(self.coordinators)
        return self.coordinators.get(code) or self._everyone(self.coordinators)


def _plans(items: list[OpenItem], today: dt.date, terms: Terms) -> list[Plan]:
    people = _People(today)
    regions = dict(Municipality.objects.values_list("code", "region_id"))
    plans: dict[int, Plan] = {}
    users = {
        u.pk: u
        for u in User.objects.filter(is_active=True).filter(
            pk__in={i.owner_id for i in items if i.owner_id}
            | {u for us in people.admins.values() for u in us}
            | {u for us in people.coordinators.values() for u in us}
        )
    }

    def plan(user_id: int) -> Plan | None:
        user = users.get(user_id)
        if user is None:
            return None
        if user_id not in plans:
            plans[user_id] = Plan(user)
        return plans[user_id]

    for item in items:
        if item.kind in OWNER_KINDS:
            # Cases without an active owner reach the administration as zonder_eigenaar.
            targets = [(item.owner_id, (item.kind, None))] if item.owner_id else []
        else:
            code = item.municipality_id
            targets = [(u, (item.kind, code)) for u in people.fixers(code)]
        for user_id, key in targets:
            p = plan(user_id)
            if p is not None:
                p.own[key] += 1
        term = terms.of(regions.get(item.municipality_id)).escalation_days
        if (today - item.first_seen).days >= term:
            for user_id in people.escalation(item.municipality_id):
                p = plan(user_id)
                if p is not None:
                    p.escalated[(item.kind, item.municipality_id)] += 1
    return sorted(plans.values(), key=lambda p: p.user.username)


# --- the mail ----------------------------------------------------------------------------


def base_url() -> str:
    return getattr(settings, "RBL_BASE_URL", "http://127.0.0.1:8000").rstrip("/")


def _link(kind: str, code: str | None, *, own: bool) -> str:
    if kind in CASE_KINDS:
        if own and kind in OWNER_KINDS:
            return case_list_url(kind, mine=True)
        return case_list_url(kind, gemeente=code)
    return fix_url(kind)


_KIND_ORDER = {k: i for i, k in enumerate(QualityKind.values)}


def _lines(
    counts: dict[tuple[str, str | None], int], names: dict[str, str], *, own: bool
) -> list[str]:
    lines = []
    for (kind, code), n in sorted(
        counts.items(), key=lambda kv: (_KIND_ORDER[kv[0][0]], names.get(kv[0][1] or "", ""))
    ):
        where = f"{names.get(code, code)} — " if code else ""
        lines.append(f"- {where}{QualityKind(kind).label}: {n}")
        lines.append(f"  {base_url()}{_link(kind, code, own=own)}")
    return lines


def compose(plan: Plan, today: dt.date, terms: Terms) -> tuple[str, str]:
    """Subject and body of one user's mail: counts and links only."""
    names = dict(Municipality.objects.values_list("code", "name"))
    week = today.isocalendar().week
    parts = []
    if plan.items:
        parts.append(f"{plan.items} punt{'en' if plan.items != 1 else ''} voor u")
    if plan.escalated_items:
        parts.append(f"{plan.escalated_items} geëscaleerd")
    subject = f"RBL datakwaliteit week {week}: {', '.join(parts)}"
    body = [
        "Beste collega,",
        "",
        f"Dit is het wekelijkse overzicht datakwaliteit van RBL op {dutch_date(today)}.",
        "Dit bericht bevat alleen aantallen en links. Om welke zaken en jongeren het",
        "gaat, ziet u na het inloggen in RBL zelf.",
        "",
    ]
    if plan.own:
        body += ["Punten voor u om op te lossen:", *_lines(plan.own, names, own=True), ""]
    if plan.escalated:
        days = sorted({row.escalation_days for row in terms.by_region.values()})
        term = f"{days[0]} dagen" if len(days) == 1 else "de termijn van de regio"
        body += [
            f"Geëscaleerd: punten die {term} of langer openstaan (u bent coördinator).",
            "Een link toont alle punten van die soort, ook de nieuwere:",
            *_lines(plan.escalated, names, own=False),
            "",
        ]
    if report_mode(plan.user) is not None:
        body += [f"Het hele overzicht: {base_url()}/cijfers/kwaliteit/", ""]
    body += ["Dit bericht is automatisch verstuurd door RBL."]
    return subject, "\n".join(body) + "\n"


# --- the run -------------------------------------------------------------------------------


def weekly_run(today: dt.date | None = None, *, send: bool = False) -> WeeklyResult:
    """Find the items of `today`; with `send`, record them and mail each user
    (once a week); without, only say what would be sent (nothing changes)."""
    today = today or timezone.localdate()
    terms = load_terms()
    found = detect(today, terms)
    items, new, resolved = _sync(found, today) if send else _preview(found, today)
    result = WeeklyResult(today, week_of(today), send, len(items), new, resolved)
    result.plans = _plans(items, today, terms)
    if not send:
        return result
    connection = get_connection()
    for plan in result.plans:
        if not plan.user.email:
            result.no_email.append(plan)
            continue
        if QualityMail.objects.filter(user=plan.user, week=result.week).exists():
            result.already_sent.append(plan)
            continue
        subject, body = compose(plan, today, terms)
        message = EmailMessage(subject, body, to=[plan.user.email], connection=connection)
        try:
            message.send()
        except Exception:  # an SMTP or network error: the others still get theirs
            logger.exception("quality mail to user %s not sent", plan.user.pk)
            result.failed.append(plan)
            continue
        try:
            with transaction.atomic():
                QualityMail.objects.create(
                    user=plan.user,
                    week=result.week,
                    sent_at=timezone.now(),
                    items=plan.items,
                    escalated=plan.escalated_items,
                )
        except IntegrityError:  # a run beside this one mailed the same user
            pass
        result.sent.append(plan)
    logger.info(
        "quality run %s: %d items (%d new, %d resolved), %d mails, %d without e-mail",
        today.isoformat(),
        result.open_items,
        new,
        resolved,
        len(result.sent),
        len(result.no_email),
    )
    return result
