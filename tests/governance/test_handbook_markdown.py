"""A handbook page is rendered without any script or raw HTML: tags are shown
as text, links only to web and mail addresses, no images."""

from __future__ import annotations

import re
from html.parser import HTMLParser

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from rbl.governance.handbook import render, safe_link

HOSTILE = [
    "<script>alert(1)</script>",
    '<img src=x onerror="alert(1)">',
    "<img src=x onerror=alert(1)>",
    "[klik](javascript:alert(1))",
    "[klik](JaVaScRiPt:alert(1))",
    "[klik](java\tscript:alert(1))",
    "[klik](&#106;avascript:alert(1))",
    "[klik](javascript&#58;alert(1))",
    "[klik](%6Aavascript:alert(1))",
    "[klik]( javascript:alert(1) )",
    "<javascript:alert(1)>",
    "[klik](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
    "[klik](vbscript:msgbox(1))",
    "![plaatje](https://evil.example/x.png)",
    '<div onclick="alert(1)">tekst</div>',
    "<iframe src=https://evil.example></iframe>",
    '<a href="javascript:alert(1)">klik</a>',
    "<svg onload=alert(1)>",
    "<!-- commentaar --><style>body{}</style>",
    '[klik](https://ok.example "titel\\" onmouseover=\\"alert(1)")',
    "[x]: javascript:alert(1)\n\n[klik][x]",
]

FRAGMENTS = [
    "<script>",
    "</script>",
    "<img src=x onerror=alert(1)>",
    "<a href='javascript:alert(1)'>",
    "javascript:",
    "JAVASCRIPT:",
    "[a](",
    "](javascript:x)",
    ")",
    "<",
    ">",
    '"',
    "'",
    " onload=",
    "onerror=",
    "<div>",
    "\n\n",
    "\n    ",
    "```",
    "&#x6A;",
    "&lt;",
    "<!--",
    "-->",
    "<![CDATA[",
    "*",
    "`",
    "\\",
]

ALLOWED_TAGS = {
    "p", "h1", "h2", "h3", "h4", "h5", "h6", "ul", "ol", "li", "em", "strong", "a", "code",
    "pre", "blockquote", "hr", "br", "table", "thead", "tbody", "tr", "th", "td",
}  # fmt: skip


class _Tags(HTMLParser):
    """Every element and attribute the browser would build from the HTML."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, list[tuple[str, str | None]]]] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, attrs))

    def handle_startendtag(self, tag, attrs):
        self.tags.append((tag, attrs))


def _assert_harmless(html: str) -> None:
    assert "<script" not in html.lower(), html
    assert "javascript:" not in html.lower(), html
    parser = _Tags()
    parser.feed(html)
    parser.close()
    for tag, attrs in parser.tags:
        assert tag in ALLOWED_TAGS, html
        for name, value in attrs:
            assert not name.lower().startswith("on"), html
            assert name in ("href", "title", "start", "style"), html
            if name == "style":  # markdown-it's table alignment only
                assert re.fullmatch(r"text-align:(left|right|center)", value or ""), html
            if name == "href":
                # Decoded as the browser would: still a web, mail or relative address.
                assert safe_link(value or "x"), html


@pytest.mark.parametrize("text", HOSTILE)
def test_hostile_markdown_is_shown_as_text(text):
    html = render(text)
    _assert_harmless(html)


def test_tags_come_out_escaped_and_safe_links_stay():
    html = render("Zie <script>alert(1)</script> en [Ingrado](https://www.ingrado.nl/).")
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert '<a href="https://www.ingrado.nl/">Ingrado</a>' in html
    assert '<a href="mailto:team@rbl.example.nl">' in render("[mail](mailto:team@rbl.example.nl)")
    assert '<a href="/samenwerking/werkwijzen/">' in render("[index](/samenwerking/werkwijzen/)")
    refused = render("[klik](javascript:alert(1))")
    assert "<a " not in refused and "klik" in refused


@pytest.mark.parametrize(
    "url, ok",
    [
        ("https://www.ingrado.nl/", True),
        ("mailto:a@b.nl", True),
        ("/samenwerking/", True),
        ("#kop", True),
        ("verlof", True),
        ("javascript:alert(1)", False),
        (" JavaScript:alert(1)", False),
        ("java\nscript:alert(1)", False),
        ("data:text/html,x", False),
        ("file:///etc/passwd", False),
        ("", False),
    ],
)
def test_safe_link(url, ok):
    assert safe_link(url) is ok


@settings(max_examples=300, deadline=None)
@given(st.lists(st.one_of(st.sampled_from(FRAGMENTS), st.text(max_size=12)), max_size=30))
def test_no_random_mix_of_text_and_html_fragments_gets_through(parts):
    _assert_harmless(render("".join(parts)))
