"""The figures of the yearly reports and what each one counts.

One list, used everywhere a figure appears: the art. 25 report (R-30), the
annual report (R-31), the benchmark (R-32), the RMC figures (R-33), their
exports, the API and the targets (streefwaarden). A figure's definition is
shown next to it on screen and written into every export; `VERSION` is stored
with every closed school year, so that a later change of a definition never
silently changes what a council received.

Keys are those of `rbl rapport art25 --json` (interfaces.md); a figure with
codes (report kinds, legal grounds) is a dict keyed by every code, 0 when
none. Counts are per municipality: the municipality that was the principal of
the case on the day of the fact counted (a report's meldingsdatum, the start
of a Halt referral, the date of a decision); the region's figures are counted
by their own query over the whole region, not added up.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from enum import StrEnum

from rbl.cases.models import MeldingSoort
from rbl.registry.models import ExemptionGround

#: Raised whenever a definition below changes what it counts.
VERSION = "2026.1"


class Kind(StrEnum):
    COUNT = "aantal"
    RATE = "ratio"


class Section(StrEnum):
    POPULATION = "Inwoners"
    LEERPLICHT = "Leerplicht"
    RMC = "RMC"
    RATES = "Kengetallen"


@dataclass(frozen=True)
class Figure:
    key: str
    label: str
    definition: str
    section: Section
    kind: Kind = Kind.COUNT
    #: Codes of a figure that is counted per code (report kind, legal ground).
    codes: tuple[tuple[str, str], ...] = ()
    #: Whether more is better (for a target: "at least" or "at most").
    higher_is_better: bool = False
    decimals: int = 0

    @property
    def is_rate(self) -> bool:
        return self.kind == Kind.RATE


SOORTEN = tuple((s.value, s.label) for s in MeldingSoort)
GRONDEN = tuple((g.value, g.label) for g in ExemptionGround)

FIGURES: tuple[Figure, ...] = (
    Figure(
        "leerplichtigen",
        "Leerplichtigen",
        "Inwoners die op 1 oktober van het schooljaar leerplichtig zijn (5 jaar tot en met "
        "het schooljaar waarin zij 16 worden), volgens de woonhistorie uit de BRP.",
        Section.POPULATION,
    ),
    Figure(
        "kwalificatieplichtigen",
        "Kwalificatieplichtigen",
        "Inwoners die op 1 oktober van het schooljaar kwalificatieplichtig zijn (na de "
        "leerplicht tot 18 jaar, zonder startkwalificatie).",
        Section.POPULATION,
    ),
    Figure(
        "verzuimmeldingen",
        "Verzuimmeldingen",
        "Verzuimmeldingen van DUO met een meldingsdatum in het schooljaar, per soort, bij de "
        "gemeente die op de meldingsdatum opdrachtgever was van de zaak waar de melding bij "
        "hoort. Meldingen die niet aan een zaak gekoppeld zijn, staan apart.",
        Section.LEERPLICHT,
        codes=SOORTEN,
    ),
    Figure(
        "verzuimzaken",
        "Verzuimzaken geopend",
        "Zaken absoluut en relatief verzuim (16 uur, langdurig, luxe, signaal, overig) die in "
        "het schooljaar zijn geopend.",
        Section.LEERPLICHT,
    ),
    Figure(
        "verzuimmeldingen_niet_gekoppeld",
        "Verzuimmeldingen niet gekoppeld",
        "Verzuimmeldingen met een meldingsdatum in het schooljaar die (nog) bij geen zaak horen, "
        "meestal omdat het BSN niet in de BRP-gegevens van de regio voorkomt. Alleen voor de "
        "regio: zonder zaak is er geen gemeente.",
        Section.LEERPLICHT,
    ),
    Figure(
        "absoluut_verzuim",
        "Absoluut verzuim",
        "Zaken absoluut verzuim (leerplichtige jongere niet ingeschreven op een school) die in "
        "het schooljaar zijn geopend.",
        Section.LEERPLICHT,
    ),
    Figure(
        "vrijstellingen",
        "Vrijstellingen",
        "Vrijstellingen met een besluitdatum in het schooljaar, per wettelijke grond, bij de "
        "gemeente die het besluit nam.",
        Section.LEERPLICHT,
        codes=GRONDEN,
    ),
    Figure(
        "verlof",
        "Verlofaanvragen beslist",
        "Aanvragen voor extra verlof (art. 11f en 14) waarop de leerplichtambtenaar in het "
        "schooljaar besliste.",
        Section.LEERPLICHT,
    ),
    Figure(
        "verlof_toegekend",
        "Verlof toegekend",
        "Van de beslissingen op verlof: geheel of gedeeltelijk toegekend.",
        Section.LEERPLICHT,
    ),
    Figure(
        "verlof_afgewezen",
        "Verlof afgewezen",
        "Van de beslissingen op verlof: afgewezen.",
        Section.LEERPLICHT,
    ),
    Figure(
        "halt",
        "Halt-verwijzingen",
        "Verwijzingen naar Halt die in het schooljaar zijn gestart.",
        Section.LEERPLICHT,
    ),
    Figure(
        "pv",
        "Processen-verbaal",
        "Processen-verbaal (art. 22 en 26 Leerplichtwet) die in het schooljaar zijn gestart.",
        Section.LEERPLICHT,
    ),
    Figure(
        "thuiszitters",
        "Thuiszitters",
        "Jongeren die op enige dag van het schooljaar thuiszitter waren: absoluut verzuim, of "
        "relatief verzuim dat langer dan vier weken duurde, zonder dat de jongere weer naar "
        "school ging. Elke jongere telt één keer.",
        Section.LEERPLICHT,
    ),
    Figure(
        "thuiszitters_kort",
        "Thuiszitters korter dan drie maanden",
        "Van de thuiszitters: jongeren die in het schooljaar korter dan drie maanden thuis zaten.",
        Section.LEERPLICHT,
    ),
    Figure(
        "thuiszitters_lang",
        "Thuiszitters drie maanden of langer",
        "Van de thuiszitters: jongeren die in het schooljaar drie maanden of langer thuis "
        "zaten (gerekend vanaf de eerste verzuimdag).",
        Section.LEERPLICHT,
    ),
    Figure(
        "vsv",
        "Voortijdig schoolverlaters",
        "Jongeren van 12 tot 23 jaar die in het schooljaar zonder startkwalificatie van school "
        "gingen (de VSV-lijsten van DUO), bij hun woongemeente op de dag van uitschrijving.",
        Section.RMC,
    ),
    Figure(
        "deelnemers",
        "Deelnemers onderwijs 12-22 jaar",
        "Inwoners van 12 tot 23 jaar die op 1 oktober van het schooljaar op een school "
        "ingeschreven zijn: de noemer van het VSV-percentage. Geldt op 1 oktober een "
        "hogere of lagere leeftijdsgrens voor de RMC-doelgroep, dan telt die grens in "
        "plaats van 23.",
        Section.RMC,
    ),
    Figure(
        "rmc_trajecten",
        "RMC-trajecten gestart",
        "RMC-zaken (jongeren zonder startkwalificatie van 18 jaar tot de leeftijdsgrens van "
        "de RMC-doelgroep, nu 23, en voortijdig schoolverlaters) die in het schooljaar zijn "
        "geopend.",
        Section.RMC,
    ),
    Figure(
        "rmc_naar_school",
        "RMC-trajecten afgesloten: terug naar school",
        "RMC-zaken afgesloten in het schooljaar omdat de jongere weer een opleiding volgt.",
        Section.RMC,
        higher_is_better=True,
    ),
    Figure(
        "rmc_naar_werk",
        "RMC-trajecten afgesloten: werk",
        "RMC-zaken afgesloten in het schooljaar omdat de jongere werk heeft.",
        Section.RMC,
        higher_is_better=True,
    ),
    Figure(
        "rmc_overig",
        "RMC-trajecten afgesloten: anders",
        "RMC-zaken afgesloten in het schooljaar om een andere reden (verhuisd, buiten de "
        "leeftijd, niet bereikbaar, overig).",
        Section.RMC,
    ),
    Figure(
        "verzuim_per_1000",
        "Verzuimmeldingen per 1.000 leer- en kwalificatieplichtigen",
        "Alle verzuimmeldingen van de gemeente gedeeld door het aantal leerplichtigen plus "
        "kwalificatieplichtigen op 1 oktober, maal 1.000.",
        Section.RATES,
        kind=Kind.RATE,
        decimals=1,
    ),
    Figure(
        "absoluut_per_1000",
        "Absoluut verzuim per 1.000 leerplichtigen",
        "Zaken absoluut verzuim gedeeld door het aantal leerplichtigen op 1 oktober, maal 1.000.",
        Section.RATES,
        kind=Kind.RATE,
        decimals=1,
    ),
    Figure(
        "vrijstellingen_per_1000",
        "Vrijstellingen per 1.000 leerplichtigen",
        "Alle vrijstellingen van het schooljaar gedeeld door het aantal leerplichtigen op "
        "1 oktober, maal 1.000.",
        Section.RATES,
        kind=Kind.RATE,
        decimals=1,
    ),
    Figure(
        "pv_per_100_zaken",
        "Processen-verbaal per 100 verzuimzaken",
        "Processen-verbaal gedeeld door het aantal verzuimzaken (absoluut en relatief verzuim) "
        "dat in het schooljaar is geopend, maal 100.",
        Section.RATES,
        kind=Kind.RATE,
        decimals=1,
    ),
    Figure(
        "thuiszitters_per_1000",
        "Thuiszitters per 1.000 leer- en kwalificatieplichtigen",
        "Thuiszitters gedeeld door het aantal leerplichtigen plus kwalificatieplichtigen op "
        "1 oktober, maal 1.000.",
        Section.RATES,
        kind=Kind.RATE,
        decimals=1,
    ),
    Figure(
        "vsv_pct",
        "VSV-percentage",
        "Voortijdig schoolverlaters gedeeld door het aantal deelnemers op 1 oktober (12 jaar "
        "tot de leeftijdsgrens van de RMC-doelgroep), maal 100.",
        Section.RATES,
        kind=Kind.RATE,
        decimals=2,
    ),
)

BY_KEY: dict[str, Figure] = {f.key: f for f in FIGURES}
COUNTS: tuple[Figure, ...] = tuple(f for f in FIGURES if not f.is_rate)
RATES: tuple[Figure, ...] = tuple(f for f in FIGURES if f.is_rate)
#: Figures that only exist for the region as a whole.
REGION_ONLY = frozenset({"verzuimmeldingen_niet_gekoppeld"})


def figure(key: str) -> Figure:
    """The figure of `key`; a key of one code ("verzuimmeldingen.LUXE") gives its figure."""
    return BY_KEY[key.split(".", 1)[0]]


def target_keys() -> list[tuple[str, str]]:
    """Every figure and code a target (streefwaarde) can be set for: (key, label)."""
    keys: list[tuple[str, str]] = []
    for f in FIGURES:
        keys.append((f.key, f.label))
        keys += [(f"{f.key}.{code}", f"{f.label}: {label}") for code, label in f.codes]
    return keys


# -- school years ---------------------------------------------------------------


@dataclass(frozen=True, order=True)
class SchoolYear:
    """1 August up to and including 31 July; written "2024-2025"."""

    first_year: int

    @classmethod
    def parse(cls, text: str) -> SchoolYear:
        """'2024-2025' → SchoolYear(2024); anything else raises ValueError with a
        Dutch message."""
        parts = text.strip().split("-")
        if len(parts) == 2 and all(p.isdigit() and len(p) == 4 for p in parts):
            first, second = int(parts[0]), int(parts[1])
            if second == first + 1 and 1900 < first < 2200:
                return cls(first)
        raise ValueError(
            f"'{text}' is geen schooljaar; schrijf het als twee opeenvolgende jaren, "
            "bijvoorbeeld 2024-2025."
        )

    @classmethod
    def of(cls, day: dt.date) -> SchoolYear:
        return cls(day.year if day.month >= 8 else day.year - 1)

    @property
    def start(self) -> dt.date:
        return dt.date(self.first_year, 8, 1)

    @property
    def end(self) -> dt.date:
        return dt.date(self.first_year + 1, 7, 31)

    @property
    def count_day(self) -> dt.date:
        """1 October: the day the population figures are taken."""
        return dt.date(self.first_year, 10, 1)

    @property
    def previous(self) -> SchoolYear:
        return SchoolYear(self.first_year - 1)

    def __str__(self) -> str:
        return f"{self.first_year}-{self.first_year + 1}"
