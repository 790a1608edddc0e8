"""Retention of case files (R-29): a database with files of every kind and age
on the fixed clock (11 March 2026); `rbl retentie` removes exactly what the
terms say, keeps what is held, leaves one tombstone per file, changes nothing
on a dry run or a second run; append-only parts stay closed to other code."""

from __future__ import annotations

import datetime as dt
import json
from io import StringIO
from pathlib import Path

import pytest
from django.core.files.base import ContentFile
from django.core.management import call_command
from django.db import connection, transaction
from django.db.utils import DatabaseError
from django.utils import timezone

from rbl.audit.models import AccessLogImmutableError, LegalHold, RetentionRule, Tombstone
from rbl.audit.removal import run_case_retention
from rbl.audit.retention import HoldError, lift_hold, set_hold
from rbl.cases.models import (
    Activity,
    Case,
    CaseEvent,
    Handhaving,
    LeaveRequest,
    Task,
    VerzuimMelding,
)
from rbl.cases.models.case import ImmutableError
from rbl.letters.models import Document, ImmutableDocumentError
from tests.cases.factories import CaseEventFactory, CaseFactory, VerzuimMeldingFactory, staff
from tests.factories import DiplomaFactory, MunicipalityFactory, PersonFactory, RegionFactory

pytestmark = pytest.mark.django_db

TODAY = dt.date(2026, 3, 11)


def closed(person, case_type="relatief_16uur", *, opened, closed_on, **kw) -> Case:
    return CaseFactory(
        person=person,
        type=case_type,
        opened_on=opened,
        status="afgesloten",
        closed_on=closed_on,
        closing_reason="terug_naar_school",
        closing_note="Gesprek met moeder Jansen gehad.",
        **kw,
    )


def document(case, user, name="brief.pdf", corrects=None) -> Document:
    doc = Document(
        corrects=corrects,
        case=case,
        person=case.person,
        source="upload",
        upload_kind="overig",
        title="Verklaring",
        content_type="application/pdf",
        size=3,
        sha256="0" * 64,
        author=user,
        created_at=timezone.now(),
    )
    doc.file.save(name, ContentFile(b"pdf"), save=False)
    doc.save()
    return doc


def handhaving(case, kind="pv", outcome="", outcome_on=None) -> Handhaving:
    return Handhaving.objects.create(
        case=case,
        kind=kind,
        opened_on=case.opened_on,
        outcome=outcome,
        outcome_on=outcome_on,
        outcome_note="Zitting met vader Pietersen." if outcome else "",
    )


