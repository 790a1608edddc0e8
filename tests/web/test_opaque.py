"""Opaque ids: one-to-one, reversible only by the server, and distinct per kind."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from rbl.web import opaque

keys = st.integers(min_value=0, max_value=2**63 - 1)


@hypothesis_settings(deadline=None)  # timing depends on a shared machine, not on the code
@given(keys)
def test_round_trip(pk):
    token = opaque.case_id(pk)
    assert len(token) == 13 and token.isalnum() and token == token.lower()
    assert opaque.decode("case", token) == pk


@hypothesis_settings(deadline=None)
@given(keys, keys)
def test_distinct_keys_give_distinct_ids(a, b):
    if a != b:
        assert opaque.person_id(a) != opaque.person_id(b)


def test_kinds_differ_and_ids_do_not_show_the_key():
    assert opaque.person_id(1) != opaque.case_id(1)
    assert opaque.person_id(1) != "1"
    assert opaque.person_id(2) != opaque.person_id(1)


@pytest.mark.parametrize("token", ["", "abc", "0" * 13, "a" * 14, "AAAAAAAAAAAAA", "aaaaaaaaaaaab"])
def test_malformed_ids_are_rejected(token):
    # "aaaaaaaaaaaab" decodes to the same bytes as a valid id but is not its
    # canonical spelling; uppercase is not either.
    with pytest.raises(ValueError):
        opaque.decode("case", token)


def test_ids_depend_on_the_secret_key(settings):
    before = opaque.case_id(42)
    settings.SECRET_KEY = "another-secret-key-for-this-test"
    assert opaque.case_id(42) != before
