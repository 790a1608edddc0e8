"""Work division in Chromium (Playwright): the coordinator adds a stand-in for
an absent officer and a new DUO report for that officer's school lands with
the stand-in; a bulk reassignment moves exactly the previewed cases that are
still open and still the officer's, reports the rest, and each moved case's
history shows it (R-05)."""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path

import pytest
from django.urls import reverse
from django.utils import timezone

from rbl.cases.models import CaseStatus, Substitution, VerzuimMelding
from rbl.cases.services.lifecycle import assign_case, close_case
from rbl.registry.imports import run_import
from tests.cases.factories import CaseFactory
from tests.factories import PersonFactory
from tests.web.test_browser import closes_its_connections, log_in, page  # noqa: F401
from tests.web.world import _user, build_world

os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def fast_passwords(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def _click(tab, role: str, name: str) -> None:
    tab.get_by_role(role, name=name).click()
    tab.wait_for_load_state()


@closes_its_connections
def test_a_new_report_for_the_absent_officers_school_lands_with_the_stand_in(
    live_server,
    page,  # noqa: F811
    tmp_path: Path,
):
    world = build_world()
    absent = world.users["lpa-aalten"]
    stand_in = _user("waarnemer-aalten", "lpa", world.aalten)
    stand_in.first_name, stand_in.last_name = "Els", "Waarnemer"
    stand_in.save()
    school = world.cases["own"].school
    school.contact = absent
    school.save()
    today = timezone.localdate()
    base = live_server.url

    log_in(page, base, "coordinator")
    page.goto(f"{base}{reverse('werkverdeling:substitutions')}")
    assert page.get_by_text("Er zijn geen lopende of komende waarnemingen.").is_visible()
    page.get_by_label("Afwezige medewerker").select_option(value=str(absent.pk))
    page.get_by_label("Waarnemer").select_option(label="Els Waarnemer")
    page.get_by_label("Vanaf").fill(today.isoformat())
    page.get_by_label("Tot en met").fill((today + dt.timedelta(days=14)).isoformat())
    _click(page, "button", "Waarneming vastleggen")
    assert page.get_by_text(
        "Waarneming vastgelegd: Els Waarnemer neemt waar voor Lpa Test"
    ).is_visible()
    row = (
        page.get_by_role("table", name="Lopende en komende waarnemingen").get_by_role("row").nth(1)
    )
    assert row.get_by_role("cell").all_inner_texts()[:3] == [
        "Els Waarnemer",
        today.strftime("%d-%m-%Y"),
        (today + dt.timedelta(days=14)).strftime("%d-%m-%Y"),
    ]
    assert Substitution.objects.get().substitute == stand_in

    # Afterwards the administration imports a DUO report for a pupil of that school.
    youth = PersonFactory(
        municipality=world.aalten,
        surname="Visser",
        given_names="Noah",
        birth_date=dt.date(2013, 3, 1),
    )
    report = tmp_path / "verzuimmeldingen.csv"
    report.write_text(
        "meldingsnummer;bsn;brin;vestiging;soort;meldingsdatum;verzuim_vanaf;uren\n"
        f"M-2026-0101;{youth.bsn};{school.brin};{school.vestiging};16UUR;"
        f"{today - dt.timedelta(days=1)};{today - dt.timedelta(days=20)};16\n",
        encoding="utf-8",
    )
    result = run_import("verzuimmeldingen", report, user=world.users["administratie"])
    assert result.rejected == 0, result.as_json()
    case = VerzuimMelding.objects.get(meldingsnummer="M-2026-0101").case
    assert case.owner == stand_in

    # The stand-in finds it in their own work list.
    page.context.clear_cookies()
    log_in(page, base, "waarnemer-aalten")
    assert page.get_by_role("heading", name="Mijn werk").is_visible()
    assert page.get_by_role("row").filter(has_text="Noah Visser").count() == 1


@closes_its_connections
def test_bulk_reassignment_moves_exactly_the_previewed_cases(
    live_server,
    page,  # noqa: F811
):
    world = build_world()
    lpa, kpa = world.users["lpa-aalten"], world.users["kpa-regio"]
    coordinator = world.users["coordinator"]
    names = ["Anna Smit", "Bram de Vries", "Cas Mulder", "Dirk Bos"]
    cases = []
    for name in names:
        given, surname = name.split(" ", 1)
        person = PersonFactory(municipality=world.aalten, given_names=given, surname=surname)
        if surname.startswith("de "):
            person.prefix, person.surname = "de", surname[3:]
            person.save()
        cases.append(CaseFactory(person=person, owner=lpa))
    # Not lpa's: never in the preview.
    not_previewed = CaseFactory(person=PersonFactory(municipality=world.aalten), owner=kpa)
    base = live_server.url

    log_in(page, base, "coordinator")
    page.goto(f"{base}{reverse('werkverdeling:reassign')}")
    page.get_by_label("Medewerker van wie de zaken komen").select_option(value=str(lpa.pk))
    page.get_by_label("Gemeente (opdrachtgever)").select_option(label="Aalten")
    _click(page, "button", "Zaken tonen")
    table = page.get_by_role("table", name="5 open zaken van Lpa Test")
    assert table.is_visible()
    for name in names:
        assert table.get_by_role("row").filter(has_text=name).count() == 1
    assert world.cases["own"].person.bsn not in page.content()
    # Untick the world's own case: it stays.
    page.get_by_label(f"{world.cases['own'].person.full_name}, ", exact=False).uncheck()

    # Meanwhile one case is closed and one is given to someone else.
    close_case(cases[0], "terug_naar_school", actor=lpa, expected_version=None)
    assign_case(cases[1], coordinator, actor=coordinator, expected_version=None)

    page.get_by_label("Nieuwe eigenaar").select_option(label="Kpa Test")
    _click(page, "button", "Aangevinkte zaken overdragen")
    assert page.get_by_text("2 zaken overgedragen aan Kpa Test.").is_visible()
    assert page.get_by_text(
        "Niet overgedragen: 1 zaak intussen afgesloten; 1 zaak intussen van een andere eigenaar."
    ).is_visible()

    expected = {
        cases[0].pk: lpa,
        cases[1].pk: coordinator,
        cases[2].pk: kpa,
        cases[3].pk: kpa,
        world.cases["own"].pk: lpa,
        not_previewed.pk: kpa,
    }
    for case in [*cases, world.cases["own"], not_previewed]:
        case.refresh_from_db()
        assert case.owner == expected[case.pk], case
    assert cases[0].status == CaseStatus.AFGESLOTEN

    # Each moved case's history says so.
    for case in cases[2:]:
        page.goto(f"{base}{reverse('web:case', args=[case.pk])}")
        history = page.get_by_role("table", name="Alle wijzigingen van deze zaak, nieuwste eerst")
        line = history.get_by_role("row").filter(has_text="herverdeling")
        assert line.count() == 1
        cells = line.get_by_role("cell").all_inner_texts()
        assert cells[1] == (
            "Eigenaar gewijzigd: van Lpa Test naar Kpa Test (overgedragen door herverdeling)"
        )
        assert cells[2] == "Coordinator Test"
    page.goto(f"{base}{reverse('web:case', args=[cases[1].pk])}")
    assert page.get_by_text("overgedragen door herverdeling").count() == 0
