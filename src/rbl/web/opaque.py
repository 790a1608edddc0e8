"""Opaque ids for persons and cases in URLs and API answers.

A database key in a URL tells an outsider how many files exist and invites
guessing. The screens and the API therefore show a keyed permutation of the
key: a 4-round Feistel network over 64 bits with HMAC-SHA256 of the secret
key as round function, written in lowercase base 32 (13 characters). The
mapping is one-to-one and reversible by the server only. Each kind of object
(`person`, `case`) has its own key, so the same number gives different ids.

Access is still checked on every request: an id that decodes to a record the
user may not see answers 404, exactly like an id that decodes to nothing.
"""

from __future__ import annotations

import base64
import hashlib
import hmac

from django.conf import settings

_MASK32 = 0xFFFFFFFF
_ROUNDS = 4
_LENGTH = 13  # 8 bytes in base 32 without padding


def _round_key(kind: str) -> bytes:
    return hashlib.sha256(f"rbl.opaque.{kind}:{settings.SECRET_KEY}".encode()).digest()


def _f(key: bytes, round_no: int, half: int) -> int:
    digest = hmac.new(key, bytes([round_no]) + half.to_bytes(4, "big"), hashlib.sha256).digest()
    return int.from_bytes(digest[:4], "big")


def encode(kind: str, pk: int) -> str:
    """The opaque id of record `pk` of `kind`."""
    if not 0 <= pk < 1 << 64:
        raise ValueError("id buiten bereik")
    key = _round_key(kind)
    left, right = pk >> 32, pk & _MASK32
    for r in range(_ROUNDS):
        left, right = right, left ^ _f(key, r, right)
    raw = ((left << 32) | right).to_bytes(8, "big")
    return base64.b32encode(raw).decode("ascii").rstrip("=").lower()


def decode(kind: str, token: str) -> int:
    """The key behind an opaque id; ValueError when `token` is not one."""
    if len(token) != _LENGTH:
        raise ValueError("geen geldig id")
    try:
        raw = base64.b32decode(token.upper() + "===", casefold=False)
    except (ValueError, TypeError) as exc:
        raise ValueError("geen geldig id") from exc
    if len(raw) != 8:
        raise ValueError("geen geldig id")
    value = int.from_bytes(raw, "big")
    key = _round_key(kind)
    left, right = value >> 32, value & _MASK32
    for r in reversed(range(_ROUNDS)):
        left, right = right ^ _f(key, r, left), left
    pk = (left << 32) | right
    if encode(kind, pk) != token:  # non-canonical spelling of the same bytes
        raise ValueError("geen geldig id")
    return pk


def person_id(pk: int) -> str:
    return encode("person", pk)


def case_id(pk: int) -> str:
    return encode("case", pk)


class _OpaqueConverter:
    kind = ""
    regex = "[a-z2-7]{13}"

    def to_python(self, value: str) -> int:
        return decode(self.kind, value)

    def to_url(self, value: int | str) -> str:
        if isinstance(value, int):
            return encode(self.kind, value)
        return str(value)  # already an opaque id


class PersonIdConverter(_OpaqueConverter):
    kind = "person"


class CaseIdConverter(_OpaqueConverter):
    kind = "case"
