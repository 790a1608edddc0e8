"""A server-side SVG bar chart: contribution per municipality, stacked by block."""

from __future__ import annotations

from decimal import Decimal
from html import escape

from rbl.finance.results import FinanceResult
from rbl.finance.rounding import format_euro

# Colour-blind safe palette (Okabe–Ito).
PALETTE = ["#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442", "#000000"]


def contributions_svg(result: FinanceResult, width: int = 760) -> str:
    """Horizontal stacked bars, one per municipality, segments per block, with a legend."""
    label_w, value_w, bar_h, gap, top = 190, 90, 22, 8, 34
    municipalities = result.scenario.gemeenten
    blocks = result.bouwstenen
    largest = max((v for v in result.totaal_per_gemeente.values()), default=Decimal(0))
    plot_w = width - label_w - value_w
    height = top + len(municipalities) * (bar_h + gap) + 10
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}" role="img" '
        'aria-labelledby="grafiek-titel" class="finance-chart">',
        '<title id="grafiek-titel">Bijdrage per gemeente per bouwsteen</title>',
    ]
    x = label_w
    for i, b in enumerate(blocks):
        colour = PALETTE[i % len(PALETTE)]
        parts.append(f'<rect x="{x}" y="6" width="12" height="12" fill="{colour}"/>')
        text = f"Bouwsteen {b.nummer}"
        parts.append(f'<text x="{x + 16}" y="16" font-size="12">{escape(text)}</text>')
        x += 16 + 8 * len(text) + 14
    for row, m in enumerate(municipalities):
        y = top + row * (bar_h + gap)
        parts.append(
            f'<text x="{label_w - 8}" y="{y + bar_h * 0.7:.1f}" font-size="13" '
            f'text-anchor="end">{escape(m.naam)}</text>'
        )
        offset = Decimal(0)
        for i, b in enumerate(blocks):
            amount = b.bijdragen.get(m.code, Decimal(0))
            if amount <= 0 or largest <= 0:
                continue
            seg = amount / largest * plot_w
            title = f"{m.naam}, bouwsteen {b.nummer}: {format_euro(amount)}"
            parts.append(
                f'<rect x="{label_w + float(offset):.2f}" y="{y}" width="{float(seg):.2f}" '
                f'height="{bar_h}" fill="{PALETTE[i % len(PALETTE)]}">'
                f"<title>{escape(title)}</title></rect>"
            )
            offset += seg
        parts.append(
            f'<text x="{label_w + float(offset) + 6:.2f}" y="{y + bar_h * 0.7:.1f}" '
            f'font-size="12">{escape(format_euro(result.totaal_per_gemeente[m.code]))}</text>'
        )
    parts.append("</svg>")
    return "".join(parts)
