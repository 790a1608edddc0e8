"""The Halt referral and the PV as papers (R-22): Halt refused outside 12–18
and on a case type the MAS excludes, the referral form to the Halt office,
the PV filled with the absence and the MAS steps, the signed scan, the
outcome reported back to the owner, and no lost update."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from pypdf import PdfReader

from rbl.cases.models import ActivityKind, Handhaving, Task
from rbl.cases.services.errors import CaseRuleError, ConcurrentEditError
from rbl.cases.services.handhaving import record_outcome, start_handhaving, update_handhaving
from rbl.cases.services.history import describe_events
from rbl.cases.services.lifecycle import add_activity, open_case
from rbl.letters.models import LetterKind
from rbl.letters.services.documents import DocumentRejected
from rbl.letters.services.handhaving import (
    attach_signed_scan,
    prepare_pv,
    pv_after_failed_halt,
    refer_to_halt,
)
from rbl.letters.services.letters import LetterError
from rbl.organisation.models import Municipality
from tests.cases.factories import VerzuimMeldingFactory, staff
from tests.factories import PersonFactory, RegionFactory
from tests.letters.factories import TINY_PDF

pytestmark = pytest.mark.django_db

HALT = "Halt Oost-Nederland\nPostbus 1\n7000 AA  Doetinchem"
OM = "Openbaar Ministerie, parket Oost-Nederland\nPostbus 2\n6800 AA  Arnhem"


@pytest.fixture
def aalten():
    region = RegionFactory(halt_address=HALT, om_address=OM)
    return Municipality.objects.create(code="0197", name="Aalten", region=region)


@pytest.fixture
def people(aalten):
    return {"lpa": staff("lpa", "lpa", aalten), "boa": staff("boa", "boa", aalten)}


def today() -> dt.date:
    return timezone.localdate()


def teen_case(aalten, people, case_type="relatief_16uur", born=dt.date(2012, 1, 1)):
    person = PersonFactory(
        municipality=aalten, birth_date=born, parent1_name="Anna Jansen", parent2_name=""
    )
    return open_case(person, case_type, owner=people["lpa"], today=today())


def pdf_text(document) -> str:
    """The PDF's text with its line breaks and spacing folded to single spaces."""
    with document.file.open("rb") as f:
        text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(f.read())).pages)
    return " ".join(text.split())


def test_halt_refused_outside_12_to_18_on_the_fixed_clock(aalten, people, clock):
    # 11 March 2026: born 12 March 2014 is one day short of 12; born 11 March 2008 is 18 today.
    for born in (dt.date(2014, 3, 12), dt.date(2008, 3, 11)):
        case = teen_case(aalten, people, born=born)
        with pytest.raises(CaseRuleError, match="12 tot 18"):
            refer_to_halt(case, actor=people["lpa"], handler=people["boa"], expected_version=1)
    assert Handhaving.objects.count() == 0
    twelve_today = teen_case(aalten, people, born=dt.date(2014, 3, 11))
    assert refer_to_halt(
        twelve_today, actor=people["lpa"], handler=people["boa"], expected_version=1
    ).is_open


@pytest.mark.parametrize("case_type", ["absoluut", "langdurig", "overig", "verlof"])
def test_halt_refused_on_a_case_type_the_mas_excludes(aalten, people, case_type):
    case = teen_case(aalten, people, case_type=case_type)
    with pytest.raises(CaseRuleError) as refused:
        refer_to_halt(case, actor=people["lpa"], handler=people["boa"], expected_version=1)
    assert "Halt" in str(refused.value) or "verlofaanvraag" in str(refused.value)
    assert Handhaving.objects.count() == 0
    assert case.documents.count() == 0


@pytest.mark.parametrize("case_type", ["relatief_16uur", "signaal", "luxe"])
def test_halt_referral_form_goes_to_the_halt_office(aalten, people, case_type):
    case = teen_case(aalten, people, case_type=case_type)
    VerzuimMeldingFactory(person=case.person, case=case, verzuim_vanaf=dt.date(2026, 2, 2))
    halt = refer_to_halt(case, actor=people["lpa"], handler=people["boa"], expected_version=1)
    document = halt.prepared_document
    assert document.letter_kind == LetterKind.HALT_VERWIJZING and document.case == case
    text = pdf_text(document)
    assert "Halt Oost-Nederland" in text and "7000 AA Doetinchem" in text
    assert "2 februari 2026" in text and "Anna Jansen" in text
    assert case.activities.get().kind == ActivityKind.HALT


