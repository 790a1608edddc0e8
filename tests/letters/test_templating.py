"""The template language: what is refused when a template is saved, and that
values print as plain text whatever they hold."""

from __future__ import annotations

from html.parser import HTMLParser

import pytest
from hypothesis import given
from hypothesis import strategies as st

from rbl.letters.fields import FIELDS
from rbl.letters.models import LetterTemplate
from rbl.letters.services.templates import TemplateRejected, save_template
from rbl.letters.templating import check_template, render_markdown


def problems(text: str) -> list[str]:
    return [str(p) for p in check_template(text)]


def test_every_documented_field_is_accepted():
    body = "\n\n".join(f"{{{{ {name} }}}} en {{{{{name}}}}}" for name in FIELDS)
    assert problems(body) == []


@pytest.mark.parametrize(
    ("text", "line", "fragment"),
    [
        ("Beste ouder,\n\nU moet {{ bedrag }} betalen.", 3, "het veld 'bedrag' bestaat niet"),
        ("{% if jongere_naam %}ja{% endif %}", 1, "niet toegestaan"),
        ("{# opmerking #}", 1, "niet toegestaan"),
        ("{{ jongere_naam|upper }}", 1, "filters"),
        ("{{ jongere naam }}", 1, "geen geldige veldnaam"),
        ("Regel\n\n<b>vet</b> en verder", 3, "HTML"),
        ("<div>\nblok\n</div>", 1, "HTML is niet toegestaan"),
        ("<script>alert(1)</script>", 1, "HTML is niet toegestaan"),
        ("Open {{ jongere_naam zonder einde", 1, "zonder bijbehorend"),
    ],
)
def test_refused_with_a_dutch_message_naming_the_line(text, line, fragment):
    found = problems(text)
    assert found, text
    assert any(p.startswith(f"Regel {line}:") and fragment in p for p in found), found


@pytest.mark.django_db
def test_saving_a_bad_template_stores_nothing():
    with pytest.raises(TemplateRejected) as refused:
        save_template("waarschuwing", subject="Waarschuwing", body="Betaal {{ boete }}.")
    assert refused.value.problems == [
        "Tekst, regel 1: het veld 'boete' bestaat niet. Gebruik een veld uit de lijst naast "
        "het sjabloon."
    ]
    assert not LetterTemplate.objects.exists()


@pytest.mark.django_db
def test_every_save_is_a_new_version_and_versions_never_change():
    first = save_template("waarschuwing", subject="Waarschuwing", body="Tekst {{ datum }}.")
    second = save_template("waarschuwing", subject="Waarschuwing", body="Nieuwe tekst.")
    assert (first.version, second.version) == (1, 2)
    assert LetterTemplate.objects.current("waarschuwing") == second
    first.body = "gewijzigd"
    with pytest.raises(Exception, match="kan niet worden gewijzigd"):
        first.save()


class _Tags(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: set[str] = set()
        self.text: list[str] = []

    def handle_starttag(self, tag, attrs) -> None:
        self.tags.add(tag)
        if tag == "br":  # a line break in a value
            self.text.append(" ")

    def handle_data(self, data) -> None:
        self.text.append(data)


@given(st.text(max_size=60))
def test_a_value_prints_verbatim_and_never_becomes_markup(value):
    rendered = render_markdown(
        "Beste **{{ jongere_naam }}**,\n\nTot ziens.", {"jongere_naam": value}
    )
    parser = _Tags()
    parser.feed(rendered)
    parser.close()
    assert parser.tags <= {"p", "strong", "br"}
    shown = "".join(parser.text)
    assert " ".join(value.split()) in " ".join(shown.split())
