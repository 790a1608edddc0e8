"""The screens as an officer uses them: lists with filters and exports, search
by POST, the person timeline, the case forms with conflict detection, the
import page and the caseload view."""

from __future__ import annotations

import csv
import datetime as dt
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from rbl.absoluut.models import Signal
from rbl.audit.models import AccessLogEntry, Action
from rbl.cases.models import Activity, CaseStatus, MasRoute
from rbl.cases.services.lifecycle import add_activity
from rbl.organisation.models import School
from rbl.registry.models import ImportJob, ImportLog
from tests.factories import EnrolmentFactory, SchoolFactory

pytestmark = pytest.mark.django_db


def login(client, world, name="lpa-aalten"):
    client.force_login(world.users[name])
    return client


# --- lists -----------------------------------------------------------------


def test_work_list_shows_own_open_cases_only(client, world):
    page = login(client, world).get(reverse("web:my-work")).content.decode()
    assert "Sanne de Jansen" in page
    assert "Tim Bakker" not in page
    assert "<caption>" in page and 'scope="col"' in page


def test_team_list_filters_by_municipality_status_type_and_owner(client, world):
    login(client, world, "coordinator")
    url = reverse("web:team")
    assert "Tim Bakker" in client.get(url).content.decode()
    filtered = client.get(url, {"gemeente": "0197"}).content.decode()
    assert "Sanne de Jansen" in filtered and "Tim Bakker" not in filtered
    by_owner = client.get(url, {"eigenaar": "lpa-winterswijk"}).content.decode()
    assert "Tim Bakker" in by_owner and "Sanne de Jansen" not in by_owner
    assert "Geen zaken gevonden" in client.get(url, {"status": "afgesloten"}).content.decode()
    assert "Geen zaken gevonden" in client.get(url, {"type": "luxe"}).content.decode()


def test_overdue_list_shows_cases_with_a_late_task(client, world):
    login(client, world, "coordinator")
    page = client.get(reverse("web:overdue")).content.decode()
    assert "Sanne de Jansen" in page and "Tim Bakker" in page
    world.cases["other"].tasks.update(done_on=timezone.localdate())
    page = client.get(reverse("web:overdue")).content.decode()
    assert "Tim Bakker" not in page


def test_csv_export_has_the_columns_of_the_screen_and_is_logged(client, world):
    login(client, world, "coordinator")
    page = client.get(reverse("web:team"), {"gemeente": "0294"}).content.decode()
    response = client.get(reverse("web:team"), {"gemeente": "0294", "export": "csv"})
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    header = rows[0]
    for title in header:
        assert f'<th scope="col">{title}</th>' in page
    assert len(rows) == 2 and rows[1][1] == "Tim Bakker"
    entry = AccessLogEntry.objects.get(action=Action.EXPORT)
    assert entry.case_id == world.cases["other"].pk
    assert entry.person_id == world.persons["other"].pk


def test_xlsx_export(client, world):
    login(client, world, "coordinator")
    response = client.get(reverse("web:team"), {"export": "xlsx"})
    sheet = load_workbook(io.BytesIO(response.content)).active
    values = list(sheet.values)
    assert values[0][:2] == ("Soort", "Jongere")
    assert {row[1] for row in values[1:]} == {"Sanne de Jansen", "Tim Bakker"}
    assert AccessLogEntry.objects.filter(action=Action.EXPORT).count() == 2


def test_export_neutralises_spreadsheet_formulas(client, world):
    person = world.persons["own"]
    person.given_names = "=HYPERLINK(1)"
    person.save()
    login(client, world, "coordinator")
    body = client.get(reverse("web:team"), {"export": "csv"}).content.decode()
    assert "'=HYPERLINK(1) de Jansen" in body


def test_list_views_are_logged(client, world):
    login(client, world).get(reverse("web:my-work"))
    entry = AccessLogEntry.objects.get()
    assert (entry.action, entry.person_id) == (Action.VIEW, world.persons["own"].pk)


# --- search ----------------------------------------------------------------


def test_search_by_bsn_is_a_post_and_finds_visible_persons(client, world):
    login(client, world)
    response = client.post(reverse("web:search"), {"bsn": world.persons["own"].bsn})
    page = response.content.decode()
    assert "Sanne de Jansen" in page
    assert reverse("web:person", args=[world.persons["own"].pk]) in page
    assert world.persons["own"].bsn not in response.request["PATH_INFO"]


