"""The scenario of `rbl financien`: typed model and a strict validator.

The file format is described in the spec (finance.md, "Scenario file"). The
validator collects every problem it finds, each with the place in the file
(``gemeenten[3].inwoners.5-15``, list positions counted from 0) and a Dutch
reason, so that a user can fix a file in one go. Numbers become ``Decimal``
exactly as written (``0.1`` is one tenth, not the nearest binary fraction).
"""

from __future__ import annotations

import difflib
import math
import re
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from rbl.finance.scenario_io import SourceInt

KEYS = ("inwoners", "problematiek", "leerlingen", "vast")
KEY_LABELS = {
    "inwoners": "inwoners 5-17 jaar",
    "problematiek": "problematiek",
    "leerlingen": "leerlingen",
    "vast": "vaste aandelen",
}
SCHOOL_TYPES = ("PO", "SO", "VSO", "PRO", "VO", "MBO")
LP_SPLIT_KEYS = ("lpa", "administratie", "beleid", "aansturing")

DEFAULT_PREVENTION_HOURS: dict[str, Decimal] = {
    "PO": Decimal("0.1"),
    "SO": Decimal("1"),
    "VSO": Decimal("1"),
    "PRO": Decimal("1"),
    "VO": Decimal("2"),
    "MBO": Decimal("6"),
}
DEFAULT_LP_SPLIT: dict[str, Decimal] = {
    "lpa": Decimal("0.70"),
    "administratie": Decimal("0.20"),
    "beleid": Decimal("0.05"),
    "aansturing": Decimal("0.05"),
}
ZERO = Decimal(0)
ONE = Decimal(1)


class ScenarioInvalid(Exception):
    """The scenario was rejected; `problems` holds (place in the file, Dutch reason)."""

    def __init__(self, problems: list[tuple[str, str]]):
        self.problems = problems
        super().__init__("\n".join(self.errors))

    @property
    def errors(self) -> list[str]:
        """One Dutch line per problem: ``place: reason``."""
        return [f"{place}: {reason}" if place else reason for place, reason in self.problems]


@dataclass(frozen=True)
class Norms:
    """The constants of the formation and prevention rules (defaults from finance.md)."""

    caseload_per_fte: Decimal = Decimal(135)
    factor_boven: Decimal = Decimal("1.66")
    rmc_inwoners_per_fte: Decimal = Decimal(3800)
    uren_per_week: Decimal = Decimal(36)
    uren_per_fte_per_jaar: Decimal = Decimal(1440)
    uren_per_pv: Decimal = Decimal(20)
    preventie_uren: dict[str, Decimal] = field(
        default_factory=lambda: dict(DEFAULT_PREVENTION_HOURS)
    )
    verdeling_lp: dict[str, Decimal] = field(default_factory=lambda: dict(DEFAULT_LP_SPLIT))


@dataclass(frozen=True)
class Formation:
    """Actual formation (fte) of a municipality per function."""

    lpa: Decimal = ZERO
    administratie: Decimal = ZERO
    beleid: Decimal = ZERO
    overig: Decimal = ZERO
    rmc: Decimal = ZERO

    @property
    def leerplicht(self) -> Decimal:
        return self.lpa + self.administratie + self.beleid + self.overig


@dataclass(frozen=True)
class Municipality:
    code: str
    naam: str
    inwoners_5_15: Decimal
    inwoners_16_17: Decimal
    inwoners_18_22: Decimal
    caseload: Decimal = ZERO
    verlofaanvragen: Decimal = ZERO
    leerlingen: Decimal = ZERO
    aandeel: Decimal | None = None
    scholen: dict[str, Decimal] = field(default_factory=dict)
    formatie: Formation = field(default_factory=Formation)
    bouwstenen: tuple[int, ...] = ()
    formatie_opgegeven: bool = False  # whether the file gave an actual formation

    @property
    def inwoners_5_17(self) -> Decimal:
        return self.inwoners_5_15 + self.inwoners_16_17

    @property
    def jeugd_5_22(self) -> Decimal:
        return self.inwoners_5_15 + self.inwoners_16_17 + self.inwoners_18_22

    @property
    def problematiek(self) -> Decimal:
        return self.caseload + self.verlofaanvragen

    def key_value(self, key: str) -> Decimal:
        """The quantity of this municipality that allocation key `key` shares by."""
        if key == "inwoners":
            return self.inwoners_5_17
        if key == "problematiek":
            return self.problematiek
        if key == "leerlingen":
            return self.leerlingen
        if key == "vast":
            return self.aandeel if self.aandeel is not None else ZERO
        raise ValueError(f"unknown key {key}")


