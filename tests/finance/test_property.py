"""Property: on any region of 2 to 11 municipalities the split is right to the euro."""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from rbl.finance.results import compute
from rbl.finance.rounding import euros, rounded_total
from rbl.finance.scenario import validate_scenario

SCALES = {6: 52156, 7: 57111, 9: 73413, 10: 81766, 11: 93301, 12: 105065}
TINY = Decimal("1e-15")


def hundredths(low: int, high: int):
    return st.integers(low, high).map(lambda n: Decimal(n) / 100)


team_line = st.fixed_dictionaries(
    {
        "functie": st.just("Medewerker"),
        "fte": hundredths(0, 1000),
        "schaal": st.sampled_from(list(SCALES)),
    }
)
block = st.fixed_dictionaries(
    {
        "team": st.lists(team_line, min_size=1, max_size=4),
        "overige_kosten": st.lists(
            st.fixed_dictionaries(
                {"omschrijving": st.just("Software"), "bedrag": hundredths(0, 10_000_000)}
            ),
            max_size=2,
        ),
    }
)


@st.composite
def regions(draw):
    n = draw(st.integers(2, 11))
    municipalities = []
    for i in range(n):
        municipalities.append(
            {
                "code": f"{i + 1:04d}",
                "naam": f"Gemeente {i + 1}",
                "inwoners": {
                    "5-15": draw(st.integers(1, 20_000)),
                    "16-17": draw(st.integers(0, 5_000)),
                    "18-22": draw(st.integers(0, 8_000)),
                },
                "caseload": draw(st.integers(1, 400)),
                "verlofaanvragen": draw(st.integers(0, 100)),
                "bouwstenen": sorted(draw(st.sets(st.sampled_from([1, 2, 3, 4])))),
            }
        )
    return {
        "regio": "Proefregio",
        "jaar": 2024,
        "sleutel": draw(st.sampled_from(["inwoners", "problematiek"])),
        "opslag": draw(hundredths(0, 40)),
        "schalen": SCALES,
        "gemeenten": municipalities,
        "bouwstenen": {b: draw(block) for b in (1, 2, 3, 4)},
    }


def reference(data: dict, number: int) -> tuple[Fraction, dict[str, Fraction]]:
    """Independent exact computation with fractions."""
    spec = data["bouwstenen"][number]
    overhead = Fraction(str(data["opslag"]))
    personnel = sum(Fraction(str(t["fte"])) * SCALES[t["schaal"]] for t in spec["team"])
    other = sum(Fraction(str(c["bedrag"])) for c in spec["overige_kosten"])
    to_share = personnel * (1 + overhead) + other
    payers = [m for m in data["gemeenten"] if number in m["bouwstenen"]]
    if number == 3:
        payers = [m for m in payers if 2 not in m["bouwstenen"]]

    def weight(m: dict) -> int:
        if data["sleutel"] == "inwoners":
            return m["inwoners"]["5-15"] + m["inwoners"]["16-17"]
        return m["caseload"] + m["verlofaanvragen"]

    total = sum(weight(m) for m in payers)
    return to_share, {m["code"]: to_share * weight(m) / total for m in payers}


def half_up(x: Fraction) -> int:
    return int(x + Fraction(1, 2)) if x >= 0 else -int(-x + Fraction(1, 2))


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(regions())
def test_contributions_are_right_to_the_euro(data):
    result = compute(validate_scenario(data))
    for b in result.bouwstenen:
        to_share, expected = reference(data, b.nummer)
        assert b.te_verdelen == Decimal(to_share.numerator) / Decimal(to_share.denominator)
        assert set(b.bijdragen) == set(expected)
        if not expected:
            assert not b.doorberekend
            continue
        assert abs(sum(b.aandelen.values()) - 1) < TINY
        assert abs(sum(b.bijdragen.values()) - b.te_verdelen) < TINY * max(1, b.te_verdelen)
        for code, amount in b.bijdragen.items():
            assert euros(amount) == half_up(expected[code]), code
        # The block total shows the rounded unrounded sum; parts may differ from it by
        # at most half a euro each.
        assert rounded_total(b.bijdragen.values()) == half_up(to_share)
        shown_parts = sum(euros(v) for v in b.bijdragen.values())
        assert abs(shown_parts - half_up(to_share)) <= len(b.bijdragen) / 2
    charged = sum(b.te_verdelen for b in result.bouwstenen if b.doorberekend)
    assert abs(sum(result.totaal_per_gemeente.values()) - charged) < TINY * max(1, charged)


def test_an_exact_half_euro_part_rounds_up_even_with_a_repeating_share():
    """Thirds of €301.50 are exactly €100.50 each: shown €101 each, total €302."""
    data = {
        "regio": "Drie",
        "jaar": 2024,
        "sleutel": "inwoners",
        "opslag": 0,
        "schalen": SCALES,
        "gemeenten": [
            {
                "code": f"000{i}",
                "naam": f"G{i}",
                "inwoners": {"5-15": 100, "16-17": 0, "18-22": 0},
                "bouwstenen": [1],
            }
            for i in (1, 2, 3)
        ],
        "bouwstenen": {
            1: {
                "team": [],
                "overige_kosten": [{"omschrijving": "Licentie", "bedrag": Decimal("301.5")}],
            }
        },
    }
    (b,) = compute(validate_scenario(data)).bouwstenen
    assert list(b.bijdragen.values()) == [Decimal("100.5")] * 3
    assert [euros(v) for v in b.bijdragen.values()] == [101, 101, 101]
    assert rounded_total(b.bijdragen.values()) == 302  # not 303: the convention
