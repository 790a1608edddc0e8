"""Finding a youth by BSN or by surname and birth date (screens and API).

Only persons the user may see are ever returned: the search starts from
`rbl.accounts.access.visible_persons`.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import Q, QuerySet

from rbl.accounts.access import visible_persons
from rbl.core.bsn import bsn_error

# Dutch surname prefixes (voorvoegsels); a search ignores them in front of the surname.
PREFIXES = frozenset(
    {
        "van",
        "de",
        "der",
        "den",
        "het",
        "'t",
        "t",
        "te",
        "ter",
        "ten",
        "in",
        "op",
        "la",
        "le",
        "les",
        "du",
        "da",
        "di",
        "del",
        "della",
        "von",
        "vom",
        "zu",
        "'s",
        "d'",
        "el",
        "al",
        "uit",
        "aan",
        "bij",
        "onder",
        "over",
        "tot",
        "voor",
    }
)


class SearchError(ValueError):
    """The search terms cannot be used; the message is Dutch and safe to show."""


def surname_variants(text: str) -> set[str]:
    """The query itself and the query without its leading prefixes, lowercased."""
    words = text.split()
    full = " ".join(words).lower()
    rest = list(words)
    while len(rest) > 1 and rest[0].lower() in PREFIXES:
        rest.pop(0)
    return {full, " ".join(rest).lower()} - {""}


def search_persons(
    user: Any,
    *,
    bsn: str | None = None,
    surname: str | None = None,
    birth_date: dt.date | None = None,
) -> QuerySet:
    """Visible persons with this BSN, or with this surname (case-insensitive,
    prefix ignored) and birth date. Raises SearchError for unusable terms."""
    base = visible_persons(user).select_related("municipality")
    if bsn is not None and bsn != "":
        bsn = bsn.strip()
        problem = bsn_error(bsn)
        if problem:
            raise SearchError(problem)
        return base.filter(bsn=bsn)
    if not surname or not surname.strip():
        raise SearchError("Vul een BSN in, of een achternaam met geboortedatum.")
    if birth_date is None:
        raise SearchError("Vul bij zoeken op naam ook de geboortedatum in.")
    match = Q()
    for variant in surname_variants(surname):
        match |= Q(surname__iexact=variant)
    return base.filter(match, birth_date=birth_date).order_by("surname", "given_names", "pk")


#: The most persons one search shows; a narrower search is needed beyond it.
MAX_RESULTS = 100


def search_and_log(user: Any, terms: dict[str, Any], *, purpose: str, path: str) -> list[Any]:
    """Run a search from validated form/API terms (`bsn` or `geslachtsnaam` +
    `geboortedatum`) and write the persons found to the access log.

    Raises SearchError (Dutch reason) for unusable terms; nothing is logged then.
    """
    from rbl.audit.models import Action
    from rbl.audit.services import log_access

    persons = list(
        search_persons(
            user,
            bsn=terms.get("bsn") or None,
            surname=terms.get("geslachtsnaam"),
            birth_date=terms.get("geboortedatum"),
        )[:MAX_RESULTS]
    )
    log_access(user, Action.SEARCH, persons=persons, purpose=purpose, path=path)
    return persons
