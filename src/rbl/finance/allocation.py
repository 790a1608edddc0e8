"""Cost allocation keys (R-42, finance.md).

A key gives each municipality a share: inhabitants aged 5–17 ("5-15" +
"16-17"), problematiek (caseload + leave requests), pupils, or agreed fixed
shares (`vast`). Shares are always taken among the municipalities that pay
for the block, so they sum to 1 over its payers.
"""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal

from rbl.finance.scenario import KEYS, Municipality

ZERO = Decimal(0)
COMPARED_KEYS = ("inwoners", "problematiek", "leerlingen")


def shares(members: Iterable[Municipality], key: str) -> dict[str, Decimal] | None:
    """Each member's share by `key`, or None when the key cannot divide (total 0 or
    a fixed share missing)."""
    members = list(members)
    if key == "vast" and any(m.aandeel is None for m in members):
        return None
    values = {m.code: m.key_value(key) for m in members}
    total = sum(values.values(), ZERO)
    if not members or total == 0:
        return None
    if key == "vast" and total != 1:
        return None
    return {code: value / total for code, value in values.items()}


def allocate(amount: Decimal, block_shares: dict[str, Decimal]) -> dict[str, Decimal]:
    """Split an amount by shares, unrounded (parts sum to the amount)."""
    return {code: amount * share for code, share in block_shares.items()}


def region_key_shares(municipalities: Iterable[Municipality]) -> dict[str, dict[str, Decimal]]:
    """Per municipality its share of the whole region under each key (the `sleutels`
    table); `vast` is included when every municipality has an agreed share."""
    members = list(municipalities)
    per_key = {key: shares(members, key) for key in KEYS}
    return {
        m.code: {
            key: per_key[key][m.code]  # type: ignore[index]
            for key in KEYS
            if per_key[key] is not None and (key in COMPARED_KEYS or m.aandeel is not None)
        }
        for m in members
    }
