"""The letter template language: Markdown without raw HTML, plus `{{ veld }}`
placeholders from the small list in `fields.FIELDS`. No tags, no filters;
values are plain text, so a name like `<b>Öztürk & "Zn"</b>` prints verbatim.

A template is checked when it is saved (`check_template`): an unknown field,
a tag, a filter, a broken placeholder or raw HTML is refused with a Dutch
message naming the line. Rendering (`render_markdown`) replaces every
placeholder by a marker the Markdown parser leaves alone, renders the Markdown
with HTML switched off, then puts the HTML-escaped values in the markers' place.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache

from django.utils.html import escape
from markdown_it import MarkdownIt

from rbl.letters.fields import FIELDS

_PLACEHOLDER = re.compile(r"\{\{(.*?)\}\}", re.S)
_NAME = re.compile(r"^\s*([a-z_][a-z0-9_]*)\s*$")
_TAG = re.compile(r"\{%|%\}|\{#|#\}")
# Private-use characters: Markdown treats them as plain text.
_MARK_OPEN, _MARK_CLOSE = "\ue000", "\ue001"
_MARKER = re.compile(f"{_MARK_OPEN}(\\d+){_MARK_CLOSE}")


@dataclass(frozen=True)
class TemplateProblem:
    line: int
    message: str

    def __str__(self) -> str:
        return f"Regel {self.line}: {self.message}"


@lru_cache(maxsize=1)
def _checker() -> MarkdownIt:
    # HTML on, only to find it: a template with raw HTML is refused.
    return MarkdownIt("commonmark", {"html": True})


@lru_cache(maxsize=1)
def _renderer() -> MarkdownIt:
    return MarkdownIt("commonmark", {"html": False, "linkify": False}).disable("image")


def _line_of(text: str, index: int) -> int:
    return text.count("\n", 0, index) + 1


def check_template(text: str, *, allowed: Mapping[str, object] = FIELDS) -> list[TemplateProblem]:
    """Every problem of a template text, in Dutch, with its line; empty when good."""
    problems: list[TemplateProblem] = []
    for match in _TAG.finditer(text):
        problems.append(
            TemplateProblem(
                _line_of(text, match.start()),
                f"'{match.group(0)}' is niet toegestaan: een sjabloon kent alleen velden "
                "tussen {{ en }}, geen opdrachten of commentaar.",
            )
        )
    for match in _PLACEHOLDER.finditer(text):
        line = _line_of(text, match.start())
        inner = match.group(1)
        name = _NAME.match(inner)
        if "|" in inner:
            problems.append(
                TemplateProblem(line, f"'{{{{{inner}}}}}': filters (met |) zijn niet toegestaan.")
            )
        elif name is None:
            problems.append(TemplateProblem(line, f"'{{{{{inner}}}}}' is geen geldige veldnaam."))
        elif name.group(1) not in allowed:
            problems.append(
                TemplateProblem(
                    line,
                    f"het veld '{name.group(1)}' bestaat niet. Gebruik een veld uit de lijst "
                    "naast het sjabloon.",
                )
            )
    rest = _PLACEHOLDER.sub("", text)
    for match in re.finditer(r"\{\{|\}\}", rest):
        # Positions in `rest` differ from `text`; find the line in the original.
        problems.append(
            TemplateProblem(
                _line_of(text, text.find(match.group(0))),
                f"'{match.group(0)}' zonder bijbehorend '{'}}' if match.group(0) == '{{' else '{{'}'.",
            )
        )
    for token in _checker().parse(_PLACEHOLDER.sub("veld", text)):
        line = (token.map[0] + 1) if token.map else 1
        if token.type == "html_block":
            problems.append(TemplateProblem(line, "HTML is niet toegestaan in een sjabloon."))
        for child in token.children or ():
            if child.type == "html_inline":
                problems.append(
                    TemplateProblem(
                        line, f"HTML ('{child.content}') is niet toegestaan in een sjabloon."
                    )
                )
    return sorted(problems, key=lambda p: p.line)


def placeholders(text: str) -> set[str]:
    """The field names a (checked) template uses."""
    return {m.group(1).strip() for m in _PLACEHOLDER.finditer(text)}


def render_markdown(text: str, values: Mapping[str, str]) -> str:
    """HTML of a checked template with `values` filled in as plain text
    (escaped; a line break in a value becomes <br>)."""
    found: list[str] = []

    def mark(match: re.Match[str]) -> str:
        found.append(match.group(1).strip())
        return f"{_MARK_OPEN}{len(found) - 1}{_MARK_CLOSE}"

    html = _renderer().render(_PLACEHOLDER.sub(mark, text))

    def fill(match: re.Match[str]) -> str:
        name = found[int(match.group(1))]
        return escape(values.get(name, "")).replace("\n", "<br>")

    return _MARKER.sub(fill, html)


def render_plain(text: str, values: Mapping[str, str]) -> str:
    """A one-line template (the subject) with its values, as plain text."""
    return _PLACEHOLDER.sub(lambda m: values.get(m.group(1).strip(), ""), text)
