"""The cell parsers: every bad value gets a Dutch reason, never an exception of another kind."""

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from rbl.core.bsn import is_valid_bsn, make_bsn
from rbl.registry.imports import fields as f


@given(st.integers(min_value=0, max_value=10**9))
def test_make_bsn_always_valid(seed):
    assert is_valid_bsn(make_bsn(seed))


@given(st.text(max_size=30))
def test_bsn_parser_accepts_only_valid(value):
    try:
        assert f.bsn(value) == value and is_valid_bsn(value)
    except f.FieldError as exc:
        assert not is_valid_bsn(value)
        assert "BSN" in str(exc)


@given(st.dates(min_value=dt.date(1900, 1, 1), max_value=dt.date(2200, 12, 31)))
def test_date_roundtrip(day):
    assert f.date(day.isoformat()) == day


@given(st.text(max_size=20))
def test_date_parser_never_crashes(value):
    try:
        f.date(value)
    except f.FieldError as exc:
        assert str(exc)


@pytest.mark.parametrize(
    "value,reason",
    [
        ("2023-02-29", "bestaat niet"),
        ("2024-13-01", "bestaat niet"),
        ("01-02-2020", "JJJJ-MM-DD"),
        ("1850-01-01", "bereik"),
    ],
)
def test_impossible_dates(value, reason):
    with pytest.raises(f.FieldError, match=reason):
        f.date(value)


def test_eleven_test_examples():
    assert is_valid_bsn("999993653")
    assert not is_valid_bsn("999993654")
    assert not is_valid_bsn("12345678")
    assert not is_valid_bsn("00000000０")  # a full-width digit is not a digit here


@given(st.text(max_size=300))
def test_text_parser_rejects_control_characters(value):
    try:
        assert f.text(200)(value) == value
    except f.FieldError:
        assert len(value) > 200 or any(ord(c) < 32 or ord(c) == 127 for c in value)