@dataclass(frozen=True)
class TeamLine:
    functie: str
    fte: Decimal
    schaal: str


@dataclass(frozen=True)
class CostLine:
    omschrijving: str
    bedrag: Decimal


@dataclass(frozen=True)
class IncomeLine:
    """Other income: a fixed amount, or fte × scale cost × (1 + overhead)."""

    omschrijving: str
    bedrag: Decimal | None = None
    fte: Decimal | None = None
    schaal: str | None = None


@dataclass(frozen=True)
class Block:
    nummer: int
    naam: str
    team: tuple[TeamLine, ...]
    sleutel: str | None = None
    overige_kosten: tuple[CostLine, ...] = ()
    overige_baten: tuple[IncomeLine, ...] = ()


@dataclass(frozen=True)
class Reserve:
    stand: Decimal = ZERO
    maximum: Decimal = ZERO


@dataclass(frozen=True)
class ExtraService:
    gemeente: str
    product: str
    prijs: Decimal
    geraamd: Decimal
    gerealiseerd: Decimal | None = None


@dataclass(frozen=True)
class BudgetCycle:
    egalisatiereserve: Reserve = field(default_factory=Reserve)
    realisatie: dict[int, Decimal] = field(default_factory=dict)
    extra_diensten: tuple[ExtraService, ...] = ()
    drempel_afwijking: Decimal = Decimal("0.10")


@dataclass(frozen=True)
class Scenario:
    regio: str
    jaar: int
    sleutel: str
    opslag: Decimal
    schalen: dict[str, Decimal]
    gemeenten: tuple[Municipality, ...]
    bouwstenen: dict[int, Block]
    btw: Decimal = ZERO
    indexatie: Decimal = ZERO
    normen: Norms = field(default_factory=Norms)
    gedeelde_taken_uren_per_week: Decimal = ZERO
    pv_per_jaar: Decimal = ZERO
    scholen_buiten_regio: dict[str, Decimal] = field(default_factory=dict)
    begrotingscyclus: BudgetCycle = field(default_factory=BudgetCycle)

    def municipality(self, code: str) -> Municipality:
        for m in self.gemeenten:
            if m.code == code:
                return m
        raise KeyError(code)

    def key_of(self, block: int) -> str:
        """The allocation key of a block: its own override or the scenario's key."""
        return self.bouwstenen[block].sleutel or self.sleutel

    def participants(self, block: int) -> tuple[Municipality, ...]:
        """Municipalities that list the block."""
        return tuple(m for m in self.gemeenten if block in m.bouwstenen)

    def payers(self, block: int) -> tuple[Municipality, ...]:
        """Municipalities that pay for the block: block 2 includes block 3 (R-42)."""
        members = self.participants(block)
        if block == 3:
            members = tuple(m for m in members if 2 not in m.bouwstenen)
        return members


# --------------------------------------------------------------------------- validation

_MISSING = object()
_CODE_RE = re.compile(r"^\d{4}$")