def test_halt_without_office_address_is_refused_and_nothing_is_kept(aalten, people):
    aalten.region.halt_address = ""
    aalten.region.save()
    case = teen_case(aalten, people)
    with pytest.raises(LetterError, match="adres van het Halt-bureau ontbreekt"):
        refer_to_halt(case, actor=people["lpa"], handler=people["boa"], expected_version=1)
    assert Handhaving.objects.count() == 0 and case.documents.count() == 0


def test_halt_acceptance_after_sending_and_failed_halt_leads_to_pv(aalten, people):
    case = teen_case(aalten, people)
    halt = refer_to_halt(case, actor=people["lpa"], handler=people["boa"], expected_version=1)
    with pytest.raises(CaseRuleError, match="eerst de verzenddatum"):
        update_handhaving(halt, actor=people["boa"], expected_version=1, accepted_on=today())
    halt = update_handhaving(halt, actor=people["boa"], expected_version=1, sent_on=today())
    halt = update_handhaving(halt, actor=people["boa"], expected_version=2, accepted_on=today())
    assert halt.accepted_on == today()
    with pytest.raises(CaseRuleError, match="niet is geslaagd"):
        pv_after_failed_halt(halt, actor=people["lpa"], expected_version=None)
    record_outcome(halt, "halt_niet_geslaagd", actor=people["boa"], expected_version=3)
    case.refresh_from_db()
    pv = pv_after_failed_halt(halt, actor=people["lpa"], expected_version=case.version)
    assert (pv.kind, pv.handler, pv.is_open) == ("pv", people["boa"], True)


def test_pv_flow_holds_absence_and_mas_steps_and_reports_back(aalten, people):
    lpa, boa = people["lpa"], people["boa"]
    case = teen_case(aalten, people)
    VerzuimMeldingFactory(
        person=case.person,
        case=case,
        verzuim_vanaf=dt.date(2026, 1, 12),
        verzuim_tot=dt.date(2026, 1, 30),
        uren=18,
    )
    add_activity(case, "gesprek_ouders", author=lpa, expected_version=1, on=dt.date(2026, 2, 3))
    case.refresh_from_db()
    add_activity(
        case, "waarschuwing", author=lpa, expected_version=case.version, on=dt.date(2026, 2, 17)
    )
    case.refresh_from_db()
    pv = start_handhaving(case, "pv", actor=lpa, handler=boa, expected_version=case.version)
    with pytest.raises(CaseRuleError, match="Maak eerst het PV op"):
        attach_signed_scan(pv, SimpleUploadedFile("s.pdf", TINY_PDF), actor=boa, expected_version=1)
    pv = prepare_pv(pv, actor=boa, expected_version=1)
    text = pdf_text(pv.prepared_document)
    assert "12 januari 2026 tot en met 30 januari 2026: 18 uur" in text
    assert "3 februari 2026: Gesprek met ouders" in text
    assert "17 februari 2026: Waarschuwing" in text
    assert "Openbaar Ministerie" in text and "Anna Jansen" in text
    with pytest.raises(DocumentRejected, match="PDF"):
        attach_signed_scan(
            pv,
            SimpleUploadedFile("s.png", b"\x89PNG\r\n\x1a\n" + b"0" * 20),
            actor=boa,
            expected_version=2,
        )
    pv = attach_signed_scan(
        pv, SimpleUploadedFile("scan.pdf", TINY_PDF), actor=boa, expected_version=2
    )
    assert pv.signed_on == today() and pv.signed_scan.content_type == "application/pdf"
    pv = update_handhaving(pv, actor=boa, expected_version=3, sent_on=today())
    pv = update_handhaving(
        pv, actor=boa, expected_version=4, hearing_on=today() + dt.timedelta(days=30)
    )
    record_outcome(
        pv, "taakstraf", actor=boa, expected_version=5, on=today() + dt.timedelta(days=30)
    )
    task = Task.objects.get(case=case, done_on__isnull=True)
    assert task.assignee == lpa and "taakstraf" in task.title
    lines = describe_events(case.events.order_by("at", "pk"))
    assert any("Uitkomst Halt/PV: Taakstraf / leerstraf op" in line for line in lines)
    assert any("ondertekende scan" in line for line in lines)


def test_second_tab_gets_a_conflict_and_changes_nothing(aalten, people):
    case = teen_case(aalten, people)
    pv = start_handhaving(
        case, "pv", actor=people["lpa"], handler=people["boa"], expected_version=1
    )
    update_handhaving(pv, actor=people["boa"], expected_version=1, sent_on=today())
    with pytest.raises(ConcurrentEditError):
        prepare_pv(pv, actor=people["boa"], expected_version=1)
    pv.refresh_from_db()
    assert pv.prepared_document is None and case.documents.count() == 0
