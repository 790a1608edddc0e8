"""Word lists for synthetic but plausible Dutch people and addresses.

Given names are common ones of the generations concerned; surnames mix
frequent Dutch names, typical Achterhoek names (Wolters, Te Winkel, Klein
Gunnewiek) and names of families with roots elsewhere. Places and 4-digit
postcode areas are those of the municipalities; street names are common Dutch
ones and do not claim to exist in that place.
"""

from __future__ import annotations

import random

BOYS = (
    "Noah Sem Liam Lucas Daan Finn Levi Luuk Mees James Milan Sam Noud Bram Jesse Thijs "
    "Gijs Lars Ruben Tim Stijn Jens Niels Thomas Max Julian Hugo Ties Jurre Teun Siem Boaz "
    "Mats Jan Koen Rens Joep Tygo Dex Floris Adam Mohammed Yusuf Ibrahim Olivier Jayden "
    "Wessel Hidde Job Tijn Roel Guus Sven Luca Benjamin David Jelle Melle Quinten"
).split()
GIRLS = (
    "Emma Julia Mila Tess Sophie Zoë Sara Nora Yara Eva Liv Lotte Evi Noor Anna Lieke Fleur "
    "Saar Lisa Sanne Femke Isa Roos Fenna Nina Jasmijn Lynn Elin Maud Esmee Ilse Iris Puck "
    "Loïs Vera Hannah Feline Sofie Lana Mirthe Amira Fatima Elif Aylin Maria Zara Jente "
    "Marit Anouk Linde Floor Demi Nienke Romy Bente Veerle Hanna Kiki"
).split()
SECOND_NAMES_M = (
    "Johannes Hendrik Gerrit Jan Willem Theodorus Bernardus Antonius Petrus Franciscus "
    "Josephus Cornelis Gerardus Hermanus"
).split()
SECOND_NAMES_V = (
    "Maria Anna Johanna Elisabeth Catharina Geertruida Hendrika Wilhelmina Theodora Antonia "
    "Bernardina Gerharda"
).split()
MOTHERS = (
    "Marieke Linda Sandra Anouk Ellen Esther Jolanda Monique Karin Petra Inge Marloes "
    "Manon Mirjam Wendy Kim Saskia Nicole Miranda Ilona Judith Annemiek Hatice Samira Agnieszka"
).split()
FATHERS = (
    "Mark Erik Jeroen Rob Martijn Bas Dennis Michel Sander Paul Gert Henk Wim Johan Frank "
    "Rik Bart Remco Ronald Arjan Hans Gerben Ahmed Mustafa Piotr"
).split()

# "prefix|surname"; a prefix such as "te" belongs in the BRP column voorvoegsel.
_SURNAMES = (
    "Jansen, de|Vries, Bakker, Wolters, te|Winkel, Klein Gunnewiek, Wissink, Nijhof, Bosman, "
    "Huijskes, Hendriksen, Lensink, Heutinck, Rouwhorst, Eppink, Wikkerink, Tijink, Ormel, "
    "Hofstede, Bruggink, Meijer, Visser, Smit, Mulder, Peters, van den|Berg, van|Dijk, "
    "de|Jong, van der|Linden, ter|Horst, ten|Have, Kuipers, Schepers, Rutgers, Elferink, "
    "Gerritsen, Hulshof, Wensink, Roerdink, Lammers, Stoltenborg, Bulten, Kettelerij, Geurink, "
    "Reinders, Rensink, Steverink, Overbeek, Hoftijzer, Nijenhuis, Brinkman, Harmsen, Ebbers, "
    "Willemsen, Hermsen, Ditzel, Wiggers, Kamphuis, Arendsen, Wijnbergen, Beumer, Weenink, "
    "Hartman, in 't|Veld, Yilmaz, Kaya, Demir, El Amrani, Bouzid, Nowak, Kowalski, Pereira, "
    "Nguyen, Schmidt, Müller, Tuinte, Hummelink, Pelgrum, ter|Haar, Oonk, Lucassen, Bennink, "
    "Te Lintelo, Koster, de|Graaf, Sloot, Vos, Wentink, Spekschoor, Domhof, Menkveld"
)
SURNAMES: tuple[tuple[str, str], ...] = tuple(
    (name.split("|")[0], name.split("|")[1]) if "|" in name else ("", name)
    for name in (n.strip() for n in _SURNAMES.split(","))
)

