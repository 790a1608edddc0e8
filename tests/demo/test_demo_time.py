"""The demo's written time (R-53) and a scenario filled from it."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.db.models import Sum

from rbl.finance.scenario_io import read_scenario_file
from rbl.timekeeping.blocks import block_for_activity
from rbl.timekeeping.models import TimeEntry

PEIL = dt.date(2026, 11, 2)


@pytest.mark.django_db(transaction=True)
def test_demo_writes_time_and_rbl_scenario_settles_its_extra_services(capsys, tmp_path):
    call_command("demo", "--schaal", "0.02", "--peildatum", PEIL.isoformat())
    on_cases = TimeEntry.objects.filter(activity__isnull=False).select_related("activity")
    assert on_cases.exists()
    assert all(e.block == block_for_activity(e.activity.kind) for e in on_cases)
    booked = TimeEntry.objects.filter(product__isnull=False)
    assert set(booked.values_list("municipality_id", flat=True)) <= {"0197", "1876"}

    out = tmp_path / "scenario.yaml"
    call_command(
        "scenario",
        "--schooljaar",
        "2025-2026",
        "--basis",
        "examples/finance/achterhoek.yaml",
        "--uit",
        str(out),
    )
    services = read_scenario_file(out)["begrotingscyclus"]["extra_diensten"]
    in_year = booked.filter(date__gte=dt.date(2025, 8, 1), date__lte=dt.date(2026, 7, 31))
    for code in ("0197", "1876"):
        minutes = in_year.filter(municipality_id=code).aggregate(n=Sum("minutes"))["n"] or 0
        (line,) = [
            s for s in services if s["gemeente"] == code and s["product"] == "Extra preventie-uur"
        ]
        assert Decimal(str(line["gerealiseerd"])) == Decimal(minutes) / 60
        assert line["prijs"] == 85
