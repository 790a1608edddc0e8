"""The demo's objections and complaints: registered through the services in
plausible states, on a small world."""

from __future__ import annotations

import datetime as dt

import pytest

from rbl.demo.objections import populate_objections
from rbl.objections.models import Complaint, Objection
from tests.objections.conftest import exemption_case, leave_decision

pytestmark = pytest.mark.django_db


def test_demo_objections_and_complaints(world):
    leave_decision(world, days=15)
    exemption_case(world)
    peildatum = dt.date(2026, 6, 1)
    assert populate_objections(1, peildatum) == (2, 3)
    regional = Objection.objects.get(route="regionaal")
    assert regional.committee and regional.committee_informed_on and regional.outcome == "ongegrond"
    forwarded = Objection.objects.get(route="doorgestuurd")
    assert forwarded.forwarded_on == forwarded.received_on and forwarded.outcome == "gegrond"
    complaints = {
        c.outcome or ("uitgesteld" if c.postponed_on else "open"): c
        for c in Complaint.objects.all()
    }
    assert set(complaints) == {"informeel", "uitgesteld", "open"}
    for c in complaints.values():
        assert c.about_id != c.handler_id
    assert complaints["uitgesteld"].due_on == complaints["uitgesteld"].received_on + dt.timedelta(
        weeks=10
    )
    assert complaints["open"].committee
