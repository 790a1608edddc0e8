"""The synthetic schools of the demo region and around it (R-03).

Every sector is present: many primary schools (PO) per municipality, a few
secondary schools (VO) per town, special education (SO/VSO), practical
education (PRO), a regional MBO with several locations, a pabo (HO), and
schools just outside the region with the real CBS codes of their
municipalities, where part of the youth goes to school. BRIN codes are
synthetic (two digits, two letters, as real ones look).
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from dataclasses import dataclass, field

#: The officer who is the fixed contact for the schools of each municipality.
LPA_FOR: dict[str, str] = {
    "0197": "lpa-aalten",
    "0294": "lpa-winterswijk",
    "0222": "lpa-doetinchem",
    "0221": "lpa-doetinchem",
    "1955": "lpa-montferland",
    "1509": "lpa-montferland",
    "1859": "lpa-berkelland",
    "1586": "lpa-berkelland",
    "1876": "lpa-bronckhorst",
}
#: Contact for MBO and HO: the qualification-duty officer of the team.
KPA_CONTACT = "kpa-regio"

#: Samenwerkingsverbanden passend onderwijs (code -> name).
SWV_NAMES: dict[str, str] = {
    "PO2506": "SWV passend primair onderwijs Achterhoek-West",
    "PO2508": "SWV passend primair onderwijs Oost-Achterhoek",
    "VO2506": "SWV passend voortgezet onderwijs Achterhoek-West",
    "VO2508": "SWV passend voortgezet onderwijs Oost-Achterhoek",
    "PO2510": "SWV primair onderwijs Arnhem-Liemers",
    "VO2510": "SWV voortgezet onderwijs Arnhem-Liemers",
    "VO2303": "SWV voortgezet onderwijs Twente-Zuid",
    "VO2511": "SWV voortgezet onderwijs Zutphen-Lochem",
}
_EAST = {"0197", "0294", "1586", "1859"}

_PO_NAMES = (
    "Basisschool De Regenboog", "CBS De Wegwijzer", "OBS De Zonnewijzer",
    "RK Basisschool St. Jozef", "IKC De Vlinder", "Basisschool 't Kompas", "OBS De Meander",
    "CBS De Akker", "Kindcentrum De Bongerd", "RKBS Sint Martinus", "OBS De Klimop",
    "CBS Het Palet", "Basisschool De Wingerd", "IKC De Linde", "OBS Prinses Margriet",
    "CBS Koningin Juliana", "Basisschool De Horizon", "RKBS De Triangel", "OBS De Kievit",
    "Kindcentrum 't Schöpke", "CBS De Fontein", "OBS Het Hoge Veld", "IKC De Es",
    "RKBS Ludgerus", "Basisschool De Bolster",
)  # fmt: skip
_VO_NAMES = (
    "Hamaland College", "Graafschap Lyceum", "Slinge College", "Berkel College",
    "Oude IJssel Scholengemeenschap", "Saksen College", "Christelijk Lyceum", "Walburg College",
    "Baak Scholengemeenschap", "Het Esch College",
)  # fmt: skip
_MBO_PLACES = (("0222", "Doetinchem"), ("0294", "Winterswijk"), ("1586", "Groenlo"),
               ("1509", "Ulft"))  # fmt: skip
_VO_TOWNS: dict[str, tuple[str, ...]] = {
    "0197": ("Aalten",),
    "0222": ("Doetinchem",),
    "0294": ("Winterswijk",),
    "1509": ("Ulft", "Terborg"),
    "1586": ("Lichtenvoorde", "Groenlo"),
    "1859": ("Eibergen", "Borculo"),
    "1876": ("Vorden", "Hengelo Gld"),
    "1955": ("Didam", "'s-Heerenberg"),
}
# Schools outside the region: (sector, CBS code, place, name, swv).
_OUTSIDE = (
    ("PO", "0299", "Zevenaar", "Basisschool De Liemers", "PO2510"),
    ("PO", "0262", "Lochem", "OBS Het Ravelijn", ""),
    ("VO", "0226", "Duiven", "Duiven College", "VO2510"),
    ("VO", "0299", "Zevenaar", "Liemers Lyceum", "VO2510"),
    ("VO", "0158", "Haaksbergen", "Buurse Scholengemeenschap", "VO2303"),
    ("VO", "0301", "Zutphen", "Berkelstroom College", "VO2511"),
    ("MBO", "0202", "Arnhem", "Rijnstad College (mbo)", ""),
    ("MBO", "0301", "Zutphen", "IJsselland College (mbo)", ""),
    ("MBO", "0153", "Enschede", "Twente Vakcollege (mbo)", ""),
    ("HO", "0202", "Arnhem", "Hogeschool Rijn en Gelderland", ""),
    ("HO", "0268", "Nijmegen", "Radboudstad Universiteit", ""),
    ("HO", "0153", "Enschede", "Twentse Hogeschool", ""),
    ("HO", "0150", "Deventer", "Sallandse Hogeschool", ""),
)
#: Neighbouring places where part of a municipality's youth goes to VO.
_VO_OUTSIDE_FOR: dict[str, tuple[str, ...]] = {
    "0221": ("0226", "0299"),
    "1955": ("0299", "0226"),
    "1859": ("0158", "0301"),
    "1876": ("0301",),
}
_LETTERS = "ABCDEFGHJKLMNPRSTVWXYZ"


@dataclass(frozen=True)
class SchoolPlan:
    brin: str
    vestiging: str
    name: str
    sector: str
    municipality: str
    swv: str
    contact: str

    @property
    def key(self) -> tuple[str, str]:
        return (self.brin, self.vestiging)


@dataclass
class SchoolCatalogue:
    """The schools, with lookups by sector and municipality for the generator."""

    schools: list[SchoolPlan] = field(default_factory=list)
    by_place: dict[tuple[str, str], list[SchoolPlan]] = field(default_factory=dict)
    by_sector: dict[str, list[SchoolPlan]] = field(default_factory=dict)
    outside: dict[tuple[str, str], list[SchoolPlan]] = field(default_factory=dict)
    region_codes: frozenset[str] = frozenset()

    def add(self, school: SchoolPlan) -> None:
        self.schools.append(school)
        if school.municipality in self.region_codes:
            self.by_place.setdefault((school.sector, school.municipality), []).append(school)
            self.by_sector.setdefault(school.sector, []).append(school)
        else:
            self.outside.setdefault((school.sector, school.municipality), []).append(school)

    def local(self, rng: random.Random, sector: str, code: str) -> SchoolPlan:
        """A school of `sector` in the municipality, else anywhere in the region."""
        options = self.by_place.get((sector, code)) or self.by_sector[sector]
        return rng.choice(options)

    def regional(self, rng: random.Random, sector: str) -> SchoolPlan:
        return rng.choice(self.by_sector[sector])

    def outside_school(self, rng: random.Random, sector: str, codes=None) -> SchoolPlan:
        options = [
            s
            for (sec, code), found in self.outside.items()
            if sec == sector and (codes is None or code in codes)
            for s in found
        ]
        return rng.choice(options)

    def vo(self, rng: random.Random, code: str) -> SchoolPlan:
        """The VO school a pupil living in `code` attends."""
        neighbours = _VO_OUTSIDE_FOR.get(code)
        if neighbours and rng.random() < (0.35 if code == "0221" else 0.06):
            return self.outside_school(rng, "VO", neighbours)
        if (("VO", code)) not in self.by_place:
            return self.local(rng, "VO", "0222")
        return self.local(rng, "VO", code)

    def mbo(self, rng: random.Random, code: str) -> SchoolPlan:
        if rng.random() < 0.25:
            return self.outside_school(rng, "MBO")
        return self.by_place.get(("MBO", code), [None])[0] or self.local(rng, "MBO", "0222")

    def ho(self, rng: random.Random) -> SchoolPlan:
        if rng.random() < 0.1:
            return self.regional(rng, "HO")
        return self.outside_school(rng, "HO")


def _brins() -> Iterator[str]:
    """Synthetic BRIN codes: 2 digits + 2 letters, in a fixed order."""
    for first in _LETTERS:
        for second in _LETTERS:
            for number in range(10, 100):
                yield f"{number:02d}{first}{second}"


def _swv(sector: str, code: str) -> str:
    kind = "PO" if sector in ("PO", "SO") else "VO"
    return f"{kind}{2508 if code in _EAST else 2506}"


def plan_schools(
    pupils_per_municipality: dict[str, dict[str, float]], seed: int, scale: float
) -> SchoolCatalogue:
    """The schools for the given expected pupils per municipality and sector.

    `pupils_per_municipality[code]["PO"|"VO"]` sizes the number of schools:
    about 220 pupils per primary school, 1,000 per secondary school location.
    """
    from rbl.demo.names import PLACES

    rng = random.Random(f"schools-{seed}")
    catalogue = SchoolCatalogue(region_codes=frozenset(pupils_per_municipality))
    brins = _brins()
    copies = max(1, round(scale))

    for code in sorted(pupils_per_municipality):
        pupils = pupils_per_municipality[code]
        places = [p for p, _, _ in PLACES[code]]
        contact = LPA_FOR.get(code, "")
        for _ in range(max(1, round(pupils["PO"] / 220))):
            name = f"{_PO_NAMES[rng.randrange(len(_PO_NAMES))]}, {rng.choice(places)}"
            catalogue.add(
                SchoolPlan(next(brins), "00", name, "PO", code, _swv("PO", code), contact)
            )
        towns = _VO_TOWNS.get(code, ())
        if towns:
            locations = max(len(towns), round(pupils["VO"] / 1000))
            brin = next(brins)
            base = _VO_NAMES[int(code) % len(_VO_NAMES)]
            for index in range(locations):
                town = towns[index % len(towns)]
                if index and index % 3 == 0:
                    brin = next(brins)
                catalogue.add(
                    SchoolPlan(
                        brin,
                        f"{index % 3:02d}",
                        f"{base}, locatie {town}"
                        + (f" {index // len(towns) + 1}" if index >= len(towns) else ""),
                        "VO",
                        code,
                        _swv("VO", code),
                        contact,
                    )
                )

    for copy in range(copies):
        suffix = f" {copy + 1}" if copies > 1 else ""
        for sector, code, name in (
            ("SO", "0222", "SO De Piramide, Doetinchem"),
            ("SO", "0294", "SO De Zonnehof, Winterswijk"),
            ("SO", "1509", "SO Het Anker, Ulft"),
            ("VSO", "0222", "VSO De Brug, Doetinchem"),
            ("VSO", "0294", "VSO Het Kompas, Winterswijk"),
            ("PRO", "0222", "Praktijkschool Achterhoek, Doetinchem"),
            ("PRO", "0294", "Praktijkschool Oost, Winterswijk"),
            ("PRO", "1509", "Praktijkcollege Oude IJssel, Ulft"),
        ):
            catalogue.add(
                SchoolPlan(
                    next(brins), "00", name + suffix, sector, code, _swv(sector, code),
                    LPA_FOR[code],
                )
            )  # fmt: skip
        brin = next(brins)
        for index, (code, place) in enumerate(_MBO_PLACES):
            catalogue.add(
                SchoolPlan(
                    brin, f"{index:02d}", f"Achterhoek College (mbo){suffix}, locatie {place}",
                    "MBO", code, "", KPA_CONTACT,
                )
            )  # fmt: skip
        catalogue.add(
            SchoolPlan(next(brins), "00", f"Pabo Achterhoek{suffix}", "HO", "0222", "", KPA_CONTACT)
        )
        for sector, code, place, name, swv in _OUTSIDE:
            contact = KPA_CONTACT if sector in ("MBO", "HO") else ""
            catalogue.add(
                SchoolPlan(
                    next(brins), "00", f"{name}{suffix}, {place}", sector, code, swv, contact
                )
            )
    return catalogue