def test_search_for_another_municipality_finds_nothing(client, world):
    login(client, world)
    page = client.post(reverse("web:search"), {"bsn": world.persons["other"].bsn}).content.decode()
    assert "Niemand gevonden" in page and "Bakker" not in page


def test_search_terms_in_the_url_are_ignored(client, world):
    login(client, world)
    page = client.get(reverse("web:search"), {"bsn": world.persons["own"].bsn}).content.decode()
    assert "Sanne de Jansen" not in page


def test_search_by_name_and_birth_date(client, world):
    login(client, world)
    page = client.post(
        reverse("web:search"),
        {
            "geslachtsnaam": "De JANSEN",
            "geboortedatum": world.persons["own"].birth_date.isoformat(),
        },
    ).content.decode()
    assert "Sanne de Jansen" in page


def test_search_with_invalid_bsn_explains_why(client, world):
    login(client, world)
    response = client.post(reverse("web:search"), {"bsn": "123456789"})
    assert response.status_code == 400
    page = response.content.decode()
    assert "elfproef" in page
    # Screen readers hear which field is wrong and why.
    assert 'aria-invalid="true"' in page and 'aria-describedby="id_bsn_fout"' in page
    assert 'id="id_bsn_fout"' in page


# --- person page -----------------------------------------------------------


def test_person_timeline_runs_from_5_to_23_across_cases(client, world):
    person = world.persons["own"]  # born 2012-05-15: 5 on 2017-05-15, leerplichtig 2017-06-01
    basis = SchoolFactory(name="Basisschool De Zonnewijzer")
    EnrolmentFactory(
        bsn=person.bsn, school=basis, start=dt.date(2016, 5, 16), end=dt.date(2024, 7, 31)
    )
    EnrolmentFactory(
        bsn=person.bsn,
        school=SchoolFactory(name="Peuterspeelzaal"),
        start=dt.date(2015, 8, 1),
        end=dt.date(2016, 5, 13),
    )
    Signal.objects.create(
        person=person,
        municipality=world.aalten,
        status="leerplichtig",
        opened_on=dt.date(2024, 9, 2),
    )
    case = world.cases["own"]
    add_activity(
        case,
        "gesprek_jongere",
        author=world.users["lpa-aalten"],
        expected_version=case.version,
        notes="Eerste gesprek",
    )
    login(client, world)
    page = client.get(reverse("web:person", args=[person.pk])).content.decode()
    timeline = page.split("Tijdlijn")[1]
    in_order = [
        "Ingeschreven bij Basisschool De Zonnewijzer (VO), sinds 16-05-2016",  # at age 5
        "Begin leerplicht",
        "Uitgeschreven bij Basisschool De Zonnewijzer",
        "Signaal absoluut verzuim",
        "Gesprek met jongere: Eerste gesprek",
        "Einde RMC-doelgroep",
    ]
    positions = [timeline.index(text) for text in in_order]
    assert positions == sorted(positions)
    assert "15-05-2017" in timeline  # the enrolment from before 5 shows at the 5th birthday
    assert "Peuterspeelzaal" not in timeline  # entirely before the 5th birthday


def test_person_view_is_logged(client, world):
    login(client, world).get(reverse("web:person", args=[world.persons["own"].pk]))
    entry = AccessLogEntry.objects.get()
    assert (entry.action, entry.person_id, entry.username) == (
        Action.VIEW,
        world.persons["own"].pk,
        "lpa-aalten",
    )


def test_urls_carry_no_database_keys_or_bsn(client, world):
    login(client, world, "coordinator")
    page = client.get(reverse("web:team")).content.decode()
    for case in world.cases.values():
        assert f"/zaken/{case.pk}/" not in page
        assert f"/personen/{case.person_id}/" not in page
    assert client.get(f"/zaken/{world.cases['own'].pk}/").status_code == 404


# --- case page -------------------------------------------------------------


def case_url(world, name="web:case", key="own"):
    return reverse(name, args=[world.cases[key].pk])


def test_owner_records_a_conversation_chooses_a_route_and_closes(client, world):
    login(client, world)
    case = world.cases["own"]
    today = timezone.localdate().isoformat()
    response = client.post(
        case_url(world, "web:case-activity"),
        {
            "version": case.version,
            "kind": "gesprek_ouders",
            "date": today,
            "notes": "Ouders gesproken",
        },
    )
    assert response.status_code == 302
    page = client.get(case_url(world)).content.decode()
    assert "Activiteit vastgelegd." in page and "Ouders gesproken" in page
    case.refresh_from_db()
    client.post(
        case_url(world, "web:case-route"), {"version": case.version, "route": MasRoute.VRIJWILLIG}
    )
    case.refresh_from_db()
    assert case.route == MasRoute.VRIJWILLIG
    response = client.post(
        case_url(world, "web:case-close"), {"version": case.version, "reason": "terug_naar_school"}
    )
    assert response.status_code == 302
    case.refresh_from_db()
    assert (case.status, case.closing_reason) == (CaseStatus.AFGESLOTEN, "terug_naar_school")
    changes = AccessLogEntry.objects.filter(action=Action.CHANGE, case_id=case.pk).count()
    assert changes == 3


