"""WCAG 2.1 A/AA checks with axe-core in Chromium on every main screen, as a
coordinator (who may open all of them) sees them. axe finds what a machine can
find (labels, contrast, landmarks, names, lang); keyboard use is covered by the
browser tests that drive the forms."""

from __future__ import annotations

import datetime as dt
import os

import pytest
from django.urls import reverse

from tests.web.test_browser import CHROMIUM_ARGS, log_in
from tests.web.world import build_world

os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]


@pytest.fixture(autouse=True)
def fast_passwords(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def _import_jobs(user):
    """An import waiting for its worker (progress bar) and a rejected one (error table)."""
    from django.utils import timezone

    from rbl.registry.models import ImportJob

    waiting = ImportJob.objects.create(user=user, kind="scholen", file_name="scholen.csv")
    rejected = ImportJob.objects.create(
        user=user,
        kind="scholen",
        file_name="scholen.csv",
        state="klaar",
        finished_at=timezone.now(),
        result={
            "rows": 1,
            "created": 0,
            "updated": 0,
            "unchanged": 0,
            "rejected": 1,
            "errors": [{"line": 2, "column": "sector", "reason": "onbekende sector"}],
        },
        rejected_values=["XX"],
    )
    ImportJob.objects.create(  # a BRP extract waiting for its departures to be confirmed
        user=user,
        kind="brp",
        file_name="brp.csv",
        state="bevestig",
        finished_at=timezone.now(),
        result={
            "rows": 5,
            "rejected": 1,
            "errors": [{"line": 1, "column": "gemeentecode", "reason": "het BRP-extract zou …"}],
            "vertrek_te_bevestigen": [
                {"gemeentecode": "0197", "gemeente": "Aalten", "inwoners": 60, "vertrokken": 55}
            ],
        },
    )
    return waiting, rejected


def _quality_items(world):
    """For the data-quality screens: an absence report waiting for its youth, and
    an officer whose share of cases closed as "overig" is flagged."""
    import datetime as dt

    from django.utils import timezone

    from tests.cases.factories import CaseFactory, VerzuimMeldingFactory
    from tests.factories import PersonFactory

    today = timezone.localdate()
    VerzuimMeldingFactory(person=None, bsn="111222333", meldingsdatum=today - dt.timedelta(days=20))
    for username, overig in (("lpa-aalten", 8), ("lpa-winterswijk", 1), ("kpa-regio", 1)):
        for i in range(10):
            CaseFactory(
                person=PersonFactory(municipality=world.aalten),
                owner=world.users[username],
                opened_on=today - dt.timedelta(days=60),
                status="afgesloten",
                closed_on=today - dt.timedelta(days=10),
                closing_reason="overig" if i < overig else "werk",
            )


def _yearly_settings(world):
    """A sample national reference, a target and an annual-report text."""
    from decimal import Decimal

    from rbl.reporting.reference import load_sample_reference
    from rbl.reporting.report_text import save_report_text
    from rbl.reporting.targets import save_targets

    load_sample_reference()
    user = world.users["coordinator"]
    save_targets("2025-2026", None, {"vsv_pct": Decimal("1.9")}, user=user)
    save_report_text(
        "2025-2026", "0294", "Eerste alinea.\n\nTweede.", expected_version=0, user=user
    )


def _retention_rows(world):
    """A tombstone and a legal hold, so the retention screen shows both tables filled."""
    import datetime as dt

    from django.utils import timezone

    from rbl.audit.models import LegalHold, Tombstone

    Tombstone.objects.create(
        case_id=999,
        removed_at=timezone.now(),
        peildatum=dt.date(2026, 3, 11),
        rule="leerplicht",
        due_on=dt.date(2026, 1, 1),
        kind="geanonimiseerd",
        case_type="absoluut",
        principal_code="0197",
        opened_year=2015,
        closed_year=2016,
        parts={"gebeurtenissen": 3},
    )
    LegalHold.objects.create(
        case=world.cases["other"], reason="Klacht", set_at=timezone.now(), set_by="privacy"
    )


def _handhaving(world):
    """A PV and a failed Halt on Aalten cases, with the Halt office and OM known."""
    from django.utils import timezone

    from rbl.cases.models import Handhaving
    from tests.cases.factories import CaseFactory
    from tests.factories import PersonFactory

    region = world.aalten.region
    region.halt_address = "Halt\nPostbus 1\n7000 AA  Doetinchem"
    region.om_address = "OM\nPostbus 2\n6800 AA  Arnhem"
    region.save()
    today = timezone.localdate()
    boa = world.users["boa-regio"]
    pv = Handhaving.objects.create(case=world.cases["own"], kind="pv", handler=boa, opened_on=today)
    halt = Handhaving.objects.create(
        case=CaseFactory(person=PersonFactory(municipality=world.aalten)),
        kind="halt",
        handler=boa,
        opened_on=today,
        outcome="halt_niet_geslaagd",
        outcome_on=today,
    )
    return pv, halt


def _time_entries(world) -> None:
    """Hours of two officers in both municipalities, one on a priced product."""
    from rbl.timekeeping.models import Product, TimeEntry

    product = Product.objects.create(name="Extra preventie-uur", unit_price=85)
    for user, code, minutes in (("lpa-aalten", "0197", 90), ("lpa-winterswijk", "0294", 60)):
        TimeEntry.objects.create(
            user=world.users[user],
            municipality_id=code,
            date=dt.date(2026, 3, 2),
            minutes=minutes,
            block=2,
            product=product if code == "0294" else None,
        )


def _deadline(world):
    """The jaarkalender seeded: the draft budget's reminder runs for the coordinator."""
    from django.utils import timezone

    from rbl.governance.models import Deadline
    from rbl.governance.services import seed_deadlines

    seed_deadlines(world.aalten.region, timezone.localdate())
    return Deadline.objects.get(key="ontwerpbegroting")


def _audit(world):
    """An audit with findings and an open follow-up action."""
    from rbl.governance.models import Audit

    audit = Audit.objects.create(
        year=2026,
        audited=world.users["lpa-aalten"],
        kind="collegiaal",
        auditor=world.users["kpa-regio"],
        created_by=world.users["coordinator"],
        findings="Termijnen soms te laat bewaakt.",
    )
    audit.actions.create(
        description="Termijnbewaking in de agenda", owner=audit.audited, due_on="2026-04-01"
    )
    return audit


def _work_division(world) -> str:
    """A running stand-in and a school contact, so the work division screens
    show their tables and forms; returns the reassignment preview's query."""
    from rbl.cases.models import Substitution

    Substitution.objects.create(
        absent=world.users["lpa-aalten"],
        substitute=world.users["kpa-regio"],
        start=dt.date(2026, 3, 2),
    )
    school = world.cases["own"].school
    school.contact = world.users["lpa-aalten"]
    school.save()
    return f"?medewerker={world.users['lpa-aalten'].pk}"


def _setup_pages(world) -> list[str]:
    """The set-up screens (/inrichting/). Both municipalities take part in every
    block (as without any record, so the other screens are unchanged), Aalten
    with a closed earlier period too."""
    from rbl.organisation.models import Participation

    for municipality in (world.aalten, world.winterswijk):
        for block in (1, 2, 3, 4):
            Participation.objects.create(
                municipality=municipality, block=block, start=dt.date(2020, 1, 1)
            )
    Participation.objects.create(
        municipality=world.aalten, block=3, start=dt.date(2018, 1, 1), end=dt.date(2019, 12, 31)
    )
    running = Participation.objects.get(municipality=world.aalten, block=2)
    return [
        reverse("organisation:setup"),
        reverse("organisation:terms"),
        reverse("organisation:agreement"),
        reverse("organisation:blocks"),
        reverse("organisation:block-end", args=[running.pk]),
        reverse("organisation:staff"),
        reverse("organisation:staff-new"),
        reverse("organisation:staff-user", args=[world.users["lpa-aalten"].pk]),
        reverse("organisation:staff-user", args=[world.users["coordinator"].pk]),
        reverse("law:rmc-limits"),
    ]


def _objection_pages(world) -> list[str]:
    """An objection forwarded to Aalten and a complaint, with their screens."""
    from rbl.objections import services

    today = dt.date(2026, 3, 11)
    objection = services.register_objection(
        world.cases["own"],
        decision_kind="anders",
        decision_date=dt.date(2026, 2, 2),
        decision_description="Proces-verbaal opgemaakt",
        received_on=dt.date(2026, 3, 2),
        handler=world.users["coordinator"],
        actor=world.users["coordinator"],
        today=today,
    )
    complaint = services.register_complaint(
        municipality=world.aalten,
        received_on=dt.date(2026, 1, 12),
        complainant_kind="ouder",
        about=world.users["lpa-aalten"],
        summary="Afspraak niet nagekomen",
        handler=world.users["coordinator"],
        actor=world.users["coordinator"],
        today=today,
    )
    return [
        reverse("objections:list"),
        reverse("objections:objection-new", args=[world.cases["own"].pk]),
        reverse("objections:objection", args=[objection.pk]),
        reverse("objections:objection-note", args=[objection.pk]),
        reverse("objections:complaint-new"),
        reverse("objections:complaint", args=[complaint.pk]),
        f"{reverse('objections:overview')}?jaar=2026",
    ]


def _governance_pages(world) -> list[str]:
    """A handbook page in two versions (with a table, a list and a link), the
    evaluation with goals and their evidence, a deadline with a change log
    entry and a product's edit form."""
    from rbl.demo.handbook import seed_handbook
    from rbl.governance.models import Deadline, DeadlineChange, EvaluationGoal
    from rbl.timekeeping.models import Product

    seed_handbook(dt.date(2026, 3, 11))
    deadline = Deadline.objects.filter(region=world.aalten.region).first()
    DeadlineChange.objects.create(
        deadline=deadline,
        user=world.users["coordinator"],
        username="coordinator",
        what="Dagen vooraf herinneren: 14 → 30",
    )
    goal = EvaluationGoal.objects.filter(year=2026).first()
    return [
        reverse("governance:handbook"),
        reverse("governance:handbook-new"),
        reverse("governance:handbook-page", args=["verlof"]),
        reverse("governance:handbook-edit", args=["absoluut-verzuim"]),
        reverse("governance:handbook-versions", args=["absoluut-verzuim"]),
        reverse("governance:handbook-version", args=["absoluut-verzuim", 1]),
        f"{reverse('governance:handbook-diff', args=['absoluut-verzuim'])}?van=1&naar=2",
        f"{reverse('governance:evaluation')}?jaar=2026",
        reverse("governance:goal-new"),
        reverse("governance:goal-edit", args=[goal.pk]),
        reverse("governance:deadline-edit", args=[deadline.pk]),
        reverse("timekeeping:product-edit", args=[Product.objects.first().pk]),
    ]


def _chain(world):
    """A prepared SVB notification and an open terugmelding on the own case,
    so the case page shows its chain-partner section (rbl.chain)."""
    from django.utils import timezone

    from rbl.chain import svb
    from rbl.chain.models import ChainSettings
    from rbl.chain.terugmelding import record_terugmelding

    case = world.cases["own"]
    case.type = "absoluut"
    case.opened_on = timezone.localdate() - dt.timedelta(weeks=9)
    case.save()
    ChainSettings.objects.update_or_create(
        region=world.aalten.region, defaults={"svb_address": "SVB\nPostbus 1\n6500 AA  Nijmegen"}
    )
    svb.prepare_due()
    # A delta export of the SVB list: the lists page shows previous exports.
    from rbl.chain import delta
    from rbl.chain.models import ChainExportKind, SvbNotification

    delta.export_delta(
        ChainExportKind.SVB,
        SvbNotification.objects.all(),
        codes=["0197"],
        user=world.users["administratie"],
    )
    case.refresh_from_db()
    return record_terugmelding(
        case,
        reasons=["post_retour"],
        grounds="Post kwam twee keer terug.",
        actor=world.users["coordinator"],
        expected_version=case.version,
    )


def _exemption_case(world) -> int:
    """A vrijstelling case of the own youth, for the withdrawal form."""
    from rbl.cases.services.exemptions import open_exemption_case

    day = dt.date(2026, 1, 5)
    case = open_exemption_case(
        world.persons["own"], ground="5a", start=day, end=None, decided_on=day, actor=None
    )
    return case.pk


def test_main_screens_have_no_wcag_violations(live_server, settings):
    from axe_playwright_python.sync_playwright import Axe
    from playwright.sync_api import sync_playwright

    from rbl.registry.models import ImportJob

    # "Raadpleeg BRP" shows with a BRP service configured; its purpose form asks
    # nothing of the service (the answer pages: tests/brp/test_browser.py).
    settings.RBL_BRP_URL = "http://127.0.0.1:9/brp"
    world = build_world()
    waiting, rejected = _import_jobs(world.users["coordinator"])
    _quality_items(world)
    _yearly_settings(world)
    _retention_rows(world)
    pv, halt = _handhaving(world)
    _time_entries(world)
    preview = _work_division(world)
    terugmelding = _chain(world)
    pages = [
        reverse("web:home"),
        reverse("web:my-work"),
        reverse("web:team"),
        reverse("web:overdue"),
        reverse("web:search"),
        reverse("web:person", args=[world.persons["own"].pk]),
        reverse("brp:person", args=[world.persons["own"].pk]),
        reverse("web:case", args=[world.cases["own"].pk]),
        reverse("web:import"),
        reverse("web:import-job", args=[waiting.pk]),
        reverse("web:import-job", args=[rejected.pk]),
        reverse("web:import-job", args=[ImportJob.objects.get(state="bevestig").pk]),
        reverse("web:caseload"),
        reverse("cases:jco"),
        reverse("cases:duo-register"),
        reverse("cases:exemption-withdraw", args=[_exemption_case(world)]),
        reverse("web:thuiszitters"),
        reverse("web:leave"),
        reverse("web:exemptions"),
        reverse("letters:home"),
        reverse("reporting:dashboard"),
        f"{reverse('reporting:dashboard')}?gemeente=0197",
        reverse("reporting:quality"),
        reverse("reporting:unlinked"),
        reverse("reporting:reference"),
        f"{reverse('reporting:targets')}?schooljaar=2025-2026&gemeente=regio",
        reverse("reporting:report-text", args=["2025-2026", "0294"]),
        f"{reverse('reporting:art25')}?schooljaar=2024-2025",
        reverse("reporting:annual-report", args=["2024-2025", "regio"]),
        reverse("reporting:annual-report", args=["2024-2025", "0294"]),
        f"{reverse('reporting:benchmark')}?schooljaar=2024-2025",
        f"{reverse('reporting:rmc')}?schooljaar=2024-2025",
        f"{reverse('reporting:vsv')}?schooljaar=2024-2025",
        reverse("handhaving:list"),
        reverse("handhaving:start", args=[world.cases["own"].pk]),
        reverse("handhaving:detail", args=[pv.pk]),
        reverse("handhaving:detail", args=[halt.pk]),
        reverse("governance:calendar"),
        reverse("governance:deadline-new"),
        reverse("governance:deadline-edit", args=[_deadline(world).pk]),
        reverse("governance:feed-settings"),
        f"{reverse('governance:audits')}?jaar=2026",
        reverse("governance:audit-new"),
        reverse("governance:audit", args=[_audit(world).pk]),
        reverse("timekeeping:entries"),
        f"{reverse('timekeeping:overview')}?schooljaar=2025-2026",
        f"{reverse('timekeeping:overview')}?maand=2026-03",
        reverse("timekeeping:products"),
        *_objection_pages(world),
        *_governance_pages(world),
        reverse("werkverdeling:rules"),
        reverse("werkverdeling:substitutions"),
        f"{reverse('werkverdeling:reassign')}{preview}",
        *_setup_pages(world),
        reverse("chain:lists"),
        reverse("chain:terugmelding-new", args=[world.cases["other"].pk]),
        reverse("chain:terugmelding", args=[terugmelding.pk]),
        reverse("chain:forward", args=[world.cases["other"].pk]),
        reverse("chain:move-region", args=[world.cases["other"].pk]),
        reverse("chain:reports"),
    ]
    axe = Axe()
    problems: dict[str, str] = {}
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
        # axe injects its script: bypass the policy here, never weaken it.
        page = browser.new_context(locale="nl-NL", bypass_csp=True).new_page()
        page.goto(f"{live_server.url}/login/")
        results = axe.run(page, options={"runOnly": {"type": "tag", "values": WCAG_TAGS}})
        if results.violations_count:
            problems["/login/"] = results.generate_report()
        log_in(page, live_server.url, "coordinator")
        for path in pages:
            response = page.goto(f"{live_server.url}{path}")
            assert response.status == 200, path
            results = axe.run(page, options={"runOnly": {"type": "tag", "values": WCAG_TAGS}})
            if results.violations_count:
                problems[path] = results.generate_report()
        # The privacy officer's screen and the finance page, as their users see them.
        for username, path in (
            ("privacy", "/toegangslog/"),
            ("privacy", reverse("audit:retention")),
            ("beleid-winterswijk", reverse("reporting:dashboard")),
            ("lpa-aalten", reverse("reporting:quality")),
            ("administratie", reverse("web:home")),
            ("beheer", reverse("web:home")),
            ("lpa-aalten", reverse("governance:calendar")),
            ("lpa-aalten", reverse("governance:audits")),
            ("beleid-winterswijk", "/financien/"),
            ("beleid-winterswijk", reverse("reporting:targets")),
            ("beleid-winterswijk", reverse("reporting:annual-report", args=["2024-2025", "0294"])),
            ("beleid-winterswijk", reverse("reporting:benchmark")),
            ("beheer", reverse("letters:templates")),
            ("beheer", reverse("law:rmc-limits")),
            ("beheer", reverse("organisation:staff-user", args=[world.users["privacy"].pk])),
            ("beheer", reverse("letters:template", args=["controlebrief"])),
            ("boa-regio", reverse("handhaving:list")),
            ("boa-regio", reverse("handhaving:detail", args=[pv.pk])),
            ("beleid-winterswijk", reverse("timekeeping:overview")),
            ("lpa-aalten", reverse("timekeeping:overview")),
            ("beleid-winterswijk", reverse("objections:overview")),
            ("beleid-winterswijk", reverse("governance:evaluation")),
            ("lpa-aalten", reverse("governance:handbook-page", args=["relatief-verzuim"])),
        ):
            page.context.clear_cookies()
            log_in(page, live_server.url, username)
            response = page.goto(f"{live_server.url}{path}")
            assert response.status == 200, path
            results = axe.run(page, options={"runOnly": {"type": "tag", "values": WCAG_TAGS}})
            if results.violations_count:
                problems[path] = results.generate_report()
        browser.close()
    assert not problems, "\n\n".join(f"{p}:\n{r}" for p, r in problems.items())
