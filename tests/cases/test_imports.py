"""`rbl import verzuimmeldingen` and `rbl import vsv` (formats.md)."""

from __future__ import annotations

import datetime as dt

import pytest

from rbl.cases.models import AssignmentRule, Case, VerzuimMelding, VsvMelding
from rbl.organisation.models import School
from rbl.registry.models import ImportLog
from tests.cases.factories import staff
from tests.factories import PersonFactory, SchoolFactory

pytestmark = pytest.mark.django_db

HEADER = (
    "meldingsnummer;bsn;brin;vestiging;soort;meldingsdatum;verzuim_vanaf;verzuim_tot;uren;dagen;"
    "alle_lessen_gemist;reden;actie_school;actie_gemeente_gewenst;toelichting\n"
)


@pytest.fixture
def setup(aalten):
    lpa = staff("lpa-aalten", "lpa", aalten)
    rmc = staff("rmc-regio", "rmc", aalten)
    AssignmentRule.objects.create(municipality=aalten, age_group="LP", user=lpa)
    AssignmentRule.objects.create(municipality=aalten, age_group="RMC", user=rmc)
    contact = staff("contact", "lpa", aalten)
    school = SchoolFactory(brin="12AB", vestiging="01", contact=contact)
    child = PersonFactory(municipality=aalten, bsn="111222333")
    return {"lpa": lpa, "rmc": rmc, "contact": contact, "school": school, "child": child}


def melding_file(write, *rows: str):
    return write(HEADER + "".join(r + "\n" for r in rows))


ROW1 = (
    "D-1;111222333;12AB;01;16UUR;2025-02-01;2025-01-06;2025-01-31;16,5;4;N;ziek?;gesprek;J;let op"
)
ROW2 = "D-2;111222333;12AB;01;16UUR;2025-02-15;2025-02-03;;8;;;;;;"
ROW_UNKNOWN = "D-3;123456782;99ZZ;;LUXE;2025-02-20;;;;;;;;;"


def test_reports_become_one_case_assigned_to_school_contact(setup, write, rbl_import):
    code, out = rbl_import("verzuimmeldingen", melding_file(write, ROW1, ROW2))
    assert code == 0, out["errors"]
    assert (out["rows"], out["created"], out["updated"], out["unchanged"]) == (2, 2, 0, 0)
    case = Case.objects.get()
    assert case.owner == setup["contact"]
    assert case.school == setup["school"]
    assert case.meldingen.count() == 2
    first = VerzuimMelding.objects.get(meldingsnummer="D-1")
    assert first.uren == pytest.approx(16.5)
    assert (first.dagen, first.alle_lessen_gemist, first.actie_gemeente_gewenst) == (4, False, True)
    assert first.verzuim_tot == dt.date(2025, 1, 31)
    assert first.toelichting == "let op"


def test_second_run_changes_nothing(setup, write, rbl_import):
    path = melding_file(write, ROW1, ROW2, ROW_UNKNOWN)
    rbl_import("verzuimmeldingen", path)
    versions = list(Case.objects.values_list("pk", "version"))
    code, out = rbl_import("verzuimmeldingen", path)
    assert code == 0
    assert (out["created"], out["updated"], out["unchanged"]) == (0, 0, 3)
    assert list(Case.objects.values_list("pk", "version")) == versions
    assert VerzuimMelding.objects.count() == 3


def test_same_number_with_other_content_is_updated(setup, write, rbl_import):
    rbl_import("verzuimmeldingen", melding_file(write, ROW1))
    code, out = rbl_import("verzuimmeldingen", melding_file(write, ROW1.replace("16,5", "20")))
    assert (out["created"], out["updated"], out["unchanged"]) == (0, 1, 0)
    assert VerzuimMelding.objects.get().uren == 20
    assert Case.objects.count() == 1


def test_unknown_bsn_waits_in_queue_and_unknown_brin_is_placeholder(
    setup, write, rbl_import, aalten
):
    code, out = rbl_import("verzuimmeldingen", melding_file(write, ROW_UNKNOWN))
    assert code == 0 and out["created"] == 1
    melding = VerzuimMelding.objects.get()
    assert melding.person is None and melding.case is None
    assert School.objects.get(brin="99ZZ").placeholder
    # The person arrives; the next import of reports links the waiting one.
    PersonFactory(municipality=aalten, bsn="123456782")
    rbl_import("verzuimmeldingen", melding_file(write, ROW1))
    melding.refresh_from_db()
    assert melding.person.bsn == "123456782"
    assert melding.case.type == "luxe"


def test_bad_rows_reject_the_file_with_line_and_column(setup, write, rbl_import):
    bad_bsn = ROW2.replace("111222333", "111222334")
    bad_period = ROW1.replace("D-1", "D-9").replace("2025-01-31", "2024-12-31")
    code, out = rbl_import("verzuimmeldingen", melding_file(write, ROW1, bad_bsn, bad_period))
    assert code == 1
    errors = {(e["line"], e["column"]) for e in out["errors"]}
    assert errors == {(3, "bsn"), (4, "verzuim_tot")}
    assert out["created"] == 0
    assert not VerzuimMelding.objects.exists() and not Case.objects.exists()
    log = ImportLog.objects.get()
    assert "111222334" not in str(log.errors)


def test_missing_required_column(setup, write, rbl_import):
    path = write("meldingsnummer,bsn,brin,meldingsdatum\nA,111222333,12AB,2025-01-01\n")
    code, out = rbl_import("verzuimmeldingen", path)
    assert code == 1
    assert out["errors"][0]["line"] == 1 and out["errors"][0]["column"] == "soort"


def test_duplicate_number_in_one_file_rejected(setup, write, rbl_import):
    code, out = rbl_import("verzuimmeldingen", melding_file(write, ROW1, ROW1))
    assert code == 1 and out["errors"][0]["line"] == 3


def test_vsv_list_opens_rmc_cases_idempotently(setup, write, rbl_import, aalten):
    adult = PersonFactory(municipality=aalten, bsn="222333443", birth_date=dt.date(2005, 3, 1))
    path = write(
        "bsn,uitschrijvingsdatum,brin,opleiding,niveau,peildatum\n"
        "222333443,2024-12-20,12AB,Verzorgende,2,2025-01-01\n"
        "123456782,2024-11-01,,,,\n"
    )
    code, out = rbl_import("vsv", path)
    assert code == 0, out["errors"]
    assert out["created"] == 2
    case = Case.objects.get(person=adult)
    assert case.type == "rmc" and case.owner == setup["rmc"]
    assert case.absent_since == dt.date(2024, 12, 20)
    assert VsvMelding.objects.get(bsn="123456782").case is None
    code, out = rbl_import("vsv", path)
    assert (out["created"], out["updated"], out["unchanged"]) == (0, 0, 2)
    assert Case.objects.count() == 1


def test_waiting_report_links_as_soon_as_the_brp_import_brings_the_person(
    setup, write, rbl_import, aalten
):
    rbl_import("verzuimmeldingen", melding_file(write, ROW_UNKNOWN))
    assert VerzuimMelding.objects.get().person is None
    brp = write("bsn;geslachtsnaam;geboortedatum;gemeentecode\n123456782;Nieuw;2012-05-05;0197\n")
    code, out = rbl_import("brp", brp, "--gemeente", "0197", "--peildatum", "2025-03-01")
    assert code == 0 and out["created"] == 1
    melding = VerzuimMelding.objects.get()
    assert melding.person.bsn == "123456782"
    assert melding.case is not None