def test_closing_needs_a_reason(client, world):
    login(client, world)
    case = world.cases["own"]
    response = client.post(
        case_url(world, "web:case-close"), {"version": case.version, "reason": ""}
    )
    assert response.status_code == 400
    assert "Kies een reden van afsluiten." in response.content.decode()
    case.refresh_from_db()
    assert case.status == CaseStatus.OPEN


def test_concurrent_edit_shows_a_conflict_and_loses_nothing(client, world):
    login(client, world)
    case = world.cases["own"]
    seen = case.version
    # A colleague records something after this page was loaded.
    add_activity(
        case,
        "schoolcontact",
        author=world.users["coordinator"],
        expected_version=seen,
        notes="Collega",
    )
    response = client.post(
        case_url(world, "web:case-activity"),
        {
            "version": seen,
            "kind": "huisbezoek",
            "date": timezone.localdate().isoformat(),
            "notes": "Mijn notitie",
        },
    )
    assert response.status_code == 409
    page = response.content.decode()
    assert "intussen door iemand anders gewijzigd" in page
    assert "Mijn notitie" in page  # the user's text is kept in the form
    assert list(Activity.objects.filter(case=case).values_list("notes", flat=True)) == ["Collega"]
    case.refresh_from_db()
    assert f'name="version" value="{case.version}"' in page


def test_closed_case_shows_no_forms(client, world):
    from rbl.cases.services.lifecycle import close_case

    case = world.cases["own"]
    close_case(case, "werk", actor=world.users["lpa-aalten"], expected_version=case.version)
    page = login(client, world).get(case_url(world)).content.decode()
    assert "Activiteit vastleggen" not in page
    assert "Afgesloten op" in page


def test_read_only_officer_sees_no_forms(client, world):
    page = login(client, world, "kpa-regio").get(case_url(world)).content.decode()
    assert "Sanne de Jansen" in page
    assert "Activiteit vastleggen" not in page


# --- errors ------------------------------------------------------------------


def test_404_page_is_dutch_and_shows_nothing_of_the_request(client, world):
    login(client, world)
    url = case_url(world, key="other")
    response = client.get(url)
    assert response.status_code == 404
    page = response.content.decode()
    assert "Pagina niet gevonden" in page and '<html lang="nl">' in page
    assert "Bakker" not in page and world.persons["other"].bsn not in page


def test_500_page_is_dutch(client, world):
    from rbl.web.views.errors import server_error

    response = server_error(None)
    assert response.status_code == 500 and "Er ging iets mis" in response.content.decode()


# --- imports -----------------------------------------------------------------


IMMEDIATE_TASKS = {
    "default": {
        "BACKEND": "django_tasks.backends.immediate.ImmediateBackend",
        "QUEUES": ["default"],
    }
}
DATABASE_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")
    return tmp_path / "media"


@pytest.fixture
def immediate_tasks(settings, media):
    """Tasks run inside the request (as with RBL_TASKS_IMMEDIATE=1)."""
    settings.TASKS = IMMEDIATE_TASKS


@pytest.fixture
def queued_tasks(settings, media):
    """Tasks go to the database queue (the default) and wait for a worker."""
    settings.TASKS = DATABASE_TASKS


def upload(text: str, name: str = "scholen.csv") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, text.encode("utf-8"), content_type="text/csv")


def job_id_of(response) -> str:
    return response["Location"].rstrip("/").split("/")[-1]


def test_import_page_lists_every_kind(client, world):
    from rbl.registry.imports import KINDS

    page = login(client, world, "administratie").get(reverse("web:import")).content.decode()
    for name in KINDS:
        assert f'value="{name}"' in page