@pytest.fixture
def files(settings, tmp_path):
    """Files of every kind and age; the comment says what the terms decide."""
    settings.MEDIA_ROOT = str(tmp_path)
    aalten = MunicipalityFactory(code="0197", name="Aalten", region=RegionFactory())
    officer = staff("lpa", "lpa", aalten)
    f: dict = {"officer": officer, "aalten": aalten}

    def youth(born: dt.date):
        return PersonFactory(municipality=aalten, birth_date=born)

    # Leerplicht file of a youth who turned 19 on 1 January 2024: goes (leerplicht).
    f["lp_old"] = closed(
        youth(dt.date(2005, 1, 1)), opened=dt.date(2016, 10, 1), closed_on=dt.date(2017, 1, 9)
    )
    CaseEventFactory(case=f["lp_old"], note="Moeder belde.")
    CaseEventFactory(case=f["lp_old"], kind="afgesloten", version=2)
    Activity.objects.create(
        case=f["lp_old"],
        kind="gesprek_ouders",
        date=dt.date(2016, 10, 5),
        author=officer,
        notes="Thuissituatie besproken.",
    )
    Task.objects.create(
        case=f["lp_old"], kind="opvolging", title="Bellen", due_on=dt.date(2016, 10, 20)
    )
    original = document(f["lp_old"], officer)
    correction = document(f["lp_old"], officer, "correctie.pdf", corrects=original)
    f["doc_paths"] = [Path(original.file.path), Path(correction.file.path)]
    f["melding"] = VerzuimMeldingFactory(
        person=f["lp_old"].person, case=f["lp_old"], reden="Ruzie thuis"
    )
    # Leerplicht file of a youth who turns 19 in 2027: stays.
    f["lp_young"] = closed(
        youth(dt.date(2008, 6, 1)), opened=dt.date(2019, 9, 1), closed_on=dt.date(2019, 12, 1)
    )
    # Kwalificatieplicht file: startkwalificatie on 1 July 2022, two years passed: goes.
    kp = youth(dt.date(2004, 5, 1))
    DiplomaFactory(bsn=kp.bsn, date=dt.date(2022, 7, 1), startkwalificatie=True)
    f["kp_sk"] = closed(kp, opened=dt.date(2021, 3, 1), closed_on=dt.date(2021, 6, 1))
    # Kwalificatieplicht without a diploma: kept until two years after the 23rd birthday.
    f["kp_no_sk"] = closed(
        youth(dt.date(2004, 5, 2)), opened=dt.date(2021, 3, 1), closed_on=dt.date(2021, 6, 1)
    )
    # RMC file of a youth who turned 23 on 1 January 2024: goes on 1 January 2026.
    f["rmc"] = closed(
        youth(dt.date(2001, 1, 1)), "rmc", opened=dt.date(2020, 1, 6), closed_on=dt.date(2020, 9, 1)
    )
    # A PV decided in June 2022 keeps an otherwise expired leerplicht file until June 2027.
    f["pv_recent"] = closed(
        youth(dt.date(2005, 2, 1)), opened=dt.date(2019, 9, 2), closed_on=dt.date(2022, 7, 1)
    )
    handhaving(f["pv_recent"], outcome="boete", outcome_on=dt.date(2022, 6, 1))
    # A Halt decided in March 2020: due March 2025, later than the 19th birthday: goes (handhaving).
    f["halt_old"] = closed(
        youth(dt.date(2003, 1, 1)), opened=dt.date(2018, 9, 3), closed_on=dt.date(2020, 3, 1)
    )
    handhaving(f["halt_old"], kind="halt", outcome="halt_geslaagd", outcome_on=dt.date(2020, 3, 1))
    # An open case of an old youth: never.
    f["open"] = CaseFactory(person=youth(dt.date(2003, 3, 3)), opened_on=dt.date(2019, 1, 7))
    # Held: by hand, by a Halt/PV without an outcome, by an objection without a decision.
    f["held_manual"] = closed(
        youth(dt.date(2004, 1, 1)), opened=dt.date(2015, 9, 1), closed_on=dt.date(2016, 1, 1)
    )
    LegalHold.objects.create(
        case=f["held_manual"], reason="Klacht", set_at=timezone.now(), set_by="privacy"
    )
    f["held_pv"] = closed(
        youth(dt.date(2004, 1, 2)), opened=dt.date(2015, 9, 1), closed_on=dt.date(2016, 1, 1)
    )
    handhaving(f["held_pv"])
    f["held_objection"] = closed(
        youth(dt.date(2004, 1, 3)),
        "verlof",
        opened=dt.date(2015, 9, 1),
        closed_on=dt.date(2016, 1, 1),
    )
    LeaveRequest.objects.create(
        case=f["held_objection"],
        article="14",
        requested_on=dt.date(2015, 9, 1),
        start=dt.date(2015, 10, 1),
        end=dt.date(2015, 10, 2),
        school_days=2,
        decider="lpa",
        decision_due_on=dt.date(2015, 9, 30),
        decision="afgewezen",
        decided_on=dt.date(2015, 9, 10),
        decision_note="Geen gewichtige omstandigheden bij familie De Vries.",
        objection_received_on=dt.date(2015, 9, 20),
    )
    return f


GOES = {
    "lp_old": "leerplicht",
    "kp_sk": "kwalificatieplicht",
    "rmc": "kwalificatieplicht",
    "halt_old": "handhaving",
}
HELD = {"held_manual": ["bewaarplicht"], "held_pv": ["halt_pv_open"], "held_objection": ["bezwaar"]}


def retentie(*args: str) -> dict:
    out = StringIO()
    call_command("retentie", "--json", *args, stdout=out)
    return json.loads(out.getvalue())


def test_removes_exactly_what_the_terms_say_and_keeps_what_is_held(files):
    ids = {name: files[name].pk for name in [*GOES, *HELD, "lp_young", "kp_no_sk", "pv_recent"]}
    answer = retentie()
    assert {"toegangslog", "termijn_maanden", "importwaarden", "proef"} <= answer.keys()
    assert answer["proef"] is False
    assert answer["dossiers_geanonimiseerd"] == len(GOES)
    assert {(d["zaak"], d["regel"]) for d in answer["dossiers"]} == {
        (ids[name], rule) for name, rule in GOES.items()
    }
    assert {d["zaak"]: d["vastgehouden"] for d in answer["vastgehouden"]} == {
        ids[name]: reasons for name, reasons in HELD.items()
    }
    due = {d["zaak"]: d["termijn_verstreken_op"] for d in answer["dossiers"]}
    assert due[ids["lp_old"]] == "2024-01-01"  # the 19th birthday
    assert due[ids["kp_sk"]] == "2024-07-01"  # two years after the startkwalificatie
    assert due[ids["rmc"]] == "2026-01-01"  # two years after the 23rd birthday
    assert due[ids["halt_old"]] == "2025-03-01"  # five years after the Halt outcome

    anonymised = set(Case.objects.filter(anonymised_on=TODAY).values_list("pk", flat=True))
    assert anonymised == {ids[name] for name in GOES}
    assert Tombstone.objects.count() == len(GOES)
    assert set(Tombstone.objects.values_list("case_id", flat=True)) == anonymised


