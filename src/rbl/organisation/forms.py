"""Forms of the set-up screens, with Dutch messages naming the field."""

from __future__ import annotations

import re

from django import forms

from rbl.accounts.models import Role
from rbl.chain.models import SvbTrigger
from rbl.organisation.models import BuildingBlock

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
DUTCH = {
    "required": "Vul dit veld in.",
    "invalid": "Vul een geldige waarde in.",
    "min_value": "Vul %(limit_value)s of meer in.",
    "max_value": "Vul %(limit_value)s of minder in.",
    "max_length": "Gebruik hoogstens %(limit_value)d tekens.",
}
DATE_ERRORS = {**DUTCH, "invalid": "Vul een datum in als dd-mm-jjjj."}


def _int(label: str, low: int, high: int, help_text: str = "") -> forms.IntegerField:
    return forms.IntegerField(
        label=label, min_value=low, max_value=high, help_text=help_text, error_messages=DUTCH
    )


class TermsForm(forms.Form):
    seen = forms.CharField(widget=forms.HiddenInput)
    control_term_days = _int(
        "Termijn controlebrief (dagen)",
        1,
        90,
        "Termijn voor een antwoord op de controlebrief bij absoluut verzuim.",
    )
    office_phone = forms.CharField(
        label="Telefoon bureau leerplicht",
        max_length=30,
        required=False,
        help_text="Staat op brieven.",
        error_messages=DUTCH,
    )
    office_email = forms.EmailField(
        label="E-mail bureau leerplicht",
        required=False,
        help_text="Staat op brieven.",
        error_messages={**DUTCH, "invalid": "Vul een geldig e-mailadres in."},
    )
    halt_address = forms.CharField(
        label="Adres Halt-bureau",
        required=False,
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Naam en adres; staat op de verwijzing naar Halt.",
        error_messages=DUTCH,
    )
    om_address = forms.CharField(
        label="Adres Openbaar Ministerie",
        required=False,
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Naam en adres van het parket; staat op het proces-verbaal.",
        error_messages=DUTCH,
    )
    leave_decision_weeks = _int(
        "Beslistermijn verlof (weken)", 1, 26, "De Awb-termijn is 8 weken (art. 4:13 Awb)."
    )
    leave_school_max_days = _int(
        "Verlof tot en met zoveel schooldagen beslist de school",
        1,
        10,
        "Over verlof van meer dan 10 schooldagen beslist de leerplichtambtenaar "
        "(art. 14 lid 3 Leerplichtwet).",
    )
    exemption_reminder_months = _int("Herinnering einde vrijstelling (maanden vooraf)", 0, 12)
    thuiszitter_weeks = _int("Thuiszitter na (weken)", 1, 52)
    thuiszitter_priority_months = _int("Thuiszitter met voorrang na (maanden)", 1, 24)
    follow_up_days = _int("Eerste opvolging nieuwe zaak (dagen)", 1, 90)
    warning_term_weeks = _int("Termijn tussen waarschuwing en proces-verbaal (weken)", 1, 26)
    svb_term_weeks = _int(
        "SVB-melding na (weken open)",
        1,
        52,
        "Zo lang na het openen van de zaak bereidt RBL de melding aan de SVB voor.",
    )
    svb_triggers = forms.MultipleChoiceField(
        label="Aanleidingen SVB-melding",
        required=False,
        choices=SvbTrigger.choices,
        widget=forms.CheckboxSelectMultiple,
        error_messages={**DUTCH, "invalid_choice": "Kies een aanleiding uit de lijst."},
    )
    svb_address = forms.CharField(
        label="Adres SVB",
        required=False,
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Naam en adres van het SVB-kantoor; staat op de SVB-melding.",
        error_messages=DUTCH,
    )

    def clean_svb_triggers(self) -> list[str]:
        chosen = set(self.cleaned_data["svb_triggers"])
        return [value for value in SvbTrigger.values if value in chosen]

    def clean_office_phone(self) -> str:
        phone = self.cleaned_data["office_phone"].strip()
        if phone and not re.fullmatch(r"\+?[0-9 ()-]{6,30}", phone):
            raise forms.ValidationError("Vul een telefoonnummer in met alleen cijfers en spaties.")
        return phone