def test_import_a_file_and_see_the_counts(client, world, immediate_tasks, media):
    login(client, world, "administratie")
    csv_text = "brin;naam;sector;gemeentecode\n99ZZ;Nieuwe School;VO;0197\n"
    response = client.post(reverse("web:import"), {"kind": "scholen", "file": upload(csv_text)})
    assert response.status_code == 302
    page = client.get(response["Location"]).content.decode()
    assert "Het bestand is verwerkt." in page
    assert School.objects.filter(brin="99ZZ").exists()
    log = ImportLog.objects.get(kind="scholen")
    assert log.actor == "administratie"
    job = ImportJob.objects.get(pk=job_id_of(response))
    assert (job.state, job.log_id, job.result["created"]) == ("klaar", log.pk, 1)
    assert not any(media.rglob("*.csv"))  # the upload is gone once the job ended


def test_rejected_import_shows_line_column_reason_and_changes_nothing(
    client, world, immediate_tasks
):
    login(client, world, "administratie")
    csv_text = "brin;naam;sector;gemeentecode\n98ZZ;Goed;VO;0197\n97ZZ;Fout;XX;0197\n"
    response = client.post(reverse("web:import"), {"kind": "scholen", "file": upload(csv_text)})
    page = client.get(response["Location"]).content.decode()
    assert "Het bestand is afgekeurd" in page
    assert "<td>3</td><td>sector</td><td>XX</td>" in page  # the importer sees the value
    assert not School.objects.filter(brin="98ZZ").exists()
    log = ImportLog.objects.get(kind="scholen")
    report = client.get(reverse("web:import-errors", args=[log.pk])).content.decode()
    rows = list(csv.reader(io.StringIO(report)))
    assert rows[0] == ["regel", "kolom", "reden"]
    assert rows[1][:2] == ["3", "sector"]
    assert "XX" not in report  # the stored report keeps no values
    job = ImportJob.objects.get(pk=job_id_of(response))
    assert "XX" not in str(job.result) and job.rejected_values == ["XX"]


def test_rejected_values_are_shown_for_a_day_then_forgotten(client, world, immediate_tasks, clock):
    from rbl.registry.imports import jobs

    login(client, world, "administratie")
    csv_text = "brin;naam;sector;gemeentecode\n97ZZ;Fout;XX;0197\n"
    response = client.post(reverse("web:import"), {"kind": "scholen", "file": upload(csv_text)})
    url = response["Location"]
    clock.shift(dt.timedelta(hours=23))
    assert "<td>XX</td>" in login(client, world, "administratie").get(url).content.decode()
    clock.shift(dt.timedelta(hours=2))
    page = login(client, world, "administratie").get(url).content.decode()
    assert "<td>XX</td>" not in page and "<td>2</td><td>sector</td><td>—</td>" in page
    assert "een dag na de import gewist" in page
    assert jobs.forget_values() == 1
    assert ImportJob.objects.get(pk=job_id_of(response)).rejected_values is None


def test_import_status_endpoint_reports_progress(client, world, immediate_tasks):
    login(client, world, "administratie")
    csv_text = "brin;naam;sector;gemeentecode\n96ZZ;School;VO;0197\n"
    response = client.post(reverse("web:import"), {"kind": "scholen", "file": upload(csv_text)})
    job_id = job_id_of(response)
    status = client.get(reverse("web:import-status", args=[job_id])).json()
    assert status == {
        "id": job_id,
        "state": "klaar",
        "percent": 100,
        "phase": "verwerken",
        "phase_text": "",
        "done": True,
        "message": "",
    }
    # Another importer can neither follow nor open this user's job.
    client.force_login(world.users["coordinator"])
    assert client.get(reverse("web:import-status", args=[job_id])).status_code == 404
    assert client.get(reverse("web:import-job", args=[job_id])).status_code == 404
    assert client.get(f"/importeren/{job_id[:-1]}x/status/").status_code == 404