class _Checker:
    """Collects problems while reading raw data into the typed model."""

    def __init__(self) -> None:
        self.errors: list[tuple[str, str]] = []

    def error(self, path: str, message: str) -> None:
        self.errors.append((path, message))

    # -- structure

    def mapping(
        self,
        value: Any,
        path: str,
        allowed: tuple[str, ...],
        required: tuple[str, ...] = (),
        what: str = "",
    ) -> dict[str, Any] | None:
        if not isinstance(value, dict):
            self.error(path or "(bestand)", f"moet een lijst van sleutels en waarden zijn{what}")
            return None
        result: dict[str, Any] = {}
        for key, item in value.items():
            skey = str(key)
            if skey not in allowed:
                hint = difflib.get_close_matches(skey, allowed, n=1)
                suggestion = f"; bedoelt u '{hint[0]}'?" if hint else ""
                self.error(
                    _join(path, skey),
                    f"onbekende sleutel{suggestion} (toegestaan: {', '.join(allowed)})",
                )
                continue
            result[skey] = item
        for key in required:
            if key not in result:
                self.error(_join(path, key), "ontbreekt (verplicht)")
        return result

    def sequence(self, value: Any, path: str) -> list[Any]:
        if value is None:
            return []
        if not isinstance(value, list):
            self.error(path, "moet een lijst zijn")
            return []
        return value

    # -- values

    def number(
        self,
        value: Any,
        path: str,
        *,
        whole: bool = False,
        allow_zero: bool = True,
        maximum: Decimal | None = None,
    ) -> Decimal | None:
        if value is None:
            self.error(path, "ontbreekt (geen waarde ingevuld)")
            return None
        if isinstance(value, bool):
            self.error(path, f"moet een getal zijn, niet '{'ja' if value else 'nee'}'")
            return None
        if isinstance(value, str):
            self.error(path, f"moet een getal zijn, niet de tekst '{value}'")
            return None
        if isinstance(value, float):
            if math.isnan(value) or math.isinf(value):
                self.error(path, "is geen geldig getal")
                return None
            number = Decimal(repr(value))
        elif isinstance(value, int | Decimal):
            try:
                number = Decimal(value)
            except InvalidOperation:
                self.error(path, "is geen geldig getal")
                return None
            if not number.is_finite():
                self.error(path, "is geen geldig getal")
                return None
        else:
            self.error(path, "moet een getal zijn")
            return None
        if number < 0:
            self.error(path, f"mag niet negatief zijn ({_show(number)})")
            return None
        if not allow_zero and number == 0:
            self.error(path, "moet groter dan 0 zijn")
            return None
        if whole and number != number.to_integral_value():
            self.error(path, f"moet een geheel getal zijn ({_show(number)})")
            return None
        if maximum is not None and number > maximum:
            self.error(path, f"mag niet groter zijn dan {_show(maximum)} ({_show(number)})")
            return None
        return number

    def optional_number(
        self, data: dict[str, Any], key: str, path: str, default: Decimal = ZERO, **kwargs: Any
    ) -> Decimal:
        if key not in data:
            return default
        result = self.number(data[key], _join(path, key), **kwargs)
        return default if result is None else result

    def text(self, value: Any, path: str) -> str | None:
        if value is None or (isinstance(value, str) and not value.strip()):
            self.error(path, "ontbreekt (lege tekst)")
            return None
        if isinstance(value, bool | dict | list):
            self.error(path, "moet een tekst zijn")
            return None
        return str(value).strip()

    def code(self, value: Any, path: str) -> str | None:
        if isinstance(value, int) and not isinstance(value, bool):
            written = value.source if isinstance(value, SourceInt) else str(value)
            digits = re.sub(r"\D", "", written)
            suggestion = digits.zfill(4) if len(digits) <= 4 else digits
            self.error(
                path,
                f"de gemeentecode {written} is als getal gelezen"
                + (
                    f" (YAML leest {written} als {int(value)})"
                    if str(int(value)) != written
                    else ""
                )
                + f'; zet de code tussen aanhalingstekens, bijvoorbeeld "{suggestion}"',
            )
            return None
        if not isinstance(value, str):
            self.error(
                path, "moet een CBS-gemeentecode van 4 cijfers zijn, tussen aanhalingstekens"
            )
            return None
        if not _CODE_RE.match(value):
            self.error(path, f"'{value}' is geen CBS-gemeentecode van 4 cijfers")
            return None
        return value

    def block_number(self, value: Any, path: str) -> int | None:
        if isinstance(value, bool):
            self.error(path, "moet een bouwsteennummer zijn")
            return None
        if isinstance(value, int):
            number = int(value)
        elif isinstance(value, str) and value.strip().isdigit():
            number = int(value.strip())
        else:
            self.error(path, f"'{value}' is geen bouwsteennummer (een geheel getal, bijv. 1)")
            return None
        if number < 1:
            self.error(path, f"bouwsteennummer {number} moet 1 of hoger zijn")
            return None
        return number

    def scale(self, value: Any, path: str) -> str | None:
        if isinstance(value, bool) or value is None or isinstance(value, dict | list | float):
            self.error(path, "moet een salarisschaal zijn (bijv. 7)")
            return None
        if isinstance(value, Decimal):
            if value != value.to_integral_value():
                self.error(path, "moet een salarisschaal zijn (bijv. 7)")
                return None
            value = int(value)
        text = str(int(value)) if isinstance(value, int) else str(value).strip()
        if not text:
            self.error(path, "moet een salarisschaal zijn (bijv. 7)")
            return None
        return text