def test_an_anonymised_file_keeps_what_figures_count_and_nothing_of_the_youth(
    files, django_capture_on_commit_callbacks
):
    case = files["lp_old"]
    person = case.person
    with django_capture_on_commit_callbacks(execute=True):
        run_case_retention(TODAY)
    case.refresh_from_db()
    assert case.person_id is None and case.closing_note == ""
    assert (case.type, case.principal_id, case.opened_on, case.closed_on, case.closing_reason) == (
        "relatief_16uur",
        "0197",
        dt.date(2016, 10, 1),
        dt.date(2017, 1, 9),
        "terug_naar_school",
    )
    assert case.principal_periods.count() == 1
    for model in (CaseEvent, Activity, Task, Document):
        assert not model.objects.filter(case_id=case.pk).exists(), model
    assert not any(path.exists() for path in files["doc_paths"])  # the stored files too
    melding = VerzuimMelding.objects.get(pk=files["melding"].pk)
    assert (melding.case_id, melding.person_id, melding.bsn, melding.reden) == (
        case.pk,
        None,
        "",
        "",
    )
    assert VerzuimMelding.objects.unlinked().count() == 0  # not back in the waiting queue
    halt = Handhaving.objects.get(case=files["halt_old"])
    assert halt.outcome == "halt_geslaagd" and halt.outcome_note == ""
    # The person's registry record stays (the BRP keeps sending it).
    assert person.__class__.objects.filter(pk=person.pk).exists()

    stone = Tombstone.objects.get(case_id=case.pk)
    assert (stone.rule, stone.kind, stone.case_type, stone.principal_code) == (
        "leerplicht",
        "geanonimiseerd",
        "relatief_16uur",
        "0197",
    )
    assert (stone.opened_year, stone.closed_year, stone.due_on) == (2016, 2017, dt.date(2024, 1, 1))
    assert stone.parts["gebeurtenissen"] == 2 and stone.parts["documenten"] == 2
    written = json.dumps(list(Tombstone.objects.values()), default=str)
    for secret in (person.bsn, person.surname, f'"{person.pk}"'):
        assert secret not in written


def test_dry_run_lists_without_names_and_changes_nothing(files):
    before = (
        Case.objects.filter(anonymised_on__isnull=False).count(),
        CaseEvent.objects.count(),
        Document.objects.count(),
    )
    out = StringIO()
    call_command("retentie", "--proef", stdout=out)
    text = out.getvalue()
    assert "4 zouden worden geanonimiseerd" in text
    assert f"zaak {files['lp_old'].pk}" in text and "Halt/PV nog zonder uitkomst" in text
    for name in [*GOES, *HELD]:
        person = files[name].person
        assert person.bsn not in text and person.surname not in text
    assert retentie("--proef")["dossiers_geanonimiseerd"] == 4
    assert (
        Case.objects.filter(anonymised_on__isnull=False).count(),
        CaseEvent.objects.count(),
        Document.objects.count(),
    ) == before
    assert not Tombstone.objects.exists()
    assert all(path.exists() for path in files["doc_paths"])


def test_second_run_removes_nothing_more(files):
    retentie()
    again = retentie()
    assert again["dossiers_geanonimiseerd"] == 0
    assert Tombstone.objects.count() == len(GOES)


def test_terms_are_data_and_lifting_a_hold_lets_the_file_go(files):
    # A region that keeps leerplicht files until 25 keeps lp_old.
    RetentionRule.objects.create(subject="leerplicht", months=25 * 12)
    gone = {d["zaak"] for d in retentie("--proef")["dossiers"]}
    assert files["lp_old"].pk not in gone and files["kp_sk"].pk in gone
    RetentionRule.objects.filter(subject="leerplicht").delete()

    privacy = staff("privacy", "privacy", files["aalten"])
    hold = LegalHold.objects.get(case=files["held_manual"])
    with pytest.raises(HoldError, match="al een bewaarplicht"):
        set_hold(files["held_manual"], reason="Nog een", actor=privacy)
    with pytest.raises(HoldError, match="reden"):
        lift_hold(hold, reason=" ", actor=privacy)
    lift_hold(hold, reason="Klacht afgehandeld", actor=privacy)
    LeaveRequest.objects.filter(case=files["held_objection"]).update(
        objection_decided_on=dt.date(2015, 11, 1)
    )
    answer = retentie()
    assert {files["held_manual"].pk, files["held_objection"].pk} <= {
        d["zaak"] for d in answer["dossiers"]
    }
    assert [d["zaak"] for d in answer["vastgehouden"]] == [files["held_pv"].pk]
    hold.refresh_from_db()
    assert (hold.lifted_by, hold.lift_reason) == ("privacy", "Klacht afgehandeld")


