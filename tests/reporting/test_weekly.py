"""The weekly data-quality mail (Django's locmem backend): each user who
answers for items gets their counts and links, no BSN and no name; an item
open for the escalation term goes to the coordinator too; a second run in the
same week sends nothing twice; a user without an e-mail address is skipped
and reported."""

from __future__ import annotations

import datetime as dt
import json
import re
from io import StringIO
from urllib.parse import urlsplit

import pytest
from django.core import mail
from django.core.management import call_command
from django.utils import timezone

from rbl.cases.models import MasRoute
from rbl.registry.models import ImportLog, ImportOutcome
from rbl.reporting.models import QualityItem, QualityKind, QualityMail
from rbl.reporting.weekly import weekly_run
from tests.cases.factories import CaseFactory, VerzuimMeldingFactory
from tests.factories import PersonFactory, SignalFactory
from tests.web.world import World, build_world

pytestmark = pytest.mark.django_db
DAY = dt.timedelta(days=1)
BASE = "https://rbl.example.nl"


@pytest.fixture(autouse=True)
def mail_settings(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    settings.RBL_BASE_URL = BASE


@pytest.fixture
def world(db) -> World:
    w = build_world()
    # The access-matrix users would get mails as well; this region is the demo's.
    for name in [n for n in w.users if n.startswith("m-")]:
        w.users.pop(name).delete()
    for user in w.users.values():
        user.email = f"{user.username}@rbl.example.nl"
        user.save()
    return w


def today() -> dt.date:
    return timezone.localdate()


def items(w: World) -> dict:
    """lpa-aalten: one case without a route, one leave request open too long;
    Winterswijk: a case without owner; Aalten: a signal without a letter; the
    region: a report waiting for its youth and the world's rejected import."""
    lpa = w.users["lpa-aalten"]
    aalten, winterswijk = w.aalten, w.winterswijk
    return {
        "no_route": CaseFactory(
            person=PersonFactory(municipality=aalten, surname="Zwaan", given_names="Noor"),
            owner=lpa,
            opened_on=today() - 50 * DAY,
        ),
        "too_long": CaseFactory(
            person=PersonFactory(municipality=aalten, surname="Kramer", given_names="Daan"),
            owner=lpa,
            type="verlof",
            opened_on=today() - 60 * DAY,
        ),
        "unowned": CaseFactory(
            person=PersonFactory(municipality=winterswijk, surname="Visser", given_names="Eva"),
            opened_on=today() - 5 * DAY,
        ),
        "signal": SignalFactory(
            person=PersonFactory(municipality=aalten, surname="Smit", given_names="Lotte"),
            opened_on=today() - 9 * DAY,
        ),
        "report": VerzuimMeldingFactory(
            person=None, bsn="111222333", meldingsdatum=today() - 10 * DAY
        ),
    }


def outbox() -> dict[str, mail.EmailMessage]:
    return {m.to[0].split("@")[0]: m for m in mail.outbox}


def links(message) -> list[str]:
    return re.findall(r"https://\S+", message.body)


def test_each_owner_gets_their_counts_and_links(world, client):
    made = items(world)
    result = weekly_run(today(), send=True)
    sent = outbox()
    assert set(sent) == {"lpa-aalten", "administratie"}  # coordinator: nothing escalated yet
    assert result.open_items == QualityItem.objects.filter(resolved_on__isnull=True).count()
    lpa = sent["lpa-aalten"]
    assert "Zaken zonder MAS-route na de termijn: 1" in lpa.body
    assert "Zaken langer open dan de termijn: 1" in lpa.body
    assert f"{BASE}/werk/?kwaliteit=zonder_route" in links(lpa)
    assert "2 punten voor u" in lpa.subject
    admin = sent["administratie"]
    for line in (
        "Winterswijk — Open zaken zonder (actieve) eigenaar: 1",
        "Aalten — Signalen absoluut verzuim zonder controlebrief: 1",
        "Verzuimmeldingen die wachten op een jongere: 1",
        "Importbestanden afgekeurd of niet verwerkt: 1",
    ):
        assert line in admin.body
    # No BSN and no name in any mail: the youths', their parents', the users'.
    people = [*world.persons.values(), made["signal"].person]
    people += [c.person for c in (made["no_route"], made["too_long"], made["unowned"])]
    for message in mail.outbox:
        text = message.subject + message.body
        assert not re.search(r"(?<!\d)\d{9}(?!\d)", text)
        for person in people:
            for value in (person.bsn, person.surname, person.given_names, person.full_name):
                assert value not in text
        for user in world.users.values():
            assert user.get_full_name() not in text
    # Every link opens the list whose count the mail gives, for its reader.
    for username, message in sent.items():
        client.force_login(world.users[username])
        numbers = re.findall(r"(?m)^- .+: (\d+)\n  (https://\S+)$", message.body)
        assert numbers
        for number, url in numbers:
            parts = urlsplit(url)
            response = client.get(f"{parts.path}?{parts.query}" if parts.query else parts.path)
            assert response.status_code == 200, url
            if parts.path in ("/werk/", "/team/"):
                assert response.context["page"].paginator.count == int(number), url


def test_escalation_to_the_coordinator_only_after_the_term(world):
    items(world)
    start = today()
    weekly_run(start, send=True)
    assert "coordinator" not in outbox()
    # 13 days on, nothing is escalated yet (a dry run: nothing recorded, nothing sent).
    preview = weekly_run(start + 13 * DAY, send=False)
    assert not any(p.escalated for p in preview.plans)
    assert len(mail.outbox) == 2
    # After 14 days every item still open goes to the coordinator as well.
    mail.outbox.clear()
    weekly_run(start + 14 * DAY, send=True)
    sent = outbox()
    coordinator = sent["coordinator"]
    assert "geëscaleerd" in coordinator.subject
    assert "Geëscaleerd: punten die 14 dagen of langer openstaan (u bent" in coordinator.body
    assert "Aalten — Zaken zonder MAS-route na de termijn: 1" in coordinator.body
    assert "Winterswijk — Open zaken zonder (actieve) eigenaar: 1" in coordinator.body
    assert f"{BASE}/team/?kwaliteit=zonder_route&gemeente=0197" in coordinator.body
    assert "Punten voor u om op te lossen" not in coordinator.body  # the administration fixes
    assert "geëscaleerd" not in sent["lpa-aalten"].subject  # the owner is not the coordinator


def test_first_seen_is_kept_and_a_fixed_item_is_resolved(world):
    made = items(world)
    start = today()
    weekly_run(start, send=True)
    case = made["no_route"]
    item = QualityItem.objects.get(kind=QualityKind.ZONDER_ROUTE, key=f"zaak:{case.pk}")
    weekly_run(start + 7 * DAY, send=True)
    item.refresh_from_db()
    assert item.first_seen == start and item.last_seen == start + 7 * DAY
    case.route = MasRoute.VRIJWILLIG
    case.save()
    mail.outbox.clear()
    weekly_run(start + 14 * DAY, send=True)
    item.refresh_from_db()
    assert item.resolved_on == start + 14 * DAY
    # The world's own case has now passed the route term too: a new item.
    newer = QualityItem.objects.get(
        kind=QualityKind.ZONDER_ROUTE, key=f"zaak:{world.cases['own'].pk}", resolved_on=None
    )
    assert newer.first_seen == start + 14 * DAY
    lpa = outbox()["lpa-aalten"]
    assert "Zaken zonder MAS-route na de termijn: 1" in lpa.body
    coordinator = outbox()["coordinator"]  # the leave request is escalated, the new item not
    assert "Aalten — Zaken langer open dan de termijn: 1" in coordinator.body
    assert "Zaken zonder MAS-route" not in coordinator.body


def test_a_second_run_in_the_same_week_sends_nothing_twice(world):
    items(world)
    first = weekly_run(today(), send=True)
    assert len(mail.outbox) == 2 == len(first.sent)
    again = weekly_run(today(), send=True)
    assert len(mail.outbox) == 2 and not again.sent
    assert {p.user.username for p in again.already_sent} == {"lpa-aalten", "administratie"}
    assert QualityMail.objects.count() == 2
    # The next week they hear again.
    weekly_run(today() + 7 * DAY, send=True)
    assert len(mail.outbox) == 4


def test_the_command_skips_and_reports_users_without_an_address(world):
    items(world)
    world.users["lpa-aalten"].email = ""
    world.users["lpa-aalten"].save()
    out = StringIO()
    call_command("kwaliteit", "--verstuur", "--peildatum", today().isoformat(), stdout=out)
    text = out.getvalue()
    assert "Geen e-mailadres, dus geen mail: lpa-aalten" in text
    assert "Verstuurd: 1 mail(s)." in text
    assert [m.to for m in mail.outbox] == [["administratie@rbl.example.nl"]]


def test_the_command_without_verstuur_changes_nothing(world):
    items(world)
    out = StringIO()
    call_command("kwaliteit", "--json", stdout=out)
    summary = json.loads(out.getvalue())
    assert summary["verstuurd"] is False and summary["mails"] == 2 and summary["punten"] > 0
    assert not mail.outbox
    assert not QualityItem.objects.exists() and not QualityMail.objects.exists()
    call_command("kwaliteit", stdout=out)
    assert "Proefdraai" in out.getvalue()


def test_the_run_on_the_task_queue(world, settings):
    from rbl.reporting.tasks import weekly_quality_mail

    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    items(world)
    result = weekly_quality_mail.enqueue(today().isoformat())
    assert result.return_value["mails"] == 2
    assert len(mail.outbox) == 2


def test_a_rejected_import_is_resolved_by_a_later_applied_one(world):
    weekly_run(today(), send=True)
    key = f"import:{world.import_log.pk}"
    assert QualityItem.objects.filter(key=key, resolved_on__isnull=True).exists()
    ImportLog.objects.create(
        kind="brp",
        file_name="brp.csv",
        sha256="3" * 64,
        actor="administratie",
        started_at=timezone.now() + dt.timedelta(minutes=5),
        outcome=ImportOutcome.APPLIED,
    )
    weekly_run(today() + 7 * DAY, send=True)
    assert QualityItem.objects.get(key=key).resolved_on == today() + 7 * DAY
    assert QualityItem.objects.filter(kind=QualityKind.IMPORT_NIET_VERWERKT).count() == 1
