"""The case history in plain Dutch: one sentence per CaseEvent, as the case
page and the youth's timeline show it ("Route gekozen: Halt", "Eigenaar
gewijzigd: van A naar B", "Taak toegevoegd: Verzuimstaat opvragen, uiterlijk
13-03-2026").

An event records what changed in its `data`; a value that is missing (an
event written before that key existed, a deleted user) is left out of the
sentence rather than shown as "niemand" or an empty value. The names of
officers and municipalities come in one query each for all events.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Sequence
from typing import Any

from rbl.cases.models import (
    ActivityKind,
    CaseEvent,
    CaseStatus,
    ClosingReason,
    EventKind,
    HandhavingKind,
    HandhavingOutcome,
    LeaveArticle,
    LeaveDecision,
    MasRoute,
    MeldingSoort,
    TaskKind,
)

# The process steps of a Halt/PV (rbl.cases.services.handhaving.PROCESS_DATES).
_HANDHAVING_STEPS = {
    "documents_prepared_on": "stukken voorbereid",
    "signed_on": "ondertekend",
    "sent_on": "verzonden",
    "accepted_on": "aangenomen door Halt",
    "hearing_on": "zitting",
}


class _Names:
    """Officers and municipalities named in the events, looked up once."""

    def __init__(self, events: Sequence[CaseEvent]) -> None:
        from rbl.accounts.models import User
        from rbl.organisation.models import Municipality

        user_ids: set[int] = set()
        codes: set[str] = set()
        for e in events:
            data = _data(e)
            for key in ("van", "naar", "eigenaar", "boa", "voor"):
                if isinstance(data.get(key), int) and not isinstance(data.get(key), bool):
                    user_ids.add(data[key])
            for key in ("van_gemeente", "naar_gemeente", "gemeente"):
                if isinstance(data.get(key), str):
                    codes.add(data[key])
        self.users = (
            {u.pk: u.get_full_name() or u.username for u in User.objects.filter(pk__in=user_ids)}
            if user_ids
            else {}
        )
        self.municipalities = (
            dict(Municipality.objects.filter(code__in=codes).values_list("code", "name"))
            if codes
            else {}
        )

    def user(self, value: Any) -> str:
        return self.users.get(value, "") if isinstance(value, int) else ""

    def municipality(self, value: Any) -> str:
        return self.municipalities.get(value, "") if isinstance(value, str) else ""


def _data(event: CaseEvent) -> dict[str, Any]:
    return event.data if isinstance(event.data, dict) else {}


def _label(choices: Any, value: Any) -> str:
    """The Dutch label of a choice value; "" when absent or unknown."""
    if value in (None, ""):
        return ""
    try:
        return str(choices(value).label)
    except ValueError:
        return ""


def _date(value: Any) -> str:
    if not value:
        return ""
    try:
        return dt.date.fromisoformat(str(value)).strftime("%d-%m-%Y")
    except ValueError:
        return ""


def _join(head: str, *parts: str, sep: str = ", ") -> str:
    """`head: part, part` with the empty parts left out; `head` alone without parts."""
    shown = [p for p in parts if p]
    return f"{head}: {sep.join(shown)}" if shown else head


def _change(head: str, before: str, after: str) -> str:
    if before and after:
        return f"{head}: van {before} naar {after}"
    if after:
        return f"{head}: {after}"
    return head


def _created(d: dict[str, Any], n: _Names) -> str:
    owner = n.user(d.get("eigenaar"))
    if owner:
        return f"Zaak aangemaakt en toegewezen aan {owner}"
    if "eigenaar" in d and d.get("eigenaar") is None:
        return "Zaak aangemaakt, nog niet toegewezen"
    return "Zaak aangemaakt"


def _status(d: dict[str, Any], n: _Names) -> str:
    return _change(
        "Status gewijzigd", _label(CaseStatus, d.get("van")), _label(CaseStatus, d.get("naar"))
    )


def _reopened(d: dict[str, Any], n: _Names) -> str:
    status = _label(CaseStatus, d.get("naar"))
    return f"Zaak heropend (status: {status.lower()})" if status else "Zaak heropend"


def _closed(d: dict[str, Any], n: _Names) -> str:
    text = _join("Zaak afgesloten", _label(ClosingReason, d.get("reden")))
    if d.get("overgedragen_aan"):
        text = f"{text}; overgedragen aan {d['overgedragen_aan']}"
    return text


def _owner_change(d: dict[str, Any], n: _Names, *, handover: bool) -> str:
    before, after = n.user(d.get("van")), n.user(d.get("naar"))
    head = "Overgedragen" if handover else "Eigenaar gewijzigd"
    if before and after:
        return f"{head}: van {before} naar {after}"
    if after:
        return f"Overgedragen aan {after}" if handover else f"Toegewezen aan {after}"
    if before and "naar" in d and d.get("naar") is None:
        return f"{head}: {before} is geen eigenaar meer; nog niet opnieuw toegewezen"
    return head


def _assigned(d: dict[str, Any], n: _Names) -> str:
    text = _owner_change(d, n, handover=False)
    # A move of many cases at once on the reassignment screen (reassign_cases).
    return f"{text} (overgedragen door herverdeling)" if d.get("bulk") else text


def _handover(d: dict[str, Any], n: _Names) -> str:
    return _owner_change(d, n, handover=True)


def _municipality(d: dict[str, Any], n: _Names) -> str:
    before, after = n.municipality(d.get("van_gemeente")), n.municipality(d.get("naar_gemeente"))
    if before and after:
        text = f"Overgedragen van gemeente {before} aan gemeente {after}"
    elif after:
        text = f"Overgedragen aan gemeente {after}"
    else:
        text = "Overgedragen aan een andere gemeente"
    owner = n.user(d.get("naar"))
    if owner:
        return f"{text}; eigenaar nu {owner}"
    if "naar" in d and d.get("naar") is None:
        return f"{text}; nog niet toegewezen"
    return text


def _rmc(d: dict[str, Any], n: _Names) -> str:
    if d.get("naar_zaak"):
        return "Overgedragen aan RMC: verder als RMC-zaak"
    return "Overgedragen aan RMC"


def _route(d: dict[str, Any], n: _Names) -> str:
    before, after = _label(MasRoute, d.get("van")), _label(MasRoute, d.get("naar"))
    if before and after and before != after:
        return f"Route gewijzigd: van {before} naar {after}"
    return _join("Route gekozen", after)


def _parents(d: dict[str, Any], n: _Names) -> str:
    choice = d.get("ouders_mogen_horen")
    day = _date(d.get("datum"))
    when = f" (keuze van {day})" if day else ""
    if choice is True:
        return f"Keuze jongere vastgelegd: ouders mogen de redenen horen{when}"
    if choice is False:
        return f"Keuze jongere vastgelegd: ouders horen de redenen niet{when}"
    return "Keuze ouders informeren vastgelegd"


def _jco(d: dict[str, Any], n: _Names) -> str:
    kind = _label(HandhavingKind, d.get("soort")) or "Halt/PV"
    day = _date(d.get("overleg"))
    head = f"{kind} besproken in het JCO van {day}" if day else f"{kind} besproken in het JCO"
    return _join(head, f"afgesproken: {d['actie']}" if d.get("actie") else "", sep="; ")


def _melding(d: dict[str, Any], n: _Names) -> str:
    if d.get("vsv_uitschrijvingsdatum"):
        left = _date(d.get("vsv_uitschrijvingsdatum"))
        return _join("Op de VSV-lijst van DUO", f"uitgeschreven op {left}" if left else "")
    number = d.get("meldingsnummer")
    return _join(
        "Verzuimmelding toegevoegd",
        _label(MeldingSoort, d.get("soort")),
        f"meldingsnummer {number}" if number else "",
    )


def _activity(d: dict[str, Any], n: _Names) -> str:
    day = _date(d.get("datum"))
    return _join(
        "Activiteit vastgelegd",
        _label(ActivityKind, d.get("soort")),
        f"op {day}" if day else "",
        sep=" ",
    )


def _handhaving(d: dict[str, Any], n: _Names) -> str:
    if d.get("uitkomst"):
        day = _date(d.get("op"))
        outcome = _label(HandhavingOutcome, d.get("uitkomst"))
        return _join("Uitkomst Halt/PV", f"{outcome} op {day}" if day else outcome)
    if d.get("stuk"):
        return _join("Halt/PV", str(d.get("stuk")))
    if d.get("soort"):
        kind = _label(HandhavingKind, d.get("soort"))
        boa = n.user(d.get("boa"))
        text = f"{kind} gestart" if kind else "Halt/PV gestart"
        return f"{text}; BOA: {boa}" if boa else text
    steps = []
    for key, label in _HANDHAVING_STEPS.items():
        if key in d:
            day = _date(d.get(key))
            steps.append(f"{label} op {day}" if day else f"datum {label} gewist")
    return _join("Halt/PV bijgewerkt", *steps)


def _exemption(d: dict[str, Any], n: _Names) -> str:
    if d.get("ingetrokken_per"):
        return _join(
            "Vrijstelling ingetrokken",
            _label_ground(d.get("grond")),
            f"per {_date(d.get('ingetrokken_per'))}",
        )
    start, end = _date(d.get("ingang")), _date(d.get("einde"))
    period = ""
    if start and end:
        period = f"van {start} tot en met {end}"
    elif start:
        period = f"vanaf {start}, zonder einddatum"
    return _join("Vrijstelling vastgelegd", _label_ground(d.get("grond")), period)


def _label_ground(value: Any) -> str:
    from rbl.registry.models import ExemptionGround

    return _label(ExemptionGround, value)


def _leave(d: dict[str, Any], n: _Names) -> str:
    if d.get("besluit"):
        return _join("Besluit op verlofaanvraag", _label(LeaveDecision, d.get("besluit")).lower())
    if d.get("bezwaar_ontvangen"):
        received = _date(d.get("bezwaar_ontvangen"))
        text = f"Bezwaar ontvangen op {received}" if received else "Bezwaar ontvangen"
        forwarded = _date(d.get("doorgestuurd"))
        place = n.municipality(d.get("gemeente"))
        to = f" naar gemeente {place}" if place else ""
        if forwarded:
            return f"{text}; doorgestuurd{to} op {forwarded}"
        return f"{text}; nog niet doorgestuurd{to}"
    if d.get("reden"):
        return _join(
            "Reden van de verlofaanvraag vastgelegd", _label(LeaveArticle, d.get("aanvraag"))
        )
    return "Verlofaanvraag bijgewerkt"


def _letter(d: dict[str, Any], n: _Names) -> str:
    reference = d.get("kenmerk")
    return f"Brief gemaakt (kenmerk {reference})" if reference else "Brief gemaakt"


def _document(d: dict[str, Any], n: _Names) -> str:
    return "Document toegevoegd"


def _task(head: str) -> Callable[[dict[str, Any], _Names], str]:
    def describe(d: dict[str, Any], n: _Names) -> str:
        title = str(d.get("omschrijving") or "") or _label(TaskKind, d.get("soort"))
        due = _date(d.get("uiterlijk"))
        return _join(head, title, f"uiterlijk {due}" if due else "")

    return describe


_DESCRIBE: dict[str, Callable[[dict[str, Any], _Names], str]] = {
    EventKind.CREATED: _created,
    EventKind.STATUS: _status,
    EventKind.CLOSED: _closed,
    EventKind.REOPENED: _reopened,
    EventKind.ASSIGNED: _assigned,
    EventKind.HANDOVER: _handover,
    EventKind.MUNICIPALITY: _municipality,
    EventKind.RMC: _rmc,
    EventKind.ROUTE: _route,
    EventKind.PARENTS: _parents,
    EventKind.MELDING: _melding,
    EventKind.ACTIVITY: _activity,
    EventKind.HANDHAVING: _handhaving,
    EventKind.JCO: _jco,
    EventKind.EXEMPTION: _exemption,
    EventKind.LEAVE: _leave,
    EventKind.LETTER: _letter,
    EventKind.DOCUMENT: _document,
    EventKind.TASK_ADDED: _task("Taak toegevoegd"),
    EventKind.TASK_DONE: _task("Taak afgerond"),
}


def describe_events(events: Iterable[CaseEvent]) -> list[str]:
    """One Dutch sentence per event, in the order given (two queries at most)."""
    events = list(events)
    names = _Names(events)
    texts = []
    for e in events:
        describe = _DESCRIBE.get(e.kind)
        text = describe(_data(e), names) if describe else ""
        texts.append(text or e.get_kind_display() or "Wijziging")
    return texts
