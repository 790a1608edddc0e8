"""Making letters: addressees and signature, the control letter and its term,
the satisfactory answer, batches with the mailing house's list, letters from
a case, uploads (R-28, R-13, R-23, R-24, R-04)."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from pypdf import PdfReader

from rbl.absoluut.check import run_check
from rbl.absoluut.models import CloseReason, Signal
from rbl.accounts.models import Role, RoleAssignment, User
from rbl.cases.models import (
    ActivityKind,
    AgeGroup,
    AssignmentRule,
    CaseEvent,
    EventKind,
    Task,
    TaskKind,
)
from rbl.cases.services.leave import decide_leave, register_leave_request
from rbl.cases.services.lifecycle import open_case
from rbl.letters.compose import letter_html
from rbl.letters.models import Document, ImmutableDocumentError, LetterBatch
from rbl.letters.services.batch import run_batch, start_batch
from rbl.letters.services.documents import DocumentRejected, upload_document
from rbl.letters.services.letters import (
    LetterError,
    current_template,
    letter_for_case,
    letter_for_signal,
    make_letter,
    record_satisfactory_answer,
)
from rbl.organisation.models import Municipality
from tests.factories import ExemptionFactory, PersonFactory, RegionFactory, SignalFactory
from tests.letters.factories import TINY_PDF

pytestmark = pytest.mark.django_db

D = dt.date(2026, 3, 11)  # the suite's fixed day (tests/clock.py)
DAY = dt.timedelta(days=1)


def squash(text: str) -> str:
    return "".join(text.lower().split())


def pdf_text(data: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)


@pytest.fixture
def aalten(db) -> Municipality:
    return Municipality.objects.create(
        code="0197", name="Aalten", region=RegionFactory(), address="Postbus 35\n7120 AA Aalten"
    )


@pytest.fixture
def winterswijk(aalten) -> Municipality:
    return Municipality.objects.create(code="0294", name="Winterswijk", region=aalten.region)


def officer(username: str, municipality: Municipality, role: str = Role.LPA, **extra) -> User:
    user = User.objects.create(
        username=username, first_name="Anna", last_name=username.title(), **extra
    )
    RoleAssignment.objects.create(user=user, role=role, municipality=municipality)
    return user


def youth(municipality, birth=dt.date(2014, 5, 1), **fields):
    data = {
        "street": "Kerkstraat",
        "house_number": "12",
        "postcode": "7121AB",
        "city": municipality.name,
        "parent1_name": "P. de Vries",
        "parent2_name": "",
    }
    return PersonFactory(municipality=municipality, birth_date=birth, **{**data, **fields})


def make_batch(kind="controlebrief", day=D, codes=None):
    return run_batch(start_batch(kind, day=day, codes=codes))


# --- addressees and signature ----------------------------------------------------------


@pytest.mark.parametrize(
    ("birth", "kind", "names"),
    [
        # A leerplichtige of 11: the parents only, also on a warning.
        (dt.date(2014, 5, 1), "waarschuwing", ["P. de Vries"]),
        # From 12 the youth is named too on warnings and invitations, not on a control letter.
        (dt.date(2013, 5, 1), "waarschuwing", ["P. de Vries", "Sem de Vries"]),
        (dt.date(2013, 5, 1), "uitnodiging", ["P. de Vries", "Sem de Vries"]),
        (dt.date(2013, 5, 1), "controlebrief", ["P. de Vries"]),
        # A kwalificatieplichtige of 17: youth and parents on every letter.
        (dt.date(2008, 11, 1), "controlebrief", ["P. de Vries", "Sem de Vries"]),
        # From 18: the youth alone.
        (dt.date(2007, 11, 1), "waarschuwing", ["Sem de Vries"]),
    ],
)
def test_who_a_letter_is_addressed_to(aalten, birth, kind, names):
    from rbl.letters.addressing import addressing_for

    person = youth(aalten, birth=birth, given_names="Sem", surname="Vries", prefix="de")
    addressed = addressing_for(person, D, youth_from_12=kind in ("waarschuwing", "uitnodiging"))
    assert list(addressed.name_lines) == names
    assert addressed.address_lines == ("Kerkstraat 12", "7121 AB  AALTEN")


def test_parents_unknown_are_the_parents_of_the_youth(aalten):
    from rbl.letters.addressing import addressing_for

    person = youth(aalten, parent1_name="", given_names="Sem", surname="Vries", prefix="de")
    addressed = addressing_for(person, D, youth_from_12=False)
    assert addressed.name_lines == ("De ouder(s)/verzorger(s) van Sem de Vries",)
    assert addressed.salutation == "Geachte ouder(s)/verzorger(s),"


def test_control_letter_signed_for_the_signals_municipality_by_the_assigned_officer(
    aalten, winterswijk
):
    lpa = officer("lpa-ww", winterswijk, function="Leerplichtambtenaar")
    AssignmentRule.objects.create(municipality=winterswijk, age_group=AgeGroup.LP, user=lpa)
    signal = SignalFactory(person=youth(winterswijk), opened_on=D - 2 * DAY)
    _, html = letter_html(letter_for_signal(signal, D), current_template("controlebrief"), D)
    document = make_letter(letter_for_signal(signal, D), author=None, day=D)
    text = squash(pdf_text(document.file.read()))
    assert squash("burgemeester en wethouders van de gemeente Winterswijk, namens dezen,") in text
    assert squash("Anna Lpa-Ww") in text and "leerplichtambtenaar" in text
    assert "aalten" not in text


def test_a_hostile_surname_prints_verbatim(aalten):
    person = youth(aalten, surname='<b>Öztürk & "Zn"</b>', given_names="Ayla", prefix="")
    signal = SignalFactory(person=person, opened_on=D)
    document = make_letter(letter_for_signal(signal, D), author=None, day=D)
    assert '<b>Öztürk & "Zn"</b>' in pdf_text(document.file.read())


# --- the control letter, its term and the satisfactory answer ------------------------------


def test_the_answer_term_counts_from_the_letter_not_from_the_signal(aalten):
    from rbl.cases.services.absoluut import open_cases_for_due_signals

    signal = SignalFactory(person=youth(aalten), opened_on=D - 30 * DAY)
    assert open_cases_for_due_signals(D) == []  # no letter, no term
    letter_day = D - 10 * DAY
    make_batch(day=letter_day)
    signal.refresh_from_db()
    assert signal.control_letter_on == letter_day
    assert signal.control_deadline() == letter_day + 14 * DAY
    assert open_cases_for_due_signals(letter_day + 14 * DAY) == []
    [case] = open_cases_for_due_signals(letter_day + 15 * DAY)
    assert case.signal == signal


def test_a_satisfactory_answer_closes_the_signal_and_stops_new_ones_until_its_date(aalten):
    person = youth(aalten, birth=dt.date(2013, 5, 1))
    run_check(D)
    signal = Signal.objects.get(person=person)
    make_batch(day=D)
    signal.refresh_from_db()
    until = dt.date(2026, 7, 31)
    record_satisfactory_answer(signal, until=until, actor=None, day=D + 3 * DAY)
    signal.refresh_from_db()
    assert (signal.closed_on, signal.close_reason) == (D + 3 * DAY, CloseReason.ANSWERED)
    # Still not enrolled, but no new signal until the date the user set ...
    assert run_check(D + 7 * DAY).new == 0
    assert run_check(until).new == 0
    # ... and the day after it, the check signals the youth again.
    assert run_check(until + DAY).new == 1
    assert Signal.objects.open().get(person=person).opened_on == until + DAY


def test_an_answer_cannot_end_in_the_past(aalten):
    signal = SignalFactory(person=youth(aalten), opened_on=D)
    with pytest.raises(LetterError, match="verleden"):
        record_satisfactory_answer(signal, until=D - DAY, actor=None, day=D)


# --- batches ---------------------------------------------------------------------------


def test_batch_makes_one_letter_per_signal_in_postcode_order_and_nothing_twice(
    aalten, winterswijk, tmp_path, capsys
):
    for postcode in ("7131ZZ", "7121AA", "7101BB"):
        SignalFactory(person=youth(winterswijk, postcode=postcode), opened_on=D)
    SignalFactory(person=youth(aalten, postcode="7122CC"), opened_on=D)
    pdf, addresses = tmp_path / "brieven.pdf", tmp_path / "adressen.csv"
    call_command(
        "brieven",
        "controlebrief",
        "--datum",
        D.isoformat(),
        "--pdf",
        str(pdf),
        "--adressen",
        str(addresses),
        "--json",
    )
    out = json.loads(capsys.readouterr().out)
    assert (out["soort"], out["brieven"], out["pdf"]) == ("controlebrief", 4, str(pdf))
    assert Document.objects.filter(letter_kind="controlebrief").count() == 4
    rows = list(csv.DictReader(addresses.open(encoding="utf-8"), delimiter=";"))
    assert [r["postcode"] for r in rows] == ["7101BB", "7121AA", "7122CC", "7131ZZ"]
    reader = PdfReader(str(pdf))
    signature_pages = [
        p for p in reader.pages if "burgemeesterenwethouders" in squash(p.extract_text())
    ]
    assert len(signature_pages) == 4
    # A second run makes nothing new.
    call_command("brieven", "controlebrief", "--datum", D.isoformat(), "--json")
    assert json.loads(capsys.readouterr().out)["brieven"] == 0
    assert Document.objects.count() == 4


def test_a_secret_address_is_not_on_the_mailing_list_and_is_reported_apart(aalten, tmp_path):
    secret = youth(aalten, secret=True, postcode="7121XX", street="Geheimweg")
    SignalFactory(person=secret, opened_on=D)
    SignalFactory(person=youth(aalten, street="", house_number=""), opened_on=D)
    SignalFactory(person=youth(aalten, postcode="7121AB"), opened_on=D)
    batch = make_batch()
    assert (batch.letters, batch.set_apart) == (3, 2)
    text = batch.addresses.read().decode()
    assert "Geheimweg" not in text and "7121XX" not in text
    assert len(text.strip().splitlines()) == 2  # header + the one ordinary letter
    apart = dict(batch.documents.exclude(delivery="ok").values_list("person_id", "delivery"))
    assert apart[secret.pk] == "geheim" and sorted(apart.values()) == ["geen_adres", "geheim"]


def test_unknown_kind_and_municipality_are_refused_without_change(aalten, capsys):
    SignalFactory(person=youth(aalten), opened_on=D)
    for args in (
        ["brief-x"],
        ["controlebrief", "--gemeente", "9999"],
        ["controlebrief", "--datum", "2026-02-30"],
    ):
        with pytest.raises(SystemExit) as exit_:
            call_command("brieven", *args, "--json")
        assert exit_.value.code == 1
        assert json.loads(capsys.readouterr().out)["errors"]
    assert not Document.objects.exists() and not LetterBatch.objects.filter(letters__gt=0).exists()


def test_exemption_notice_two_months_before_the_end(aalten, capsys):
    person = youth(aalten)
    ending = ExemptionFactory(bsn=person.bsn, municipality=aalten, end=D + 50 * DAY)
    ExemptionFactory(bsn=person.bsn, municipality=aalten, ground="5b", end=D + 90 * DAY)
    call_command("brieven", "vrijstelling-afloop", "--datum", D.isoformat(), "--json")
    assert json.loads(capsys.readouterr().out)["brieven"] == 1
    document = Document.objects.get()
    assert document.exemption == ending and document.person == person
    assert "loopt af" in pdf_text(document.file.read())
    call_command("brieven", "vrijstelling-afloop", "--datum", D.isoformat(), "--json")
    assert json.loads(capsys.readouterr().out)["brieven"] == 0


# --- letters from a case ------------------------------------------------------------------


def test_a_warning_starts_the_term_before_a_proces_verbaal(aalten):
    lpa = officer("lpa-a", aalten)
    case = open_case(youth(aalten), "relatief_16uur", actor=lpa, today=D, owner=lpa)
    document = make_letter(letter_for_case(case, "waarschuwing", D, author=lpa), author=lpa, day=D)
    task = Task.objects.get(case=case, kind=TaskKind.TERMIJN_PV)
    assert task.due_on == D + dt.timedelta(weeks=4) and task.assignee == lpa
    assert case.activities.filter(kind=ActivityKind.WAARSCHUWING, date=D).exists()
    event = CaseEvent.objects.get(case=case, kind=EventKind.LETTER)
    assert event.data["document"] == document.pk
    assert document.template.version == 1 and document.author == lpa
    assert len(document.sha256) == 64


def test_verzuimstaat_request_goes_to_the_school_without_the_youths_address(aalten):
    from tests.factories import SchoolFactory

    lpa = officer("lpa-b", aalten)
    person = youth(aalten, secret=True, street="Geheimweg", house_number="7")
    case = open_case(person, "relatief_16uur", actor=lpa, today=D, owner=lpa)
    case.school = SchoolFactory(name="Het Assink Lyceum")
    case.save()
    task = Task.objects.create(
        case=case, kind=TaskKind.VERZUIMSTAAT, title="Verzuimstaat", due_on=D
    )
    document = make_letter(letter_for_case(case, "verzuimstaat", D, author=lpa), author=lpa, day=D)
    text = pdf_text(document.file.read())
    assert "Het Assink Lyceum" in text
    assert "Geheimweg" not in text and "7121" not in text
    task.refresh_from_db()
    assert task.done_on == D  # the request is made


def test_leave_decision_letter_only_for_leave_the_officer_decides(aalten):
    lpa = officer("lpa-c", aalten)
    person = youth(aalten)
    start = dt.date(2026, 5, 4)  # a Monday: three weeks of school days
    long = register_leave_request(
        person, article="14", requested_on=D, start=start, end=start + 18 * DAY, actor=lpa, today=D
    )
    with pytest.raises(LetterError, match="Leg eerst het besluit vast"):
        letter_for_case(long.case, "verlof-besluit", D, author=lpa)
    decide_leave(
        long,
        "afgewezen",
        actor=lpa,
        expected_version=None,
        decided_on=D,
        note="Geen gewichtige omstandigheden.",
    )
    long.case.refresh_from_db()
    document = make_letter(
        letter_for_case(long.case, "verlof-besluit", D, author=lpa), author=lpa, day=D
    )
    text = squash(pdf_text(document.file.read()))
    assert "bezwaar" in text and "afgewezen" in text
    short = register_leave_request(
        youth(aalten),
        article="14",
        requested_on=D,
        start=start,
        end=start + 2 * DAY,
        actor=lpa,
        today=D,
    )
    with pytest.raises(LetterError, match="directeur van de school"):
        letter_for_case(short.case, "verlof-besluit", D, author=lpa)


# --- uploads and immutability ---------------------------------------------------------------


def test_upload_is_checked_by_content_and_size(aalten, settings):
    lpa = officer("lpa-d", aalten)
    case = open_case(youth(aalten), "relatief_16uur", actor=lpa, today=D, owner=lpa)
    fake = SimpleUploadedFile(
        "verklaring.pdf", b"MZ\x90\x00 not a pdf", content_type="application/pdf"
    )
    with pytest.raises(DocumentRejected, match="geen PDF, PNG of JPEG"):
        upload_document(upload=fake, upload_kind="verklaring", title="", author=lpa, case=case)
    settings.RBL_MAX_DOCUMENT_MB = 0
    with pytest.raises(DocumentRejected, match="groter dan"):
        upload_document(
            upload=SimpleUploadedFile("a.pdf", TINY_PDF),
            upload_kind="verklaring",
            title="",
            author=lpa,
            case=case,
        )
    settings.RBL_MAX_DOCUMENT_MB = 10
    document = upload_document(
        upload=SimpleUploadedFile("scan.jpg", b"\xff\xd8\xff\xe0" + b"0" * 100),
        upload_kind="verklaring",
        title="Verklaring huisarts",
        author=lpa,
        case=case,
        expected_version=case.version,
    )
    assert document.content_type == "image/jpeg" and document.person == case.person
    assert CaseEvent.objects.filter(case=case, kind=EventKind.DOCUMENT).exists()
    document.title = "anders"
    with pytest.raises(ImmutableDocumentError):
        document.save()
    with pytest.raises(ImmutableDocumentError):
        document.delete()
    assert Document.objects.count() == 1


@pytest.mark.parametrize(
    "kind",
    [
        "controlebrief",
        "waarschuwing",
        "uitnodiging",
        "verzuimstaat",
        "verlof-besluit",
        "vrijstelling-afloop",
    ],
)
def test_every_standard_letter_fits_on_one_page(aalten, kind):
    from rbl.letters.compose import preview_html
    from rbl.letters.pdf import render_pdf

    aalten.region.office_phone, aalten.region.office_email = (
        "0543 49 33 00",
        "leerplicht@aalten.example",
    )
    aalten.region.save()
    pdf = render_pdf(preview_html(current_template(kind), aalten))
    reader = PdfReader(io.BytesIO(pdf))
    assert len(reader.pages) == 1
    assert squash("burgemeester en wethouders van de gemeente Aalten, namens dezen,") in squash(
        reader.pages[0].extract_text()
    )
