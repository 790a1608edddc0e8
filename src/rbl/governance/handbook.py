"""The handbook "Zo werken we in de regio" (R-51): saving a page as a new
version (append-only, no lost updates), rendering its Markdown without any
script or raw HTML, and the difference between two versions."""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass
from functools import cache
from typing import Any
from urllib.parse import urlsplit

from django.db import IntegrityError, transaction
from django.utils.safestring import SafeString, mark_safe
from markdown_it import MarkdownIt

from rbl.governance.models import HandbookPage, HandbookVersion

#: Link targets a page may use: web and mail addresses, and RBL's own paths.
SAFE_SCHEMES = frozenset({"http", "https", "mailto"})
#: Addresses the handbook's own screens use.
RESERVED_SLUGS = frozenset({"nieuw"})


class StaleEdit(Exception):
    """Someone saved the page after the editor opened it; the message is Dutch."""


class HandbookError(Exception):
    """A page that cannot be saved as asked; the message is Dutch and names the field."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field
        self.message = message


def safe_link(url: str) -> bool:
    """Only http(s), mailto and relative links: never javascript:, data:,
    vbscript: or any other scheme, also when hidden by case, entities,
    whitespace or control characters (markdown-it normalises the URL first)."""
    cleaned = "".join(ch for ch in url if ch > " ").strip()
    if not cleaned:
        return False
    try:
        scheme = urlsplit(cleaned).scheme.lower()
    except ValueError:
        return False
    if not scheme:
        # A relative path or an anchor; "//host" is a web address on another host.
        return ":" not in cleaned.split("/", 1)[0] or cleaned.startswith(("/", "#", "?"))
    return scheme in SAFE_SCHEMES


@cache
def _markdown() -> MarkdownIt:
    """CommonMark with HTML off (tags are shown as text), no images (no request
    leaves for another host), tables, and only the links `safe_link` allows."""
    md = MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": False})
    md.enable("table").disable("image")
    md.validateLink = safe_link
    md.core.ruler.push("drop_fence_info", _drop_fence_info)
    return md


def _drop_fence_info(state: Any) -> None:
    """A fenced block's info string would become a class attribute: not needed."""
    for token in state.tokens:
        if token.type == "fence":
            token.info = ""


#: A script scheme written as text (a refused link stays as plain text).
_SCRIPT_SCHEME = re.compile(r"(javascript|vbscript|livescript|data)(\s*):", re.IGNORECASE)


def render(body: str) -> SafeString:
    """The page's Markdown as HTML. With HTML off markdown-it escapes every
    `<`, `>`, `&` and quote of the text, and drops a link whose target fails
    `safe_link` (it stays as plain text): nothing of the input runs. A script
    scheme left in the text gets its colon as a character reference, so the
    page reads the same but the output holds no "javascript:" to be picked up
    by anything that handles the HTML later."""
    html = _markdown().render(body)
    return mark_safe(_SCRIPT_SCHEME.sub(r"\1\2&#58;", html))  # noqa: S308


def _check(title: str, body: str, note: str) -> tuple[str, str, str]:
    title, body, note = title.strip(), body.strip(), note.strip()
    if not title:
        raise HandbookError("title", "Vul de titel in.")
    if not body:
        raise HandbookError("body", "Vul de tekst van de werkwijze in.")
    if not note:
        raise HandbookError("note", "Schrijf kort op wat er veranderd is.")
    return title, body, note


def create_page(
    author: Any, *, slug: str, title: str, body: str, note: str, case_type: str = ""
) -> HandbookPage:
    """A new page with its first version."""
    title, body, note = _check(title, body, note)
    if slug in RESERVED_SLUGS or HandbookPage.objects.filter(slug=slug).exists():
        raise HandbookError("slug", "Er is al een werkwijze met dit adres; kies een ander.")
    _check_case_type(None, case_type)
    try:
        with transaction.atomic():
            page = HandbookPage.objects.create(
                slug=slug, title=title, case_type=case_type, version=1
            )
            HandbookVersion.objects.create(
                page=page, number=1, title=title, body=body, note=note, author=author
            )
    except IntegrityError as exc:  # the same slug or case type saved at the same moment
        raise HandbookError(
            "slug", "Er is net een werkwijze met dit adres of deze zaaksoort opgeslagen."
        ) from exc
    return page


def _check_case_type(page: HandbookPage | None, case_type: str) -> None:
    if not case_type:
        return
    other = HandbookPage.objects.filter(case_type=case_type)
    if page is not None:
        other = other.exclude(pk=page.pk)
    if other.exists():
        raise HandbookError(
            "case_type", f"De werkwijze “{other.first().title}” geldt al voor deze zaaksoort."
        )


def save_version(
    page: HandbookPage,
    author: Any,
    *,
    base_version: int,
    title: str,
    body: str,
    note: str,
    case_type: str = "",
) -> HandbookVersion:
    """Save a new version of `page`. Refused (StaleEdit) when the page has a
    newer version than `base_version`, the one the editor opened."""
    title, body, note = _check(title, body, note)
    with transaction.atomic():
        locked = HandbookPage.objects.select_for_update().get(pk=page.pk)
        if locked.version != base_version:
            newest = locked.versions.select_related("author").first()
            who = newest.author.get_full_name() or newest.author.username if newest else "iemand"
            raise StaleEdit(
                f"{who} heeft deze werkwijze opgeslagen nadat u hem opende (versie "
                f"{locked.version}). Uw tekst staat hieronder nog; neem de wijzigingen van "
                "de nieuwste versie over en sla opnieuw op."
            )
        _check_case_type(locked, case_type)
        locked.version += 1
        locked.title = title
        locked.case_type = case_type
        locked.save(update_fields=["version", "title", "case_type", "updated_at"])
        return HandbookVersion.objects.create(
            page=locked, number=locked.version, title=title, body=body, note=note, author=author
        )


def page_for_case_type(case_type: str) -> HandbookPage | None:
    if not case_type:
        return None
    return HandbookPage.objects.filter(case_type=case_type).first()


@dataclass(frozen=True)
class DiffLine:
    kind: str  # "same", "added", "removed"
    text: str
    old_number: int | None
    new_number: int | None


def diff(old: str, new: str) -> list[DiffLine]:
    """Line by line: what stayed, what was removed from `old`, what `new` added."""
    a, b = old.splitlines(), new.splitlines()
    out: list[DiffLine] = []
    for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        if tag == "equal":
            out += [DiffLine("same", a[i1 + k], i1 + k + 1, j1 + k + 1) for k in range(i2 - i1)]
            continue
        out += [DiffLine("removed", a[i], i + 1, None) for i in range(i1, i2)]
        out += [DiffLine("added", b[j], None, j + 1) for j in range(j1, j2)]
    return out
