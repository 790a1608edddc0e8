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


def weights(members: Iterable[Municipality], key: str) -> dict[str, Decimal] | None:
    """Each member's quantity under `key`, or None when the key cannot divide (total 0,
    or a fixed share missing or fixed shares not summing to 1)."""
    members = list(members)
    if not members or (key == "vast" and any(m.aandeel is None for m in members)):
        return None
    values = {m.code: m.key_value(key) for m in members}
    total = sum(values.values(), ZERO)
    if total == 0 or (key == "vast" and total != 1):
        return None
    return values


def shares(members: Iterable[Municipality], key: str) -> dict[str, Decimal] | None:
    """Each member's share by `key` (summing to 1), or None when the key cannot divide."""
    values = weights(members, key)
    if values is None:
        return None
    total = sum(values.values(), ZERO)
    return {code: value / total for code, value in values.items()}


def allocate(amount: Decimal, key_weights: dict[str, Decimal]) -> dict[str, Decimal]:
    """Split an amount in proportion to weights, unrounded. Multiplying before dividing
    keeps a part exact whenever it can be (a part of exactly x.50 stays a tie that
    rounds up, instead of becoming x.4999… through a rounded share)."""
    total = sum(key_weights.values(), ZERO)
    return {code: amount * w / total for code, w in key_weights.items()}


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