def _join(path: str, key: str | int) -> str:
    if isinstance(key, int):
        return f"{path}[{key}]"
    return f"{path}.{key}" if path else key


def _show(number: Decimal) -> str:
    text = format(number.normalize(), "f") if number == number.to_integral_value() else str(number)
    return text.replace(".", ",")


TOP_KEYS = (
    "regio",
    "jaar",
    "sleutel",
    "opslag",
    "btw",
    "indexatie",
    "schalen",
    "normen",
    "gedeelde_taken_uren_per_week",
    "pv_per_jaar",
    "gemeenten",
    "scholen_buiten_regio",
    "bouwstenen",
    "begrotingscyclus",
)
TOP_REQUIRED = ("regio", "jaar", "sleutel", "opslag", "schalen", "gemeenten", "bouwstenen")
MUNICIPALITY_KEYS = (
    "code",
    "naam",
    "inwoners",
    "caseload",
    "verlofaanvragen",
    "leerlingen",
    "aandeel",
    "scholen",
    "formatie",
    "bouwstenen",
)
MUNICIPALITY_REQUIRED = ("code", "naam", "inwoners", "bouwstenen")
AGE_BANDS = ("5-15", "16-17", "18-22")
FORMATION_KEYS = ("lpa", "administratie", "beleid", "overig", "rmc")
NORM_KEYS = (
    "caseload_per_fte",
    "factor_boven",
    "rmc_inwoners_per_fte",
    "uren_per_week",
    "uren_per_fte_per_jaar",
    "uren_per_pv",
    "preventie_uren",
    "verdeling_lp",
)
BLOCK_KEYS = ("naam", "sleutel", "team", "overige_kosten", "overige_baten")
CYCLE_KEYS = ("egalisatiereserve", "realisatie", "extra_diensten", "drempel_afwijking")


