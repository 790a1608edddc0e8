"""The region's terms for case work, with the documented defaults."""

from __future__ import annotations

from rbl.cases.models import CaseSettings
from rbl.organisation.models import Municipality


def case_settings(municipality: Municipality | None = None) -> CaseSettings:
    """The terms of the region of `municipality` (or of the only region); an
    unsaved row with the defaults when the region has not set them."""
    qs = CaseSettings.objects.all()
    if municipality is not None and municipality.region_id is not None:
        row = qs.filter(region_id=municipality.region_id).first()
    else:
        row = qs.order_by("pk").first()
    return row or CaseSettings()