def test_queued_import_waits_for_a_worker_then_finishes(client, world, queued_tasks, media):
    """On the database queue the request only saves the file and the job; a
    worker runs it (here django_tasks_db's worker in this process, for one
    task; the browser test runs a real `rbl db_worker` process)."""
    from django_tasks_db.management.commands.db_worker import Worker
    from django_tasks_db.models import DBTaskResult

    login(client, world, "administratie")
    csv_text = "brin;naam;sector;gemeentecode\n95ZZ;School;VO;0197\n"
    response = client.post(reverse("web:import"), {"kind": "scholen", "file": upload(csv_text)})
    job_id = job_id_of(response)
    status = client.get(reverse("web:import-status", args=[job_id])).json()
    assert (status["state"], status["percent"], status["done"]) == ("wacht", 0, False)
    page = client.get(response["Location"]).content.decode()
    assert "wacht op zijn beurt" in page and 'id="voortgang"' in page
    # The import page lists it for this user (who may have closed its page), not for others.
    assert response["Location"] in client.get(reverse("web:import")).content.decode()
    other = login(Client(), world, "coordinator").get(reverse("web:import")).content.decode()
    assert response["Location"] not in other and "Uw lopende imports" not in other
    assert not School.objects.filter(brin="95ZZ").exists()
    stored = list(media.rglob("bestand.csv"))
    assert len(stored) == 1 and stored[0].stat().st_mode & 0o077 == 0  # private to the owner
    task = DBTaskResult.objects.get()
    assert task.args_kwargs == {"args": [job_id], "kwargs": {}}  # the job id, no data

    worker = Worker(
        queue_names=["default"],
        interval=0,
        batch=True,
        backend_name="default",
        startup_delay=False,
        max_tasks=None,
        worker_id="test-worker",
        excluded_queue_names=[],
    )
    # What Worker.run does for each task, without its connection housekeeping
    # (it would close this test's transaction).
    claimed = DBTaskResult.objects.ready().get_locked()
    claimed.claim(worker.worker_id)
    worker.run_task(claimed)

    status = client.get(reverse("web:import-status", args=[job_id])).json()
    assert (status["state"], status["percent"], status["done"]) == ("klaar", 100, True)
    assert School.objects.filter(brin="95ZZ").exists()
    task.refresh_from_db()
    assert task.status == "SUCCESSFUL"
    assert ImportJob.objects.get(pk=job_id).task_id == str(task.id)
    assert not stored[0].exists()


# --- caseload ----------------------------------------------------------------


def test_caseload_per_officer(client, world):
    page = login(client, world, "coordinator").get(reverse("web:caseload")).content.decode()
    row = next(r for r in page.split("<tr>") if "eigenaar=lpa-aalten" in r)
    cells = [c.split("</td>")[0] for c in row.split("<td>")[1:]]
    oldest = (timezone.localdate() - dt.timedelta(days=3)).strftime("%d-%m-%Y")
    # new, in progress, total open, overdue tasks, oldest overdue term
    assert cells == ["1", "0", "1", "1", oldest]


def test_caseload_is_for_coordinators_only(client, world):
    assert login(client, world).get(reverse("web:caseload")).status_code == 403


def test_school_contact_without_role_works_the_cases_assigned_to_them(client, world):
    from tests.cases.factories import UserFactory

    contact = UserFactory(username="contact-school")
    case = world.cases["other"]
    case.owner = contact
    case.save()
    client.force_login(contact)
    assert client.get(reverse("web:home"))["Location"] == reverse("web:my-work")
    page = client.get(reverse("web:my-work")).content.decode()
    assert "Tim Bakker" in page and "Sanne de Jansen" not in page
    assert client.get(reverse("web:case", args=[case.pk])).status_code == 200
    assert client.get(reverse("web:case", args=[world.cases["own"].pk])).status_code == 404


def test_invalid_filter_values_show_nothing_rather_than_everything(client, world):
    login(client, world, "coordinator")
    page = client.get(reverse("web:team"), {"status": "onzin"}).content.decode()
    assert "Tim Bakker" not in page and "Geen zaken gevonden" in page
    assert "Selecteer een geldige keuze" in page


# --- access log (privacy officer) ----------------------------------------------


def test_privacy_officer_sees_who_looked_at_a_file_but_not_the_file(client, world):
    person = world.persons["own"]
    login(client, world, "lpa-aalten").get(reverse("web:person", args=[person.pk]))
    login(client, world, "privacy")
    assert (
        client.get(reverse("web:access-log"), {"bsn": person.bsn}).content.decode().count("Lpa")
        == 0
    )  # GET with a BSN in the URL is not a search
    response = client.post(reverse("web:access-log"), {"bsn": person.bsn})
    page = response.content.decode()
    assert "lpa-aalten" in page and "Bekeken" in page
    assert "Jansen" not in page and "Sanne" not in page  # the log, not the file
    asked = AccessLogEntry.objects.filter(username="privacy").get()
    assert (asked.action, asked.person_id) == (Action.SEARCH, person.pk)


def test_access_log_for_a_youth_without_entries(client, world):
    login(client, world, "privacy")
    page = client.post(reverse("web:access-log"), {"bsn": world.persons["other"].bsn}).content
    assert "Er is niets vastgelegd" in page.decode()
    bad = client.post(reverse("web:access-log"), {"bsn": "123456789"})
    assert bad.status_code == 400 and "elfproef" in bad.content.decode()