def validate_scenario(data: Any) -> Scenario:
    """Turn parsed scenario data into a `Scenario`, or raise `ScenarioInvalid`."""
    c = _Checker()
    top = c.mapping(data, "", TOP_KEYS, TOP_REQUIRED, what=" (een scenario begint met 'regio:')")
    if top is None:
        raise ScenarioInvalid(c.errors)

    regio = c.text(top.get("regio"), "regio") if "regio" in top else None
    jaar_value = c.number(top["jaar"], "jaar", whole=True) if "jaar" in top else None
    if jaar_value is not None and not 1990 <= jaar_value <= 2200:
        c.error("jaar", f"{_show(jaar_value)} is geen geldig begrotingsjaar")
        jaar_value = None

    sleutel = None
    if "sleutel" in top:
        sleutel = _key(c, top["sleutel"], "sleutel")
    opslag = c.optional_number(top, "opslag", "", maximum=Decimal(10)) if "opslag" in top else None
    btw = c.optional_number(top, "btw", "", maximum=ONE)
    indexatie = c.optional_number(top, "indexatie", "", maximum=ONE)
    gedeeld = c.optional_number(top, "gedeelde_taken_uren_per_week", "")
    pv = c.optional_number(top, "pv_per_jaar", "")

    schalen: dict[str, Decimal] = {}
    if "schalen" in top:
        raw = top["schalen"]
        if not isinstance(raw, dict) or not raw:
            c.error(
                "schalen",
                "moet per salarisschaal de werkgeverslasten per fte geven (bijv. 7: 57111)",
            )
        else:
            for key, value in raw.items():
                scale = c.scale(key, f"schalen.{key}")
                amount = c.number(value, f"schalen.{key}", allow_zero=False)
                if scale is not None and amount is not None:
                    schalen[scale] = amount

    normen = _norms(c, top.get("normen"), "normen") if "normen" in top else Norms()
    school_types = tuple(normen.preventie_uren)

    blocks: dict[int, Block] = {}
    if "bouwstenen" in top:
        raw_blocks = top["bouwstenen"]
        if not isinstance(raw_blocks, dict):
            c.error("bouwstenen", "moet per bouwsteennummer een bouwsteen geven (bijv. 1: {...})")
        else:
            for key, value in raw_blocks.items():
                path = f"bouwstenen.{key}"
                number = c.block_number(key, path)
                block = _block(c, value, path, number or 0, schalen, "schalen" in top)
                if number is not None and block is not None:
                    if number in blocks:
                        c.error(path, f"bouwsteen {number} komt twee keer voor")
                    blocks[number] = block

    municipalities: list[Municipality] = []
    if "gemeenten" in top:
        raw_list = top["gemeenten"]
        if not isinstance(raw_list, list) or not raw_list:
            c.error("gemeenten", "moet een lijst met minstens één gemeente zijn")
        else:
            seen: dict[str, str] = {}
            for i, raw in enumerate(raw_list):
                path = f"gemeenten[{i}]"
                m = _municipality(c, raw, path, school_types, blocks, "bouwstenen" in top)
                if m is None:
                    continue
                if m.code in seen:
                    c.error(f"{path}.code", f"code {m.code} komt al voor bij {seen[m.code]}")
                    continue
                seen[m.code] = m.naam
                municipalities.append(m)

    buiten: dict[str, Decimal] = {}
    if "scholen_buiten_regio" in top:
        buiten = _school_counts(
            c, top["scholen_buiten_regio"], "scholen_buiten_regio", school_types
        )

    cycle = BudgetCycle()
    if "begrotingscyclus" in top:
        cycle = _cycle(c, top["begrotingscyclus"], "begrotingscyclus", blocks, municipalities)

    if c.errors:
        raise ScenarioInvalid(c.errors)
    assert regio is not None and jaar_value is not None and sleutel is not None
    assert opslag is not None
    scenario = Scenario(
        regio=regio,
        jaar=int(jaar_value),
        sleutel=sleutel,
        opslag=opslag,
        schalen=schalen,
        gemeenten=tuple(municipalities),
        bouwstenen=dict(sorted(blocks.items())),
        btw=btw,
        indexatie=indexatie,
        normen=normen,
        gedeelde_taken_uren_per_week=gedeeld,
        pv_per_jaar=pv,
        scholen_buiten_regio=buiten,
        begrotingscyclus=cycle,
    )
    _check_keys_usable(c, scenario)
    if c.errors:
        raise ScenarioInvalid(c.errors)
    return scenario


def _key(c: _Checker, value: Any, path: str) -> str | None:
    if value not in KEYS:
        hint = difflib.get_close_matches(str(value), KEYS, n=1) if isinstance(value, str) else []
        suggestion = f"; bedoelt u '{hint[0]}'?" if hint else ""
        c.error(
            path, f"onbekende verdeelsleutel '{value}'{suggestion} (kies uit: {', '.join(KEYS)})"
        )
        return None
    return str(value)


def _norms(c: _Checker, raw: Any, path: str) -> Norms:
    data = c.mapping(raw, path, NORM_KEYS)
    if data is None:
        return Norms()
    base = Norms()
    values: dict[str, Any] = {}
    for key in NORM_KEYS[:6]:
        values[key] = c.optional_number(
            data, key, path, default=getattr(base, key), allow_zero=key == "uren_per_pv"
        )
    prevention = dict(base.preventie_uren)
    if "preventie_uren" in data:
        raw_hours = data["preventie_uren"]
        if not isinstance(raw_hours, dict):
            c.error(f"{path}.preventie_uren", "moet per schoolsoort een aantal uren geven")
        else:
            for key, value in raw_hours.items():
                hours = c.number(value, f"{path}.preventie_uren.{key}")
                if hours is not None:
                    prevention[str(key)] = hours
    split = dict(base.verdeling_lp)
    if "verdeling_lp" in data:
        sub = c.mapping(data["verdeling_lp"], f"{path}.verdeling_lp", LP_SPLIT_KEYS, LP_SPLIT_KEYS)
        if sub is not None:
            parsed = {
                k: c.number(sub[k], f"{path}.verdeling_lp.{k}", maximum=ONE)
                for k in LP_SPLIT_KEYS
                if k in sub
            }
            if len(parsed) == 4 and all(v is not None for v in parsed.values()):
                total = sum(parsed.values(), ZERO)  # type: ignore[arg-type]
                if total != ONE:
                    c.error(
                        f"{path}.verdeling_lp",
                        f"de verdeling telt op tot {_show(total * 100)} %, niet 100 %",
                    )
                else:
                    split = parsed  # type: ignore[assignment]
    return Norms(**values, preventie_uren=prevention, verdeling_lp=split)


