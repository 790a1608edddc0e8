"""The form of a jaarkalender deadline, with Dutch messages."""

from __future__ import annotations

import calendar

from django import forms
from django.contrib.auth import get_user_model

from rbl.governance.models import Deadline, Recurrence


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
