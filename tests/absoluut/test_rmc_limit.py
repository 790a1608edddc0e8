"""The absoluut-verzuim check under a raised RMC age limit (issue 20 item 6):
the RMC group is no duty (R-13 checks leerplicht and kwalificatieplicht), so
a youth who is in the RMC group again by a higher limit gets no signal."""

from __future__ import annotations

import datetime as dt

import pytest

from rbl.absoluut.check import run_check
from rbl.absoluut.models import Signal
from rbl.law.limits import rmc_limits
from rbl.law.models import RmcAgeLimit
from rbl.law.status import LegalStatus, status_on
from tests.factories import PersonFactory

from .conftest import KP_BIRTH, D

pytestmark = pytest.mark.django_db


def test_a_youth_back_in_the_rmc_group_is_not_in_absoluut_verzuim(aalten):
    RmcAgeLimit.objects.create(age=27, valid_from=D - dt.timedelta(days=30))
    older = PersonFactory(municipality=aalten, birth_date=D.replace(year=D.year - 25))
    kp = PersonFactory(municipality=aalten, birth_date=KP_BIRTH)
    assert status_on(older.birth_date, D, None, rmc_limits()).status == LegalStatus.RMC
    result = run_check(D)
    assert (result.checked, result.new) == (1, 1)
    assert list(Signal.objects.open().values_list("person", flat=True)) == [kp.pk]