def _school_counts(
    c: _Checker, raw: Any, path: str, school_types: tuple[str, ...]
) -> dict[str, Decimal]:
    if raw is None:
        return {}
    if not isinstance(raw, dict):
        c.error(path, "moet per schoolsoort een aantal scholen geven (bijv. {PO: 5, VO: 1})")
        return {}
    counts: dict[str, Decimal] = {}
    for key, value in raw.items():
        kind = str(key)
        if kind not in school_types:
            c.error(
                f"{path}.{kind}",
                f"onbekende schoolsoort (bekend: {', '.join(school_types)}; "
                "een andere soort kan met normen.preventie_uren)",
            )
            continue
        count = c.number(value, f"{path}.{kind}", whole=True)
        if count is not None:
            counts[kind] = count
    return counts


def _municipality(
    c: _Checker,
    raw: Any,
    path: str,
    school_types: tuple[str, ...],
    blocks: dict[int, Block],
    blocks_given: bool,
) -> Municipality | None:
    before = len(c.errors)
    data = c.mapping(raw, path, MUNICIPALITY_KEYS, MUNICIPALITY_REQUIRED)
    if data is None:
        return None
    code = c.code(data["code"], f"{path}.code") if "code" in data else None
    naam = c.text(data["naam"], f"{path}.naam") if "naam" in data else None

    bands: dict[str, Decimal | None] = {}
    if "inwoners" in data:
        sub = c.mapping(data["inwoners"], f"{path}.inwoners", AGE_BANDS, AGE_BANDS)
        if sub is not None:
            for band in AGE_BANDS:
                if band in sub:
                    bands[band] = c.number(sub[band], f"{path}.inwoners.{band}", whole=True)

    numbers: dict[str, Decimal] = {}
    for key in ("caseload", "verlofaanvragen", "leerlingen"):
        numbers[key] = c.optional_number(data, key, path, whole=True)
    aandeel = None
    if "aandeel" in data:
        aandeel = c.number(data["aandeel"], f"{path}.aandeel", maximum=ONE)

    scholen = _school_counts(c, data.get("scholen"), f"{path}.scholen", school_types)

    formatie = Formation()
    if "formatie" in data and data["formatie"] is not None:
        sub = c.mapping(data["formatie"], f"{path}.formatie", FORMATION_KEYS)
        if sub is not None:
            formatie = Formation(
                **{k: c.optional_number(sub, k, f"{path}.formatie") for k in FORMATION_KEYS}
            )

    listed: list[int] = []
    if "bouwstenen" in data:
        for j, item in enumerate(c.sequence(data["bouwstenen"], f"{path}.bouwstenen")):
            item_path = f"{path}.bouwstenen[{j}]"
            number = c.block_number(item, item_path)
            if number is None:
                continue
            if blocks_given and number not in blocks:
                known = ", ".join(str(b) for b in sorted(blocks)) or "geen"
                c.error(
                    item_path, f"bouwsteen {number} bestaat niet in 'bouwstenen' (wel: {known})"
                )
                continue
            if number in listed:
                c.error(item_path, f"bouwsteen {number} staat er twee keer")
                continue
            listed.append(number)

    if len(c.errors) > before or code is None or naam is None or len(bands) < 3:
        return None
    return Municipality(
        code=code,
        naam=naam,
        inwoners_5_15=bands["5-15"],  # type: ignore[arg-type]
        inwoners_16_17=bands["16-17"],  # type: ignore[arg-type]
        inwoners_18_22=bands["18-22"],  # type: ignore[arg-type]
        caseload=numbers["caseload"],
        verlofaanvragen=numbers["verlofaanvragen"],
        leerlingen=numbers["leerlingen"],
        aandeel=aandeel,
        scholen=scholen,
        formatie=formatie,
        bouwstenen=tuple(sorted(listed)),
        formatie_opgegeven=data.get("formatie") is not None,
    )


