"""The BSN (burgerservicenummer) and its 11-test."""

from __future__ import annotations

_WEIGHTS = (9, 8, 7, 6, 5, 4, 3, 2, -1)


def is_valid_bsn(value: str) -> bool:
    """True when `value` is 9 digits that pass the 11-test (and is not all zeros)."""
    if len(value) != 9 or not value.isascii() or not value.isdigit():
        return False
    total = sum(int(d) * w for d, w in zip(value, _WEIGHTS, strict=True))
    return total % 11 == 0 and value != "000000000"


def bsn_error(value: str) -> str | None:
    """Dutch reason why `value` is not a valid BSN, or None when it is."""
    if not value:
        return "BSN ontbreekt"
    if len(value) != 9 or not value.isascii() or not value.isdigit():
        return "BSN moet uit precies 9 cijfers bestaan"
    if not is_valid_bsn(value):
        return "BSN voldoet niet aan de elfproef"
    return None


def make_bsn(seed: int) -> str:
    """A valid BSN derived from an integer (for demo data and tests).

    Takes the 8-digit body from `seed` and searches a check digit; bodies for
    which no digit works are skipped by moving on to the next body.
    """
    body = seed % 100_000_000
    while True:
        digits = f"{body:08d}"
        partial = sum(int(d) * w for d, w in zip(digits, _WEIGHTS[:8], strict=True))
        check = partial % 11  # need partial - check ≡ 0 (mod 11), check in 0..9
        if check <= 9:
            candidate = digits + str(check)
            if candidate != "000000000":
                return candidate
        body = (body + 1) % 100_000_000
