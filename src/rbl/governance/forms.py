"""The governance forms (jaarkalender, audits, handbook, evaluation), with Dutch messages."""

from __future__ import annotations

import calendar

from django import forms
from django.contrib.auth import get_user_model

from rbl.cases.models import CaseType
from rbl.governance.audits import professionals
from rbl.governance.evaluation import EVIDENCE_CHOICES
from rbl.governance.models import (
    Audit,
    AuditAction,
    AuditKind,
    Deadline,
    EvaluationGoal,
    Recurrence,
)


class DeadlineForm(forms.ModelForm):
    class Meta:
        model = Deadline
        fields = [
            "title",
            "explanation",
            "recurrence",
            "month",
            "day",
            "first_date",
            "interval_weeks",
            "responsible_user",
            "responsible_role",
            "lead_days",
            "active",
        ]
        widgets = {
            "first_date": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "explanation": forms.Textarea(attrs={"rows": 3}),
        }
        help_texts = {
            "month": "1 tot en met 12; bij een jaarlijkse deadline.",
            "day": "Dag van de maand; bij een jaarlijkse deadline.",
            "first_date": "Bij een deadline om de zoveel weken: de eerste keer.",
            "responsible_user": "Een medewerker, of laat leeg en kies een rol.",
            "lead_days": "Vanaf zoveel dagen vóór de deadline staat de herinnering klaar.",
        }

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["responsible_user"].queryset = (
            get_user_model()
            .objects.filter(is_active=True, is_service_account=False)
            .order_by("last_name", "username")
        )
        self.fields["responsible_user"].label_from_instance = lambda u: (
            u.get_full_name() or u.username
        )

    def clean(self) -> dict:
        data = super().clean()
        if self.errors:
            return data
        if data.get("recurrence") == Recurrence.YEARLY:
            month, day = data.get("month"), data.get("day")
            if not month or not 1 <= month <= 12:
                self.add_error("month", "Vul een maand in van 1 tot en met 12.")
            elif not day or not 1 <= day <= calendar.monthrange(2024, month)[1]:
                self.add_error("day", "Deze dag bestaat niet in die maand.")
        else:
            if not data.get("first_date"):
                self.add_error("first_date", "Vul de eerste datum in.")
            if not data.get("interval_weeks") or not 1 <= data["interval_weeks"] <= 52:
                self.add_error("interval_weeks", "Vul een aantal weken in van 1 tot en met 52.")
        if not data.get("responsible_user") and not data.get("responsible_role"):
            self.add_error("responsible_user", "Kies een verantwoordelijke medewerker of rol.")
        if data.get("lead_days") is not None and data["lead_days"] > 365:
            self.add_error("lead_days", "Herinner hoogstens 365 dagen vooraf.")
        return data


class AuditForm(forms.ModelForm):
    """Plan an audit: the year, who is audited, and by whom."""

    class Meta:
        model = Audit
        fields = ["year", "audited", "kind", "auditor", "external_auditor"]
        help_texts = {
            "auditor": "Bij een collegiale audit: de collega die audit.",
            "external_auditor": "Bij een externe audit: naam en organisatie.",
        }

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        people = professionals()
        self.fields["audited"].queryset = people
        self.fields["auditor"].queryset = people
        for name in ("audited", "auditor"):
            self.fields[name].label_from_instance = lambda u: u.get_full_name() or u.username

    def clean(self) -> dict:
        data = super().clean()
        if self.errors:
            return data
        if not 2000 <= data["year"] <= 2100:
            self.add_error("year", "Vul een jaar in, bijvoorbeeld 2026.")
        if data["kind"] == AuditKind.PEER:
            if not data.get("auditor"):
                self.add_error("auditor", "Kies de collega die audit.")
            elif data["auditor"] == data["audited"]:
                self.add_error("auditor", "Iemand audit zichzelf niet; kies een andere collega.")
        elif not data.get("external_auditor", "").strip():
            self.add_error("external_auditor", "Vul de naam van de externe auditor in.")
        if Audit.objects.filter(year=data.get("year"), audited=data.get("audited")).exists():
            self.add_error("audited", "Deze medewerker heeft dit jaar al een audit.")
        return data