def _block(
    c: _Checker,
    raw: Any,
    path: str,
    number: int,
    schalen: dict[str, Decimal],
    scales_given: bool,
) -> Block | None:
    before = len(c.errors)
    data = c.mapping(raw, path, BLOCK_KEYS, ("team",))
    if data is None:
        return None
    naam = c.text(data["naam"], f"{path}.naam") if "naam" in data else f"Bouwsteen {number}"
    sleutel = _key(c, data["sleutel"], f"{path}.sleutel") if data.get("sleutel") else None

    def check_scale(value: Any, where: str) -> str | None:
        scale = c.scale(value, where)
        if scale is not None and scales_given and scale not in schalen:
            known = ", ".join(sorted(schalen, key=_scale_order)) or "geen"
            c.error(where, f"schaal {scale} staat niet in 'schalen' (wel: {known})")
            return None
        return scale

    team: list[TeamLine] = []
    for i, item in enumerate(c.sequence(data.get("team"), f"{path}.team")):
        where = f"{path}.team[{i}]"
        line = c.mapping(item, where, ("functie", "fte", "schaal"), ("functie", "fte", "schaal"))
        if line is None or len(line) < 3:
            continue
        functie = c.text(line["functie"], f"{where}.functie")
        fte = c.number(line["fte"], f"{where}.fte")
        scale = check_scale(line["schaal"], f"{where}.schaal")
        if functie is not None and fte is not None and scale is not None:
            team.append(TeamLine(functie, fte, scale))

    costs: list[CostLine] = []
    for i, item in enumerate(c.sequence(data.get("overige_kosten"), f"{path}.overige_kosten")):
        where = f"{path}.overige_kosten[{i}]"
        line = c.mapping(item, where, ("omschrijving", "bedrag"), ("omschrijving", "bedrag"))
        if line is None or len(line) < 2:
            continue
        text = c.text(line["omschrijving"], f"{where}.omschrijving")
        amount = c.number(line["bedrag"], f"{where}.bedrag")
        if text is not None and amount is not None:
            costs.append(CostLine(text, amount))

    income: list[IncomeLine] = []
    for i, item in enumerate(c.sequence(data.get("overige_baten"), f"{path}.overige_baten")):
        where = f"{path}.overige_baten[{i}]"
        line = c.mapping(
            item, where, ("omschrijving", "bedrag", "fte", "schaal"), ("omschrijving",)
        )
        if line is None or "omschrijving" not in line:
            continue
        text = c.text(line["omschrijving"], f"{where}.omschrijving")
        if "bedrag" in line and ("fte" in line or "schaal" in line):
            c.error(where, "geef óf een bedrag, óf fte met schaal, niet allebei")
            continue
        if "bedrag" in line:
            amount = c.number(line["bedrag"], f"{where}.bedrag")
            if text is not None and amount is not None:
                income.append(IncomeLine(text, bedrag=amount))
        elif "fte" in line and "schaal" in line:
            fte = c.number(line["fte"], f"{where}.fte")
            scale = check_scale(line["schaal"], f"{where}.schaal")
            if text is not None and fte is not None and scale is not None:
                income.append(IncomeLine(text, fte=fte, schaal=scale))
        else:
            c.error(where, "geef een bedrag, of fte met schaal")

    if len(c.errors) > before or naam is None:
        return None
    return Block(
        nummer=number,
        naam=naam,
        team=tuple(team),
        sleutel=sleutel,
        overige_kosten=tuple(costs),
        overige_baten=tuple(income),
    )


def _scale_order(scale: str) -> tuple[int, str]:
    return (int(scale), "") if scale.isdigit() else (10**6, scale)


