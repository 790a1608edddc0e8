"""The fields a letter template may use, `{{ naam }}`, with what each holds
and the made-up sample value of the preview. This list is the whole template
language's vocabulary: a template using any other name is refused on save.
Not every field has a value in every letter (a control letter knows no leave
dates); an empty field prints nothing."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Field:
    description: str
    sample: str


FIELDS: dict[str, Field] = {
    "datum": Field("datum van de brief", "4 december 2026"),
    "kenmerk": Field("kenmerk van de brief", "RBL-2026-000123"),
    "gemeente": Field("de gemeente namens wie de brief gaat", "Voorbeeldstad"),
    "aanhef": Field(
        "aanhef, bijvoorbeeld 'Geachte ouder(s)/verzorger(s) van Sanne Jansen'",
        "Geachte heer/mevrouw De Vries",
    ),
    "jongere_naam": Field("volledige naam van de jongere", "Sanne de Vries"),
    "jongere_voornaam": Field("eerste voornaam van de jongere", "Sanne"),
    "geboortedatum": Field("geboortedatum van de jongere", "12 mei 2013"),
    "school": Field("naam van de school", "Het Voorbeeld College"),
    "antwoord_voor": Field("uiterste datum voor een antwoord", "18 december 2026"),
    "termijn_dagen": Field("antwoordtermijn in dagen", "14"),
    "verzuim_sinds": Field("eerste dag van het verzuim", "2 november 2026"),
    "afspraak": Field(
        "datum, tijd en plaats van het gesprek (ingevuld bij het maken van de brief)",
        "dinsdag 15 december 2026 om 10.00 uur, gemeentehuis Voorbeeldstad",
    ),
    "verlof_van": Field("eerste dag van het gevraagde verlof", "8 februari 2027"),
    "verlof_tot": Field("laatste dag van het gevraagde verlof", "23 februari 2027"),
    "verlof_dagen": Field("aantal gevraagde schooldagen", "12"),
    "verlof_besluit": Field("het besluit: toegekend, deels toegekend of afgewezen", "afgewezen"),
    "motivering": Field(
        "de motivering van het besluit",
        "De aanvraag valt niet onder de gewichtige omstandigheden van artikel 14.",
    ),
    "vrijstelling_grond": Field(
        "wettelijke grond van de vrijstelling",
        "Art. 5 onder a (lichamelijk of psychisch niet geschikt)",
    ),
    "vrijstelling_einde": Field("einddatum van de vrijstelling", "31 januari 2027"),
    "jongere_adres": Field("woonadres van de jongere", "Voorbeeldstraat 1, 1234 AB Voorbeeldstad"),
    "ouders": Field("namen van de ouders of verzorgers", "J. de Vries en M. de Vries-Bakker"),
    "verzuim_overzicht": Field(
        "het verzuim volgens de meldingen van de school: per melding de data en uren",
        "• 2 november 2026 tot en met 13 november 2026: 18 uur (melding 12345)",
    ),
    "mas_stappen": Field(
        "de stappen volgens de MAS in deze zaak, elk met datum",
        "• 16 november 2026: Gesprek met ouders\n• 30 november 2026: Waarschuwing",
    ),
    "aanleiding": Field(
        "waarom de SVB een melding krijgt",
        "De zaak absoluut verzuim is sinds 2 november 2026 open (langer dan 8 weken).",
    ),
    "redenen": Field(
        "de redenen van de twijfel aan het adres, uit de vaste lijst",
        "• Post komt terug\n• School meldt vertrek naar het buitenland",
    ),
    "gronden": Field(
        "de toelichting van de leerplichtambtenaar op de twijfel aan het adres",
        "Bij twee huisbezoeken niemand aangetroffen; buren zeggen dat het gezin naar Polen is.",
    ),
    "nieuwe_gemeente": Field(
        "de gemeente buiten de regio waar de jongere nu woont (naam en CBS-code)",
        "Enschede (0153)",
    ),
    "zaak_samenvatting": Field(
        "de zaak die wordt overgedragen: soort, data en open taken",
        "• Soort zaak: Absoluut verzuim\n• Geopend op: 2 november 2026",
    ),
    "bijlagen": Field(
        "de stukken die met de overdracht worden meegestuurd",
        "• Controlebrief absoluut verzuim (kenmerk LP-2026-0001)",
    ),
    "medewerker": Field("naam van de medewerker die ondertekent", "J. Bakker"),
    "functie": Field("functie van die medewerker", "leerplichtambtenaar"),
    "telefoon": Field("telefoonnummer van het bureau leerplicht", "0314 000 000"),
    "email": Field("e-mailadres van het bureau leerplicht", "leerplicht@voorbeeld.nl"),
}


def sample_values() -> dict[str, str]:
    """The preview's made-up values (never a real person)."""
    return {name: field.sample for name, field in FIELDS.items()}
