"""The finance figures as titled tables, shared by the terminal, XLSX, PDF and web.

Cells hold unrounded values with a column kind; each output rounds them for
display by the convention of `rounding` (totals are computed from unrounded
parts before rounding).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from rbl.finance import rounding
from rbl.finance.formation import FormationResult
from rbl.finance.results import FinanceResult, compare
from rbl.finance.scenario import KEY_LABELS, KEYS

ZERO = Decimal(0)

# Column kinds and their decimals when shown.
TEXT, EURO, CENTS, FTE, PERCENT, HOURS, COUNT = "text", "eur", "cents", "fte", "pct", "uren", "int"
PLACES = {EURO: 0, CENTS: 2, FTE: 2, PERCENT: 2, HOURS: 2, COUNT: 0}
JUDGEMENT = {
    "onder": "onder de ondergrens",
    "binnen": "binnen de band",
    "boven": "boven de bovengrens",
}
JUDGEMENT_RMC = {"onder": "onder de norm", "binnen": "gelijk aan de norm", "boven": "boven de norm"}


@dataclass(frozen=True)
class Column:
    heading: str
    kind: str = TEXT


@dataclass
class Table:
    title: str
    columns: list[Column]
    rows: list[list[Any]] = field(default_factory=list)
    total: list[Any] | None = None
    note: str = ""
    # Rows (by index) shown in bold, e.g. subtotals in a budget.
    emphasis: set[int] = field(default_factory=set)

    def format_cell(self, value: Any, column: int) -> str:
        return format_value(value, self.columns[column].kind)


@dataclass
class Section:
    title: str
    tables: list[Table]
    intro: str = ""


def format_value(value: Any, kind: str) -> str:
    if value is None:
        return "–"
    if kind == TEXT or isinstance(value, str):
        return str(value)
    if kind == EURO:
        return rounding.format_euro(value)
    if kind == CENTS:
        return rounding.format_cents(value)
    if kind == PERCENT:
        return rounding.format_percentage(value)
    return rounding.format_number(value, PLACES[kind])


def rounded_value(value: Any, kind: str) -> Any:
    """The number an export writes for a cell: rounded half up (shares to 4 decimals
    so that a percentage format shows 2)."""
    if value is None or kind == TEXT or isinstance(value, str | bool):
        return value
    if kind == PERCENT:
        return rounding.round_half_up(value, PLACES[PERCENT] + 2)
    return rounding.round_half_up(value, PLACES[kind])


def _sum(values: list[Decimal | None]) -> Decimal:
    return sum((v for v in values if v is not None), ZERO)


def _block_label(number: int) -> str:
    return f"Bouwsteen {number}"


def build_report(result: FinanceResult, comparison: FinanceResult | None = None) -> list[Section]:
    """All sections of the finance report of one scenario (and a comparison)."""
    s = result.scenario
    sections = [
        _formation_section(result),
        _prevention_section(result),
        _budget_section(result),
        _keys_section(result),
        _cycle_section(result),
    ]
    if comparison is not None:
        sections.append(_comparison_section(result, comparison))
    sections[0].intro = (
        f"Regio {s.regio}, begrotingsjaar {s.jaar}. Verdeelsleutel: {KEY_LABELS[s.sleutel]}; "
        f"opslag facilitering {rounding.format_percentage(s.opslag)}."
    )
    return sections


def _actual(f: FormationResult, actual: Decimal, judgement: str, rmc: bool = False) -> list[Any]:
    """Actual formation and its judgement, or a plain remark when none was given."""
    if not f.formatie_opgegeven:
        return [None, "geen formatie opgegeven"]
    return [actual, (JUDGEMENT_RMC if rmc else JUDGEMENT)[judgement]]


def _formation_section(result: FinanceResult) -> Section:
    n = result.scenario.normen
    rows = result.formatie
    region = result.formatie_regio
    lp = Table(
        "Formatiemeter leerplicht",
        [
            Column("Gemeente"),
            Column("Caseload", COUNT),
            Column("Ondergrens (fte)", FTE),
            Column("Bovengrens (fte)", FTE),
            Column("Actuele formatie (fte)", FTE),
            Column("Oordeel"),
        ],
        [
            [f.naam, f.caseload, f.lp_onder, f.lp_boven, *_actual(f, f.actueel_lp, f.oordeel_lp)]
            for f in rows
        ],
        [
            "Regio",
            region.caseload,
            region.lp_onder,
            region.lp_boven,
            *_actual(region, region.actueel_lp, region.oordeel_lp),
        ],
        note=(
            f"Ondergrens = caseload / {rounding.format_number(n.caseload_per_fte, 0)} "
            f"(wettelijke taken); bovengrens = ondergrens × "
            f"{rounding.format_number(n.factor_boven, 2)} (met preventie). Actuele formatie = "
            "leerplichtambtenaren + administratie + beleid + overig; grenzen inclusief."
        ),
    )
    split_cols = [Column("Gemeente")]
    labels = {
        "lpa": "LPA",
        "administratie": "Administratie/applicatiebeheer",
        "beleid": "Beleid",
        "aansturing": "Aansturing",
    }
    for key, label in labels.items():
        pct = rounding.format_percentage(n.verdeling_lp[key])
        split_cols += [Column(f"{label} {pct} onder", FTE), Column(f"{label} {pct} boven", FTE)]
    split = Table(
        "Indicatieve verdeling van de formatie leerplicht (fte)",
        split_cols,
        [
            [f.naam] + [x for k in labels for x in (f.verdeling_onder[k], f.verdeling_boven[k])]
            for f in rows
        ],
        ["Regio"]
        + [x for k in labels for x in (region.verdeling_onder[k], region.verdeling_boven[k])],
    )
    rmc = Table(
        "Formatiemeter RMC",
        [
            Column("Gemeente"),
            Column("Inwoners 18-22 jaar", COUNT),
            Column("Norm (fte)", FTE),
            Column("Actuele formatie (fte)", FTE),
            Column("Oordeel"),
        ],
        [
            [f.naam, f.inwoners_18_22, f.rmc, *_actual(f, f.actueel_rmc, f.oordeel_rmc, rmc=True)]
            for f in rows
        ],
        [
            "Regio",
            region.inwoners_18_22,
            region.rmc,
            *_actual(region, region.actueel_rmc, region.oordeel_rmc, rmc=True),
        ],
        note=f"Norm = inwoners 18-22 jaar / {rounding.format_number(n.rmc_inwoners_per_fte, 0)}.",
    )
    boa = result.boa
    boa_table = Table(
        "Advies BOA-formatie (bouwsteen 3)",
        [
            Column("Processen-verbaal per jaar", COUNT),
            Column("Uren per pv", HOURS),
            Column("Productieve uren per fte per jaar", HOURS),
            Column("Advies (fte)", FTE),
            Column("Team in scenario (fte)", FTE),
        ],
        [[boa.pv_per_jaar, boa.uren_per_pv, boa.uren_per_fte_per_jaar, boa.fte, boa.team_fte]],
    )
    return Section("Formatie", [lp, split, rmc, boa_table])


def _prevention_section(result: FinanceResult) -> Section:
    p = result.preventie
    week = result.scenario.normen.uren_per_week
    table = Table(
        "Preventie op scholen",
        [
            Column("Gemeente"),
            Column("Uren per week eigen scholen", HOURS),
            Column("Fte eigen scholen", FTE),
            Column("Aandeel jeugd 5-22", PERCENT),
            Column("Eerlijk deel (uren per week)", HOURS),
            Column("Eerlijk deel (fte)", FTE),
            Column("Verschil (uren per week)", HOURS),
        ],
        [
            [
                r.naam,
                r.uren_per_week,
                r.fte,
                r.aandeel_jeugd,
                r.eerlijk_deel_uren,
                r.eerlijk_deel_fte,
                r.verschil_uren,
            ]
            for r in p.rows
        ],
        note=(
            "De gemeente waar een school gevestigd is levert de preventie. Het eerlijk deel is het "
            "aandeel jeugd 5-22 jaar van alle preventie (ook scholen buiten de regio en gedeelde "
            "taken). Positief verschil: de gemeente levert inzet elders; negatief: zij ontvangt inzet."
        ),
    )
    table.rows.append(
        [
            "Scholen buiten de regio",
            p.buiten_regio_uren,
            p.buiten_regio_uren / week,
            None,
            None,
            None,
            None,
        ]
    )
    table.rows.append(
        [
            "Gedeelde taken",
            p.gedeelde_taken_uren,
            p.gedeelde_taken_uren / week,
            None,
            None,
            None,
            None,
        ]
    )
    table.total = [
        "Regio",
        p.totaal_uren,
        p.totaal_fte,
        _sum([r.aandeel_jeugd for r in p.rows]),
        _sum([r.eerlijk_deel_uren for r in p.rows]),
        _sum([r.eerlijk_deel_fte for r in p.rows]),
        _sum([r.verschil_uren for r in p.rows]),
    ]
    return Section("Preventie", [table])


def _budget_section(result: FinanceResult) -> Section:
    s = result.scenario
    tables = []
    for b in result.bouwstenen:
        lines = Table(
            f"{_block_label(b.nummer)}: {b.naam} — begroting {s.jaar}",
            [Column("Post"), Column("Fte", FTE), Column("Schaal"), Column("Bedrag", EURO)],
        )
        for t in b.team:
            lines.rows.append([t.functie, t.fte, t.schaal, t.bedrag])
        lines.emphasis.add(len(lines.rows))
        lines.rows.append(["Personeelskosten", b.fte, "", b.personeel])
        lines.rows.append(
            [f"Opslag facilitering {rounding.format_percentage(s.opslag)}", "", "", b.opslag]
        )
        for text, amount in b.overige_kosten:
            lines.rows.append([text, "", "", amount])
        lines.emphasis.add(len(lines.rows))
        lines.rows.append(["Kosten", "", "", b.kosten])
        for i in b.baten_regels:
            lines.rows.append(
                [
                    f"Af: {i.omschrijving}",
                    i.fte if i.fte is not None else "",
                    i.schaal or "",
                    -i.bedrag,
                ]
            )
        lines.rows.append(["Baten", "", "", -b.baten])
        lines.total = ["Te verdelen over de gemeenten", "", "", b.te_verdelen]
        tables.append(lines)
        if b.doorberekend:
            contributions = Table(
                f"{_block_label(b.nummer)}: bijdragen ({KEY_LABELS[b.sleutel]})",
                [Column("Gemeente"), Column("Aandeel", PERCENT), Column("Bijdrage", EURO)],
                [[result.naam(code), b.aandelen[code], b.bijdragen[code]] for code in b.betalers],
                ["Totaal", _sum(list(b.aandelen.values())), _sum(list(b.bijdragen.values()))],
            )
            if b.nummer == 3 and len(b.betalers) < len(b.deelnemers):
                contributions.note = (
                    "Gemeenten die deelnemen aan bouwsteen 2 betalen niet voor bouwsteen 3 "
                    "(de BOA-taak zit in bouwsteen 2)."
                )
            tables.append(contributions)
        else:
            lines.note = (
                "Geen gemeente betaalt voor deze bouwsteen (deelnemers aan bouwsteen 2 betalen niet "
                "voor bouwsteen 3); de kosten worden getoond maar niet doorberekend."
                if b.deelnemers
                else "Geen gemeente neemt deel aan deze bouwsteen; de kosten worden getoond maar "
                "niet doorberekend."
            )
    overview = Table(
        "Bijdragen per gemeente",
        [Column("Gemeente")]
        + [Column(_block_label(b.nummer), EURO) for b in result.bouwstenen]
        + [Column("Totaal", EURO)],
        [
            [m.naam]
            + [b.bijdragen.get(m.code) for b in result.bouwstenen]
            + [result.totaal_per_gemeente[m.code]]
            for m in s.gemeenten
        ],
        ["Totaal"]
        + [_sum(list(b.bijdragen.values())) for b in result.bouwstenen]
        + [result.totaal],
        note="Bedragen in hele euro's; een totaal is de afronding van de onafgeronde som en kan "
        "daardoor € 1 verschillen van de som van de getoonde bedragen.",
    )
    return Section("Begroting en bijdragen", [overview, *tables])


def _keys_section(result: FinanceResult) -> Section:
    s = result.scenario
    keys = [k for k in KEYS if any(k in row for row in result.totaal_per_sleutel.values())]
    share_keys = [k for k in KEYS if any(k in row for row in result.sleutels.values())]
    table = Table(
        "Vergelijking van verdeelsleutels",
        [Column("Gemeente")]
        + [Column(f"Aandeel {KEY_LABELS[k]}", PERCENT) for k in share_keys]
        + [Column(f"Bijdrage bij {KEY_LABELS[k]}", EURO) for k in keys]
        + [Column("Bijdrage in dit scenario", EURO)],
        [
            [m.naam]
            + [result.sleutels[m.code].get(k) for k in share_keys]
            + [result.totaal_per_sleutel[m.code].get(k) for k in keys]
            + [result.totaal_per_gemeente[m.code]]
            for m in s.gemeenten
        ],
        ["Totaal"]
        + [_sum([result.sleutels[m.code].get(k) for m in s.gemeenten]) for k in share_keys]
        + [_sum([result.totaal_per_sleutel[m.code].get(k) for m in s.gemeenten]) for k in keys]
        + [result.totaal],
        note="Aandelen over de hele regio; bijdragen als die sleutel voor alle bouwstenen gold "
        "(aandelen dan steeds onder de deelnemers van elke bouwsteen). Inwoners = 5-17 jaar; "
        "problematiek = caseload + verlofaanvragen.",
    )
    return Section("Verdeelsleutels", [table])


def _cycle_section(result: FinanceResult) -> Section:
    s = result.scenario
    c = result.cyclus
    names = {m.code: m.naam for m in s.gemeenten}
    t = c.termijnen
    dates = Table(
        "Termijnen begrotingscyclus",
        [Column("Stap"), Column("Uiterlijk")],
        [
            [
                f"Ontwerpbegroting {s.jaar} naar de gemeenten",
                t["ontwerpbegroting"].strftime("%d-%m-%Y"),
            ],
            ["Reactie gemeenten op hun bijdrage", t["zienswijze_gemeenten"].strftime("%d-%m-%Y")],
            [f"Jaarrekening {s.jaar} naar de gemeenten", t["jaarrekening"].strftime("%d-%m-%Y")],
        ],
        note="Stemt een gemeente niet in met haar bijdrage, dan blijft de bijdrage van het vorige jaar staan.",
    )
    indexed = Table(
        f"Ontwerpbegroting {s.jaar + 1} (indexatie {rounding.format_percentage(c.indexatie)})",
        [
            Column("Bouwsteen"),
            Column("Kosten", EURO),
            Column("Baten", EURO),
            Column("Te verdelen", EURO),
        ],
        [
            [f"{i.nummer}. {i.naam}", i.kosten, i.baten, i.te_verdelen]
            for i in c.begroting_volgend_jaar
        ],
        [
            "Totaal",
            _sum([i.kosten for i in c.begroting_volgend_jaar]),
            _sum([i.baten for i in c.begroting_volgend_jaar]),
            _sum([i.te_verdelen for i in c.begroting_volgend_jaar]),
        ],
    )
    indexed_m = Table(
        f"Bijdragen {s.jaar + 1} na indexatie",
        [
            Column("Gemeente"),
            Column(f"Bijdrage {s.jaar}", EURO),
            Column(f"Bijdrage {s.jaar + 1}", EURO),
        ],
        [
            [names[code], result.totaal_per_gemeente[code], v]
            for code, v in c.bijdragen_volgend_jaar.items()
        ],
        ["Totaal", result.totaal, _sum(list(c.bijdragen_volgend_jaar.values()))],
    )
    tables = [dates, indexed, indexed_m]
    invoices = Table(
        f"Voorschotnota's {s.jaar} (per halfjaar, btw {rounding.format_percentage(s.btw)})",
        [
            Column("Gemeente"),
            Column("Periode"),
            Column("Bijdrage", CENTS),
            Column("Extra diensten (raming)", CENTS),
            Column("Bedrag excl. btw", CENTS),
            Column("Btw", CENTS),
            Column("Bedrag incl. btw", CENTS),
        ],
        [
            [
                names[i.gemeente],
                i.periode,
                i.bijdrage,
                i.extra_diensten,
                i.bedrag_excl_btw,
                i.btw,
                i.bedrag_incl_btw,
            ]
            for i in c.voorschotnotas
        ],
        [
            "Totaal",
            "",
            _sum([i.bijdrage for i in c.voorschotnotas]),
            _sum([i.extra_diensten for i in c.voorschotnotas]),
            _sum([i.bedrag_excl_btw for i in c.voorschotnotas]),
            _sum([i.btw for i in c.voorschotnotas]),
            _sum([i.bedrag_incl_btw for i in c.voorschotnotas]),
        ],
        note="Nota's in euro en cent: de twee halfjaarnota's tellen op tot de jaarbijdrage.",
    )
    tables.append(invoices)
    if c.jaarrekening:
        accounts = Table(
            f"Jaarrekening {s.jaar}: realisatie tegenover begroting",
            [
                Column("Bouwsteen"),
                Column("Begroot", EURO),
                Column("Gerealiseerd", EURO),
                Column("Resultaat", EURO),
                Column("Afwijking", PERCENT),
                Column("Melden (> drempel)"),
            ],
            [
                [
                    f"{a.nummer}. {a.naam}" + ("" if a.doorberekend else " (niet doorberekend)"),
                    a.begroot_kosten,
                    a.gerealiseerd_kosten,
                    a.resultaat,
                    a.afwijking,
                    "ja" if a.boven_drempel else "nee",
                ]
                for a in c.jaarrekening
            ],
            [
                "Totaal doorberekende bouwstenen",
                _sum([a.begroot_kosten for a in c.jaarrekening if a.doorberekend]),
                _sum([a.gerealiseerd_kosten for a in c.jaarrekening if a.doorberekend]),
                c.resultaat,
                None,
                "",
            ],
            note=(
                f"Positief resultaat = overschot. Wijkt de realisatie meer dan "
                f"{rounding.format_percentage(c.drempel_afwijking)} af van de begroting, dan worden "
                "alle opdrachtgevers ingelicht."
            ),
        )
        reserve = Table(
            "Egalisatiereserve en resultaatbestemming",
            [Column("Post"), Column("Bedrag", EURO)],
            [
                ["Stand begin", c.reserve_begin],
                ["Maximum", c.reserve_maximum],
                ["Resultaat", c.resultaat],
                ["Toevoeging aan de reserve", c.naar_reserve],
                ["Onttrekking aan de reserve", c.uit_reserve],
                ["Stand eind", c.reserve_eind],
                ["Uit te keren aan de gemeenten", c.uit_te_keren],
                ["Bij te betalen door de gemeenten", c.bij_te_betalen],
            ],
        )
        tables += [accounts, reserve]
    if c.extra_diensten:
        tables.append(
            Table(
                "Extra diensten (nacalculatie)",
                [
                    Column("Gemeente"),
                    Column("Product"),
                    Column("Prijs", CENTS),
                    Column("Geraamd", HOURS),
                    Column("Gerealiseerd", HOURS),
                    Column("Geraamd bedrag", CENTS),
                    Column("Gerealiseerd bedrag", CENTS),
                    Column("Nacalculatie", CENTS),
                ],
                [
                    [
                        names[e.gemeente],
                        e.product,
                        e.prijs,
                        e.geraamd,
                        e.gerealiseerd,
                        e.geraamd_bedrag,
                        e.gerealiseerd_bedrag,
                        e.nacalculatie,
                    ]
                    for e in c.extra_diensten
                ],
                [
                    "Totaal",
                    "",
                    None,
                    None,
                    None,
                    _sum([e.geraamd_bedrag for e in c.extra_diensten]),
                    _sum([e.gerealiseerd_bedrag for e in c.extra_diensten]),
                    _sum([e.nacalculatie for e in c.extra_diensten]),
                ],
            )
        )
    if c.afrekening:
        tables.append(
            Table(
                f"Afrekening {s.jaar} per gemeente",
                [
                    Column("Gemeente"),
                    Column("Uitkering (+) / bijbetaling (−) resultaat", EURO),
                    Column("Nacalculatie extra diensten", EURO),
                    Column("Saldo te betalen (+) / te ontvangen (−)", EURO),
                ],
                [[names[a.gemeente], a.resultaat, a.extra_diensten, a.saldo] for a in c.afrekening],
                [
                    "Totaal",
                    _sum([a.resultaat for a in c.afrekening]),
                    _sum([a.extra_diensten for a in c.afrekening]),
                    _sum([a.saldo for a in c.afrekening]),
                ],
            )
        )
    return Section("Begrotingscyclus", tables)


def _comparison_section(a: FinanceResult, b: FinanceResult) -> Section:
    rows = compare(a, b)
    title_a = f"{a.scenario.regio} {a.scenario.jaar}"
    title_b = f"{b.scenario.regio} {b.scenario.jaar} (vergelijking)"
    table = Table(
        "Vergelijking van scenario's: bijdrage per gemeente",
        [
            Column("Gemeente"),
            Column(f"Scenario {title_a}", EURO),
            Column(f"Scenario {title_b}", EURO),
            Column("Verschil", EURO),
        ],
        [[r.naam, r.totaal_a, r.totaal_b, r.verschil] for r in rows],
        [
            "Totaal",
            _sum([r.totaal_a for r in rows]),
            _sum([r.totaal_b for r in rows]),
            _sum([r.verschil for r in rows]),
        ],
        note="Verschil = vergelijkingsscenario min dit scenario; positief betekent: de gemeente betaalt meer.",
    )
    numbers = sorted({n for r in rows for n in r.per_bouwsteen})
    per_block = Table(
        "Vergelijking per bouwsteen (verschil)",
        [Column("Gemeente")] + [Column(_block_label(n), EURO) for n in numbers],
        [[r.naam] + [r.per_bouwsteen[n][1] - r.per_bouwsteen[n][0] for n in numbers] for r in rows],
        ["Totaal"]
        + [_sum([r.per_bouwsteen[n][1] - r.per_bouwsteen[n][0] for r in rows]) for n in numbers],
    )
    return Section("Vergelijking", [table, per_block])