def test_append_only_parts_stay_closed_to_ordinary_code(files, on_postgres):
    case = files["lp_old"]
    event = CaseEvent.objects.filter(case=case).first()
    doc = Document.objects.filter(case=case).first()
    with pytest.raises(ImmutableError):
        event.delete()
    with pytest.raises(ImmutableError):
        CaseEvent.objects.filter(case=case).delete()
    with pytest.raises(ImmutableError):
        CaseEvent.objects.filter(case=case).update(note="")
    young = files["lp_young"]
    CaseEventFactory(case=young)
    with pytest.raises(ImmutableError), transaction.atomic():
        Case.objects.filter(pk=young.pk).delete()  # its events would go with it
    with pytest.raises(ImmutableDocumentError):
        doc.delete()
    with pytest.raises(ImmutableDocumentError):
        Document.objects.filter(pk=doc.pk).delete()
    with pytest.raises(ImmutableDocumentError):
        Document.objects.filter(pk=doc.pk).update(title="x")
    if on_postgres:  # the database refuses it too, even in plain SQL
        for sql in (
            f"DELETE FROM cases_caseevent WHERE id = {event.pk}",
            f"UPDATE cases_caseevent SET note = '' WHERE id = {event.pk}",
            f"DELETE FROM letters_document WHERE id = {doc.pk}",
        ):
            with (
                pytest.raises(DatabaseError, match="alleen worden aangevuld"),
                transaction.atomic(),
            ):
                with connection.cursor() as cursor:
                    cursor.execute(sql)
    assert CaseEvent.objects.filter(case=case).count() == 2
    assert Document.objects.filter(case=case).count() == 2
    with pytest.raises(ImmutableError):
        event.save()
    run_case_retention(TODAY)
    with pytest.raises(AccessLogImmutableError):
        Tombstone.objects.filter(case_id=case.pk).delete()
    with pytest.raises(AccessLogImmutableError):
        Tombstone.objects.get(case_id=case.pk).delete()


def test_privacy_officer_reads_tombstones_and_holds_a_file(files, client):
    retentie()
    privacy = staff("privacy", "privacy", files["aalten"])
    coordinator = staff("coordinator", "coordinator", files["aalten"])
    url = "/bewaartermijnen/"
    client.force_login(coordinator)
    assert client.get(url).status_code == 403
    client.force_login(privacy)
    page = client.get(url).content.decode()
    assert "Opgeruimde dossiers (4)" in page
    assert "Dossier leerplicht" in page and "Relatief verzuim (16 uur)" in page
    for name in GOES:
        person = files[name].person
        assert person.bsn not in page and person.surname not in page
    only_halt = client.get(url, {"regel": "handhaving"}).content.decode()
    assert "Opgeruimde dossiers (1)" in only_halt
    later = client.get(url, {"van": "2026-03-12"}).content.decode()
    assert "Opgeruimde dossiers (0)" in later
    wrong = client.get(url, {"van": "2026-03-12", "tot": "2026-03-01"})
    assert wrong.status_code == 400 and "ligt na de datum" in wrong.content.decode()

    young = files["lp_young"]
    response = client.post(f"{url}bewaarplicht/", {"zaak": str(young.pk), "reden": "Rechtszaak"})
    assert response.status_code == 302
    hold = LegalHold.objects.get(case=young, lifted_at__isnull=True)
    assert hold.set_by == "privacy"
    from rbl.audit.models import AccessLogEntry

    assert AccessLogEntry.objects.filter(
        username="privacy", case_id=young.pk, purpose="bewaarplicht vastgezet"
    ).exists()
    follow = client.post(f"{url}bewaarplicht/", {"zaak": "zzz", "reden": "x"}, follow=True)
    assert "Er is geen zaak met dit nummer." in follow.content.decode()
    client.post(f"{url}bewaarplicht/{hold.pk}/opheffen/", {"reden": "Uitspraak gedaan"})
    hold.refresh_from_db()
    assert hold.lifted_by == "privacy"