STREETS: tuple[str, ...] = tuple(
    s.strip()
    for s in (
        "Kerkstraat, Dorpsstraat, Molenweg, Stationsstraat, Schoolstraat, Beatrixstraat, "
        "Julianastraat, Wilhelminastraat, Markt, Nieuwstraat, Burgemeester Vlamstraat, "
        "Lindenlaan, Eikenlaan, Beukenlaan, Berkenlaan, Kastanjelaan, Esdoornstraat, "
        "Meidoornstraat, Vlierstraat, Hazelaar, Merelstraat, Lijsterstraat, Spechtstraat, "
        "Zwaluwstraat, Koekoekstraat, Kievitstraat, Reigerstraat, Akkerweg, Esweg, Veldweg, "
        "Hoge Weg, Broekweg, Zuiderweg, Hofstraat, Ploegstraat, Hooiweg, Korenstraat, "
        "Schuttersweg, Boterstraat, Smidsstraat, Pastoriestraat, Prinses Irenestraat, "
        "Prins Bernhardlaan, Rozenstraat, Tulpstraat, Goudsbloem, Klaproos, Weverstraat, "
        "Ambachtsweg, Bleekweg, Kolkweg, Berkelstraat, Slingestraat, Aastraat, IJsselkade, "
        "Oude IJsselweg, Graafschapweg, Saksenweg, Hamalandlaan, Zonnebloem, Lange Veld, "
        "Vincent van Goghstraat, Rembrandtlaan, Vondelstraat, Bilderdijkstraat, Jan Steenstraat"
    ).split(",")
)

# Per municipality: (place, postcode areas, weight).
PLACES: dict[str, tuple[tuple[str, tuple[int, ...], int], ...]] = {
    "0197": (("Aalten", (7121, 7122), 6), ("Bredevoort", (7126,), 1), ("Dinxperlo", (7091,), 3)),
    "0221": (("Doesburg", (6981, 6982, 6983, 6984), 1),),
    "0222": (
        ("Doetinchem", (7001, 7002, 7003, 7004, 7005, 7006, 7007, 7008, 7009), 12),
        ("Gaanderen", (7011,), 1),
        ("Wehl", (7031,), 1),
    ),
    "0294": (("Winterswijk", (7101, 7102, 7103, 7105, 7106, 7107), 10), ("Meddo", (7104,), 1)),
    "1509": (
        ("Ulft", (7071,), 3),
        ("Gendringen", (7081,), 2),
        ("Terborg", (7061,), 2),
        ("Silvolde", (7064,), 2),
        ("Varsseveld", (7051,), 2),
        ("Sinderen", (7055,), 1),
    ),
    "1586": (
        ("Lichtenvoorde", (7131, 7132), 5),
        ("Groenlo", (7141,), 4),
        ("Harreveld", (7135,), 1),
        ("Mariënvelde", (7136,), 1),
    ),
    "1859": (
        ("Borculo", (7271, 7272), 3),
        ("Eibergen", (7151, 7152), 4),
        ("Neede", (7161,), 3),
        ("Ruurlo", (7261,), 2),
        ("Beltrum", (7155,), 1),
    ),
    "1876": (
        ("Hengelo Gld", (7255,), 3),
        ("Vorden", (7251,), 3),
        ("Zelhem", (7021, 7022), 3),
        ("Steenderen", (7221,), 2),
        ("Hummelo", (6999,), 1),
        ("Drempt", (6996,), 1),
    ),
    "1955": (
        ("Didam", (6941, 6942), 5),
        ("'s-Heerenberg", (7041,), 3),
        ("Zeddam", (7038,), 1),
        ("Beek", (7037,), 1),
        ("Stokkum", (7039,), 1),
    ),
}

_POSTCODE_LETTERS = "ABCDEGHJKLMNPRSTVWXZ"  # no F, I, O, Q, U, Y (as PostNL)


def place(rng: random.Random, code: str) -> tuple[str, int]:
    """A (place, postcode area) of the municipality, weighted by size."""
    options = PLACES[code]
    name, areas, _ = rng.choices(options, weights=[w for _, _, w in options])[0]
    return name, rng.choice(areas)


ADDRESS_COLUMNS = (
    "straat",
    "huisnummer",
    "huisletter",
    "huisnummertoevoeging",
    "postcode",
    "woonplaats",
)


def address(rng: random.Random, code: str) -> dict[str, str]:
    """A synthetic address in the municipality, as BRP columns."""
    city, area = place(rng, code)
    letters = rng.choice(_POSTCODE_LETTERS) + rng.choice(_POSTCODE_LETTERS)
    roll = rng.random()
    return {
        "straat": rng.choice(STREETS),
        "huisnummer": str(rng.randint(1, 160)),
        "huisletter": rng.choice("abc") if roll < 0.04 else "",
        "huisnummertoevoeging": rng.choice(("1", "2", "A", "bis")) if 0.04 <= roll < 0.06 else "",
        "postcode": f"{area}{letters}",
        "woonplaats": city,
    }


def given_names(rng: random.Random, gender: str) -> str:
    first = rng.choice(BOYS if gender == "M" else GIRLS)
    count = rng.choices((1, 2, 3), weights=(35, 45, 20))[0]
    second = SECOND_NAMES_M if gender == "M" else SECOND_NAMES_V
    return " ".join([first, *rng.sample(second, count - 1)])


def surname(rng: random.Random) -> tuple[str, str]:
    """(prefix, surname)."""
    return rng.choice(SURNAMES)


def full_name(first: str, prefix: str, last: str) -> str:
    return " ".join(p for p in (first, prefix, last) if p)