def _cycle(
    c: _Checker,
    raw: Any,
    path: str,
    blocks: dict[int, Block],
    municipalities: list[Municipality],
) -> BudgetCycle:
    data = c.mapping(raw, path, CYCLE_KEYS)
    if data is None:
        return BudgetCycle()
    reserve = Reserve()
    if "egalisatiereserve" in data:
        where = f"{path}.egalisatiereserve"
        sub = c.mapping(data["egalisatiereserve"], where, ("stand", "maximum"), ("maximum",))
        if sub is not None:
            stand = c.optional_number(sub, "stand", where)
            maximum = c.optional_number(sub, "maximum", where)
            if "maximum" in sub and stand > maximum:
                c.error(
                    f"{where}.stand",
                    f"de stand ({_show(stand)}) is hoger dan het maximum ({_show(maximum)})",
                )
            reserve = Reserve(stand, maximum)
    realisatie: dict[int, Decimal] = {}
    if "realisatie" in data and data["realisatie"] is not None:
        raw_real = data["realisatie"]
        if not isinstance(raw_real, dict):
            c.error(f"{path}.realisatie", "moet per bouwsteennummer de werkelijke kosten geven")
        else:
            for key, value in raw_real.items():
                where = f"{path}.realisatie.{key}"
                number = c.block_number(key, where)
                amount = c.number(value, where)
                if number is not None and number not in blocks:
                    c.error(where, f"bouwsteen {number} bestaat niet in 'bouwstenen'")
                elif number is not None and amount is not None:
                    realisatie[number] = amount
    services: list[ExtraService] = []
    codes = {m.code for m in municipalities}
    for i, item in enumerate(c.sequence(data.get("extra_diensten"), f"{path}.extra_diensten")):
        where = f"{path}.extra_diensten[{i}]"
        keys = ("gemeente", "product", "prijs", "geraamd", "gerealiseerd")
        line = c.mapping(item, where, keys, keys[:4])
        if line is None or any(k not in line for k in keys[:4]):
            continue
        code = c.code(line["gemeente"], f"{where}.gemeente")
        if code is not None and codes and code not in codes:
            c.error(f"{where}.gemeente", f"gemeente {code} staat niet in 'gemeenten'")
            code = None
        product = c.text(line["product"], f"{where}.product")
        price = c.number(line["prijs"], f"{where}.prijs")
        estimated = c.number(line["geraamd"], f"{where}.geraamd")
        realised = (
            c.number(line["gerealiseerd"], f"{where}.gerealiseerd")
            if "gerealiseerd" in line
            else None
        )
        if None not in (code, product, price, estimated) and (
            "gerealiseerd" not in line or realised is not None
        ):
            services.append(ExtraService(code, product, price, estimated, realised))  # type: ignore[arg-type]
    threshold = c.optional_number(
        data, "drempel_afwijking", path, default=Decimal("0.10"), maximum=ONE
    )
    return BudgetCycle(reserve, realisatie, tuple(services), threshold)


def _check_keys_usable(c: _Checker, scenario: Scenario) -> None:
    """Every charged block must be shareable by its key among its payers."""
    for number in scenario.bouwstenen:
        payers = scenario.payers(number)
        if not payers:
            continue
        key = scenario.key_of(number)
        where = f"bouwstenen.{number}.sleutel" if scenario.bouwstenen[number].sleutel else "sleutel"
        if key == "vast":
            missing = [m for m in payers if m.aandeel is None]
            for m in missing:
                index = scenario.gemeenten.index(m)
                c.error(
                    f"gemeenten[{index}].aandeel",
                    f"ontbreekt; {m.naam} betaalt mee aan bouwsteen {number} met vaste aandelen",
                )
            if missing:
                continue
            total = sum((m.aandeel for m in payers), ZERO)  # type: ignore[misc]
            if total != ONE:
                parts = ", ".join(f"{m.naam} {_show(m.aandeel * 100)} %" for m in payers)  # type: ignore[operator]
                c.error(
                    where,
                    f"de vaste aandelen van de deelnemers aan bouwsteen {number} tellen op tot "
                    f"{_show(total * 100)} % in plaats van 100 % ({parts})",
                )
            continue
        total = sum((m.key_value(key) for m in payers), ZERO)
        if total == 0:
            c.error(
                where,
                f"de deelnemers aan bouwsteen {number} hebben samen 0 "
                f"({KEY_LABELS[key]}); met deze sleutel valt niets te verdelen",
            )


def load_scenario(path: str) -> Scenario:
    """Read, parse and validate a scenario file (raises ScenarioFileError or ScenarioInvalid)."""
    from rbl.finance.scenario_io import read_scenario_file

    return validate_scenario(read_scenario_file(path))