class AuditFillForm(forms.ModelForm):
    """The audit form: date, what was looked at, what goes well, findings."""

    class Meta:
        model = Audit
        fields = ["held_on", "files_checked", "strengths", "findings"]
        widgets = {
            "held_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "files_checked": forms.Textarea(attrs={"rows": 3}),
            "strengths": forms.Textarea(attrs={"rows": 3}),
            "findings": forms.Textarea(attrs={"rows": 5}),
        }

    def clean_findings(self) -> str:
        findings = self.cleaned_data["findings"].strip()
        if not findings:
            raise forms.ValidationError("Vul de bevindingen in.")
        return findings


class AuditActionForm(forms.ModelForm):
    class Meta:
        model = AuditAction
        fields = ["description", "owner", "due_on"]
        widgets = {"due_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")}

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = (
            get_user_model()
            .objects.filter(is_active=True, is_service_account=False)
            .order_by("last_name", "username")
        )
        self.fields["owner"].label_from_instance = lambda u: u.get_full_name() or u.username


class HandbookForm(forms.Form):
    """A handbook page: the text in Markdown and a short note of what changed.
    `base_version` is the version the editor opened (no lost updates)."""

    title = forms.CharField(
        label="Titel", max_length=150, error_messages={"required": "Vul de titel in."}
    )
    slug = forms.SlugField(
        label="Adres van de pagina",
        max_length=80,
        help_text="Kleine letters, cijfers en streepjes, bijvoorbeeld relatief-verzuim.",
        error_messages={
            "invalid": "Gebruik alleen kleine letters, cijfers en streepjes.",
            "required": "Vul het adres van de pagina in.",
        },
    )
    case_type = forms.ChoiceField(
        label="Geldt voor zaaksoort (optioneel)",
        choices=[("", "— geen —"), *CaseType.choices],
        required=False,
        help_text="De knop Werkwijze op een zaak van deze soort opent deze pagina.",
    )
    body = forms.CharField(
        label="Tekst",
        widget=forms.Textarea(attrs={"rows": 18}),
        help_text="Markdown: # kop, - opsomming, **vet**, [tekst](https://adres). "
        "HTML wordt als tekst getoond.",
        error_messages={"required": "Vul de tekst van de werkwijze in."},
    )
    note = forms.CharField(
        label="Wat is er veranderd",
        max_length=200,
        help_text="Kort, bijvoorbeeld: termijn gesprek aangepast aan de nieuwe afspraak.",
        error_messages={"required": "Schrijf kort op wat er veranderd is."},
    )
    base_version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, new: bool = True, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        if not new:
            del self.fields["slug"]


class GoalForm(forms.ModelForm):
    base_version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    class Meta:
        model = EvaluationGoal
        fields = ["year", "position", "title", "status", "explanation", "evidence"]
        widgets = {"explanation": forms.Textarea(attrs={"rows": 4})}
        help_texts = {
            "position": "De volgorde op de pagina; laag eerst.",
            "evidence": "Welke cijfers laten zien hoe het met dit doel gaat.",
        }

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["evidence"] = forms.ChoiceField(
            label="Onderbouwing uit de cijfers",
            choices=EVIDENCE_CHOICES,
            required=False,
            help_text=self._meta.help_texts["evidence"],
            error_messages={"invalid_choice": "Kies een onderbouwing uit de lijst."},
        )

    def clean_year(self) -> int:
        year = self.cleaned_data["year"]
        if not 2000 <= year <= 2100:
            raise forms.ValidationError("Vul een jaar in, bijvoorbeeld 2026.")
        return year

    def clean_title(self) -> str:
        title = self.cleaned_data["title"].strip()
        if not title:
            raise forms.ValidationError("Vul het doel in.")
        return title
