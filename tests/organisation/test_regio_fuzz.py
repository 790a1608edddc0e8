"""`rbl regio FILE` for any file (R-65): random bytes, or the valid example with one
line changed, removed or doubled: exit 0 or 1, a Dutch refusal, and a refused
file changes nothing; never a traceback."""

from __future__ import annotations

import re

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from .test_regio_command import VALID, regio, snapshot  # noqa: F401 - fixture

pytestmark = pytest.mark.django_db

LINES = VALID.splitlines()
ENGLISH = re.compile(r"\b(error|expected|invalid|traceback|exception|none|null)\b", re.I)

nasty = st.text(
    alphabet=st.one_of(
        st.sampled_from(list(":-[]{}&*!|>'\"%@`#,?\t\n 0123456789")),
        st.characters(codec="utf-8", exclude_categories=("Cs",)),
    ),
    max_size=25,
)


def changed_line(args) -> str:
    index, how, text = args
    lines = list(LINES)
    line = lines[index]
    if how == "value" and ":" in line:
        lines[index] = line.split(":", 1)[0] + ": " + text
    elif how == "remove":
        del lines[index]
    elif how == "double":
        lines.insert(index, line)
    else:
        lines[index] = text
    return "\n".join(lines) + "\n"


any_region_file = st.one_of(
    st.binary(max_size=300).map(lambda b: b.decode("utf-8", "replace")),
    st.tuples(
        st.integers(0, len(LINES) - 1),
        st.sampled_from(["value", "remove", "double", "line"]),
        nasty,
    ).map(changed_line),
)


@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(text=any_region_file)
def test_any_region_file_is_applied_or_refused_in_dutch(regio, text):  # noqa: F811
    before = snapshot()
    code, out, err = regio(text, "--controleer")
    assert code in (0, 1), (code, err)
    assert "Traceback" not in err
    if code == 1:
        assert err.strip() and not ENGLISH.search(err), err
        assert snapshot() == before


@pytest.mark.parametrize(
    ("text", "shown"),
    [
        ("~: x\n", "(lege sleutel)"),
        ("null: x\n", "(lege sleutel)"),
        ("true: x\n", "(ja/nee-sleutel)"),
        ('"": x\n', "(lege sleutel)"),
    ],
)
def test_a_key_yaml_reads_as_empty_or_not_text_is_named_in_dutch(regio, text, shown):  # noqa: F811
    before = snapshot()
    code, _out, err = regio(text, "--controleer")
    assert code == 1
    assert f"{shown}: onbekende sleutel" in err
    assert not ENGLISH.search(err), err
    assert snapshot() == before