class AgreementForm(forms.Form):
    seen = forms.CharField(widget=forms.HiddenInput)
    agreement_kind = forms.CharField(
        label="Soort samenwerking",
        max_length=40,
        required=False,
        help_text="Bijvoorbeeld: centrumregeling, dienstverleningsovereenkomst.",
        error_messages=DUTCH,
    )
    agreement_start = forms.DateField(
        label="Ingangsdatum overeenkomst", required=False, widget=DATE, error_messages=DATE_ERRORS
    )
    agreement_years = forms.IntegerField(
        label="Looptijd (jaren)", required=False, min_value=1, max_value=50, error_messages=DUTCH
    )
    notice_months = forms.IntegerField(
        label="Opzegtermijn (maanden)",
        required=False,
        min_value=0,
        max_value=60,
        error_messages=DUTCH,
    )

    def clean(self) -> dict:
        data = super().clean()
        if self.errors:
            return data
        if data.get("agreement_years") and not data.get("agreement_start"):
            self.add_error("agreement_start", "Vul de ingangsdatum in bij een looptijd.")
        years, months = data.get("agreement_years"), data.get("notice_months")
        if years and months is not None and months >= 12 * years:
            self.add_error("notice_months", "De opzegtermijn is langer dan de looptijd.")
        return data


class ParticipationForm(forms.Form):
    municipality = forms.ChoiceField(label="Gemeente", error_messages=DUTCH)
    block = forms.TypedChoiceField(
        label="Bouwsteen",
        coerce=int,
        choices=BuildingBlock.choices,
        error_messages={**DUTCH, "invalid_choice": "Kies een bouwsteen uit de lijst."},
    )
    start = forms.DateField(label="Vanaf", widget=DATE, error_messages=DATE_ERRORS)
    end = forms.DateField(
        label="Tot en met",
        required=False,
        widget=DATE,
        help_text="Leeg: zonder einddatum.",
        error_messages=DATE_ERRORS,
    )

    def __init__(self, *args, municipalities: list[tuple[str, str]], **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["municipality"].choices = municipalities
        self.fields["municipality"].error_messages["invalid_choice"] = (
            "Kies een gemeente waarvoor u de deelname mag wijzigen."
        )


class EndParticipationForm(forms.Form):
    end = forms.DateField(
        label="Laatste dag van de deelname", widget=DATE, error_messages=DATE_ERRORS
    )


USERNAME = re.compile(r"[A-Za-z0-9.@+_-]{2,150}")


class NewUserForm(forms.Form):
    username = forms.CharField(
        label="Gebruikersnaam",
        max_length=150,
        help_text="Dezelfde naam als bij de identity provider van de organisatie; "
        "letters, cijfers en . @ + - _.",
        error_messages=DUTCH,
    )
    first_name = forms.CharField(
        label="Voornaam", max_length=150, required=False, error_messages=DUTCH
    )
    last_name = forms.CharField(label="Achternaam", max_length=150, error_messages=DUTCH)
    email = forms.EmailField(
        label="E-mail",
        required=False,
        error_messages={**DUTCH, "invalid": "Vul een geldig e-mailadres in."},
    )
    function = forms.CharField(label="Functie", max_length=100, required=False)

    def clean_username(self) -> str:
        name = self.cleaned_data["username"].strip()
        if not USERNAME.fullmatch(name):
            raise forms.ValidationError(
                "Gebruik 2 tot 150 letters, cijfers of . @ + - _ (geen spaties)."
            )
        if re.search(r"\d{9}", name):
            raise forms.ValidationError("Een gebruikersnaam bevat geen negen cijfers op een rij.")
        return name


class RoleForm(forms.Form):
    role = forms.ChoiceField(
        label="Rol", error_messages={**DUTCH, "invalid_choice": "Kies een rol uit de lijst."}
    )
    municipality = forms.ChoiceField(
        label="Gemeente",
        error_messages={**DUTCH, "invalid_choice": "Kies een gemeente uit de lijst."},
    )

    def __init__(
        self, *args, roles: list[str], municipalities: list[tuple[str, str]], **kwargs
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["role"].choices = [(r, Role(r).label) for r in roles]
        self.fields["municipality"].choices = municipalities
