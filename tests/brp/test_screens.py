""" "Raadpleeg BRP" on the person page and for a DUO report waiting for its
youth: the purpose, the comparison, applying the answer as a dated mutation,
the access log, youth outside the region and the service's errors."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from django.urls import reverse
from django.utils import timezone

from rbl.audit.models import AccessLogEntry, Action
from rbl.cases.models import VerzuimMelding
from rbl.core.bsn import make_bsn
from rbl.registry.imports.base import run_import
from rbl.registry.models import ImportLog, Person
from tests.brp.fake_brp import FakeBrp, gezag_niet_te_bepalen, ouders, persoon
from tests.web.world import World

pytestmark = pytest.mark.django_db

DAY = dt.timedelta(days=1)


def login(client, world: World, name: str = "lpa-aalten"):
    client.force_login(world.users[name])
    return client


def moved(brp: FakeBrp, person: Person, *, since: dt.date, **kw) -> None:
    """The BRP holds `person` at a new address in Aalten since `since`."""
    brp.persons[person.bsn] = persoon(
        person.bsn,
        geslachtsnaam=person.surname,
        voorvoegsel=person.prefix,
        voornamen=person.given_names,
        geboortedatum=person.birth_date.isoformat(),
        geslacht="V",
        adres={
            "officieleStraatnaam": "Stationsstraat",
            "huisnummer": 7,
            "postcode": "7121CD",
            "woonplaats": "Aalten",
        },
        adres_sinds=since.isoformat(),
        ingeschreven="2012-05-15",
        **kw,
    )


def lookup(client, person: Person, purpose: str = "adres"):
    return client.post(reverse("brp:person", args=[person.pk]), {"doel": purpose})


def apply(client, person: Person, response):
    form = response.context["apply_form"]
    data = {name: form[name].value() for name in ("doel", "antwoord", "versie")}
    return client.post(reverse("brp:person-apply", args=[person.pk]), data)


def test_the_action_is_hidden_without_a_configured_service(client, world, settings):
    settings.RBL_BRP_URL = ""
    own = world.persons["own"]
    page = login(client, world).get(reverse("web:person", args=[own.pk]))
    assert "Raadpleeg BRP" not in page.content.decode()
    assert client.get(reverse("brp:person", args=[own.pk])).status_code == 404


def test_an_officer_sees_the_differences_and_applies_them_as_a_dated_mutation(client, world, brp):
    own = world.persons["own"]
    since = timezone.localdate() - 10 * DAY
    moved(brp, own, since=since, gezag=ouders(own.bsn, "Anna Jansen", "Kees Jansen"))
    login(client, world)
    page = client.get(reverse("web:person", args=[own.pk]))
    assert reverse("brp:person", args=[own.pk]) in page.content.decode()

    shown = lookup(client, own)
    assert shown.status_code == 200
    text = shown.content.decode()
    assert "Stationsstraat 7, 7121CD Aalten" in text
    assert "Anders" in text
    differing = {r.label for r in shown.context["rows"] if r.differs}
    assert {"Adres", "Gezag (ouders/verzorgers)", "Datum vestiging in gemeente"} <= differing
    assert "Geslachtsnaam" not in differing
    entry = AccessLogEntry.objects.get(
        person_id=own.pk, action=Action.VIEW, purpose__startswith="BRP"
    )
    assert entry.purpose == "BRP bevragen: Controle van adres of verhuizing"
    assert own.bsn not in entry.path
    assert Person.objects.get(pk=own.pk).street == ""  # a lookup changes nothing

    done = apply(client, own, shown)
    assert done.status_code == 302 and done.url == reverse("web:person", args=[own.pk])
    own.refresh_from_db()
    assert (own.street, own.house_number, own.postcode) == ("Stationsstraat", "7", "7121CD")
    assert (own.parent1_name, own.parent2_name) == ("Anna Jansen", "Kees Jansen")
    assert own.last_mutation_on == since
    log = ImportLog.objects.filter(kind="brp-mutaties").latest("started_at")
    assert log.file_name == "BRP bevragen"
    assert log.user == world.users["lpa-aalten"]
    assert log.counts["updated"] == 1
    change = AccessLogEntry.objects.get(person_id=own.pk, action=Action.CHANGE)
    assert change.purpose.startswith("BRP bevragen: mutatie van")
    followed = client.get(done.url).content.decode()
    assert "De gegevens uit de BRP zijn verwerkt" in followed


def _mutation_file(tmp_path: Path, person: Person, day: dt.date, street: str) -> Path:
    path = tmp_path / f"mutaties-{day}.csv"
    path.write_text(
        "bsn;geslachtsnaam;voornamen;geboortedatum;gemeentecode;straat;huisnummer;postcode;"
        "woonplaats;mutatie;mutatiedatum\n"
        f"{person.bsn};{person.surname};{person.given_names};{person.birth_date};0197;{street};"
        f"1;7121AA;Aalten;I;{day}\n",
        encoding="utf-8",
    )
    return path


def test_after_applying_an_older_mutation_line_is_stale_and_a_newer_one_applies(
    client, world, brp, tmp_path
):
    own = world.persons["own"]
    since = timezone.localdate() - 10 * DAY
    moved(brp, own, since=since)
    login(client, world)
    apply(client, own, lookup(client, own))

    older = run_import("brp-mutaties", _mutation_file(tmp_path, own, since - DAY, "Oudeweg"))
    assert (older.stale, older.updated) == (1, 0)
    own.refresh_from_db()
    assert own.street == "Stationsstraat"

    same_day = run_import("brp-mutaties", _mutation_file(tmp_path, own, since, "Nieuweweg"))
    assert (same_day.stale, same_day.updated) == (0, 1)
    newer = run_import("brp-mutaties", _mutation_file(tmp_path, own, since + DAY, "Laatsteweg"))
    assert (newer.stale, newer.updated) == (0, 1)
    own.refresh_from_db()
    assert own.street == "Laatsteweg"


def test_a_move_out_of_the_region_marks_the_youth_moved_out(client, world, brp):
    own = world.persons["own"]
    left = timezone.localdate() - 5 * DAY
    brp.persons[own.bsn] = persoon(
        own.bsn,
        geslachtsnaam=own.surname,
        voorvoegsel=own.prefix,
        voornamen=own.given_names,
        geboortedatum=own.birth_date.isoformat(),
        gemeente=("0344", "Utrecht"),
        ingeschreven=left.isoformat(),
        adres={
            "officieleStraatnaam": "Oudegracht",
            "huisnummer": 2,
            "postcode": "3511AA",
            "woonplaats": "Utrecht",
        },
        adres_sinds=left.isoformat(),
    )
    login(client, world)
    shown = lookup(client, own)
    assert "niet (meer) in een gemeente van de regio" in shown.content.decode()
    apply(client, own, shown)
    own.refresh_from_db()
    assert own.moved_out_on == left
    assert own.municipality_id == "0197"  # the record stays with its last municipality
    assert own.street == ""  # the address outside the region is not taken over


def test_gezag_niet_te_bepalen_is_shown_and_keeps_the_known_parents(client, world, brp):
    own = world.persons["own"]
    Person.objects.filter(pk=own.pk).update(parent1_name="Anna Jansen")
    own.refresh_from_db()
    moved(
        brp,
        own,
        since=timezone.localdate() - 3 * DAY,
        gezag=gezag_niet_te_bepalen(own.bsn, "Gezag kan niet worden bepaald."),
    )
    login(client, world)
    shown = lookup(client, own)
    assert "Gezag niet te bepalen: Gezag kan niet worden bepaald." in shown.content.decode()
    apply(client, own, shown)
    own.refresh_from_db()
    assert own.parent1_name == "Anna Jansen"
    assert own.street == "Stationsstraat"


def test_geheimhouding_sets_secret(client, world, brp):
    own = world.persons["own"]
    moved(brp, own, since=timezone.localdate() - 3 * DAY, geheim=True)
    login(client, world)
    shown = lookup(client, own)
    assert "Geheimhouding" in shown.content.decode()
    apply(client, own, shown)
    own.refresh_from_db()
    assert own.secret is True


def test_a_purpose_is_required_and_from_the_list(client, world, brp):
    own = world.persons["own"]
    moved(brp, own, since=timezone.localdate())
    login(client, world)
    for value in ("", "nieuwsgierig"):
        response = lookup(client, own, purpose=value)
        assert response.status_code == 400
        assert "Doel van de raadpleging" in response.content.decode()
    assert brp.requests == []
    assert not AccessLogEntry.objects.filter(purpose__startswith="BRP").exists()


@pytest.mark.parametrize(
    ("mode", "message"),
    [
        ("storing", "De BRP had een interne fout (HTTP 500)."),
        ("weigering", "fields: Parameter bevat een niet bestaande veldnaam."),
        ("traag", "seconden geen antwoord"),
    ],
)
def test_service_errors_show_a_dutch_message_and_change_nothing(
    client, world, brp, settings, mode, message
):
    own = world.persons["own"]
    moved(brp, own, since=timezone.localdate())
    login(client, world)
    shown = lookup(client, own)
    brp.mode, brp.delay = mode, 1.0
    settings.RBL_BRP_TIMEOUT = 0.3
    before = Person.objects.values().get(pk=own.pk)
    response = apply(client, own, shown)
    assert response.status_code == 502
    text = response.content.decode()
    assert message in text and "Er is niets gewijzigd." in text
    assert Person.objects.values().get(pk=own.pk) == before
    assert not ImportLog.objects.filter(file_name="BRP bevragen").exists()
    # the failed lookup is in the access log too
    assert AccessLogEntry.objects.filter(person_id=own.pk, action=Action.VIEW).count() == 2


def test_an_unreachable_service_is_told_in_dutch(client, world, settings):
    settings.RBL_BRP_URL = "http://127.0.0.1:9/api"
    own = world.persons["own"]
    response = lookup(login(client, world), own)
    assert response.status_code == 502
    assert "De BRP is niet bereikbaar" in response.content.decode()


def test_an_answer_that_changed_since_it_was_shown_is_not_applied(client, world, brp):
    own = world.persons["own"]
    moved(brp, own, since=timezone.localdate() - 3 * DAY)
    login(client, world)
    shown = lookup(client, own)
    brp.persons[own.bsn]["verblijfplaats"]["verblijfadres"]["huisnummer"] = 9
    response = apply(client, own, shown)
    assert response.status_code == 409
    assert "gewijzigd sinds u ze bekeek" in response.content.decode()
    own.refresh_from_db()
    assert own.street == ""


def test_a_refused_line_changes_nothing(client, world, brp):
    own = world.persons["own"]
    moved(brp, own, since=timezone.localdate() - 3 * DAY)
    brp.persons[own.bsn]["geboorte"]["datum"] = {
        "type": "Datum",
        "datum": (timezone.localdate() + 10 * DAY).isoformat(),
        "langFormaat": "later",
    }
    login(client, world)
    response = apply(client, own, lookup(client, own))
    assert response.status_code == 409
    assert "Er is niets gewijzigd." in response.content.decode()
    own.refresh_from_db()
    assert own.street == ""
    assert not AccessLogEntry.objects.filter(action=Action.CHANGE).exists()


def test_who_may_look_up(client, world, brp):
    own, other = world.persons["own"], world.persons["other"]
    login(client, world, "lpa-aalten")
    assert client.post(reverse("brp:person", args=[other.pk]), {"doel": "adres"}).status_code == 404
    for name in ("beleid-winterswijk", "privacy", "beheer", "m-auditor"):
        client.force_login(world.users[name])
        assert client.get(reverse("brp:person", args=[own.pk])).status_code == 404
    assert brp.requests == []


# -- DUO reports waiting for their youth ---------------------------------------------


def _waiting(bsn: str) -> VerzuimMelding:
    return VerzuimMelding.objects.create(
        meldingsnummer="DUO-4711",
        bsn=bsn,
        brin="12AB",
        soort="16UUR",
        meldingsdatum=timezone.localdate() - 20 * DAY,
    )


def test_a_waiting_report_creates_the_youth_of_the_region_and_links(client, world, brp):
    bsn = make_bsn(66_600_001)
    melding = _waiting(bsn)
    since = timezone.localdate() - 30 * DAY
    brp.persons[bsn] = persoon(
        bsn,
        geslachtsnaam="Vos",
        voornamen="Lotte",
        geboortedatum="2011-09-01",
        gemeente=("0294", "Winterswijk"),
        ingeschreven=since.isoformat(),
        adres={
            "officieleStraatnaam": "Misterweg",
            "huisnummer": 4,
            "postcode": "7101AA",
            "woonplaats": "Winterswijk",
        },
        adres_sinds=since.isoformat(),
    )
    login(client, world, "administratie")
    queue = client.get(reverse("reporting:unlinked")).content.decode()
    assert reverse("brp:melding", args=[melding.pk]) in queue
    shown = client.post(reverse("brp:melding", args=[melding.pk]), {"doel": "koppelen"})
    assert shown.status_code == 200
    assert "Misterweg 4" in shown.content.decode()
    entry = AccessLogEntry.objects.get(action=Action.VIEW, purpose__startswith="BRP")
    assert entry.person_id is None
    assert "verzuimmelding DUO-4711" in entry.purpose
    assert bsn not in entry.path and bsn not in entry.purpose
    form = shown.context["apply_form"]
    done = client.post(
        reverse("brp:melding-apply", args=[melding.pk]),
        {n: form[n].value() for n in ("doel", "antwoord", "versie")},
    )
    person = Person.objects.get(bsn=bsn)
    assert done.status_code == 302 and done.url == reverse("web:person", args=[person.pk])
    assert (person.municipality_id, person.street, person.last_mutation_on) == (
        "0294",
        "Misterweg",
        since,
    )
    melding.refresh_from_db()
    assert melding.person_id == person.pk
    assert AccessLogEntry.objects.filter(person_id=person.pk, action=Action.CREATE).exists()


def test_a_youth_outside_the_region_is_never_created(client, world, brp):
    bsn = make_bsn(66_600_101)
    melding = _waiting(bsn)
    brp.persons[bsn] = persoon(
        bsn,
        geslachtsnaam="Vos",
        gemeente=("0344", "Utrecht"),
        adres={
            "officieleStraatnaam": "Oudegracht",
            "huisnummer": 2,
            "postcode": "3511AA",
            "woonplaats": "Utrecht",
        },
    )
    login(client, world, "coordinator")
    shown = client.post(reverse("brp:melding", args=[melding.pk]), {"doel": "koppelen"})
    text = shown.content.decode()
    assert "woont deze jongere niet in een gemeente van de regio" in text
    assert "Jongere opnemen" not in text
    form = shown.context["apply_form"]
    forced = client.post(
        reverse("brp:melding-apply", args=[melding.pk]),
        {n: form[n].value() for n in ("doel", "antwoord", "versie")},
    )
    assert forced.status_code == 409
    assert "RBL neemt de jongere daarom niet op" in forced.content.decode()
    assert not Person.objects.filter(bsn=bsn).exists()
    melding.refresh_from_db()
    assert melding.person_id is None


def test_only_administration_and_coordinator_look_up_waiting_reports(client, world, brp):
    melding = _waiting(make_bsn(66_600_201))
    for name in ("lpa-aalten", "kpa-regio", "boa-regio", "privacy"):
        client.force_login(world.users[name])
        assert client.get(reverse("brp:melding", args=[melding.pk])).status_code == 404
    client.force_login(world.users["coordinator"])
    assert client.get(reverse("brp:melding", args=[melding.pk])).status_code == 200


def test_a_brp_date_before_the_last_mutation_is_applied_on_that_mutations_date(client, world, brp):
    own = world.persons["own"]
    last = timezone.localdate() - 2 * DAY
    Person.objects.filter(pk=own.pk).update(last_mutation_on=last)
    moved(brp, own, since=timezone.localdate() - 30 * DAY)
    login(client, world)
    done = apply(client, own, lookup(client, own))
    assert done.status_code == 302
    own.refresh_from_db()
    assert (own.street, own.last_mutation_on) == ("Stationsstraat", last)


def test_a_death_in_the_brp_is_applied(client, world, brp):
    own = world.persons["own"]
    died = timezone.localdate() - 4 * DAY
    moved(brp, own, since=timezone.localdate() - 40 * DAY, overleden=died.isoformat())
    login(client, world)
    shown = lookup(client, own)
    assert "Overleden op" in {r.label for r in shown.context["rows"] if r.differs}
    apply(client, own, shown)
    own.refresh_from_db()
    assert (own.died_on, own.last_mutation_on) == (died, died)


def test_an_unknown_bsn_is_told_and_changes_nothing(client, world, brp):
    own = world.persons["own"]
    response = lookup(login(client, world), own)
    assert response.status_code == 200
    assert "De BRP kent geen persoon met dit burgerservicenummer." in response.content.decode()
    assert "Verschillen verwerken" not in response.content.decode()


def test_a_youth_already_marked_moved_out_is_not_offered_the_move_again(client, world, brp):
    own = world.persons["own"]
    Person.objects.filter(pk=own.pk).update(moved_out_on=timezone.localdate() - 9 * DAY)
    brp.persons[own.bsn] = persoon(
        own.bsn,
        geslachtsnaam=own.surname,
        voorvoegsel=own.prefix,
        voornamen=own.given_names,
        geboortedatum=own.birth_date.isoformat(),
        buitenland=True,
        gemeente=("1999", "Registratie Niet Ingezetenen"),
    )
    shown = lookup(login(client, world), own)
    assert "Buitenland" in shown.content.decode()
    assert not shown.context["can_apply"]


def test_a_failed_lookup_for_a_waiting_report_is_logged_against_the_report(client, world, brp):
    melding = _waiting(make_bsn(66_600_301))
    brp.mode = "storing"
    login(client, world, "administratie")
    response = client.post(reverse("brp:melding", args=[melding.pk]), {"doel": "verzuim"})
    assert response.status_code == 502
    assert "De BRP had een interne fout" in response.content.decode()
    entry = AccessLogEntry.objects.get(purpose__startswith="BRP")
    assert entry.person_id is None
    assert entry.purpose == (
        "BRP bevragen: Behandeling van een verzuimmelding of zaak (verzuimmelding DUO-4711)"
    )


def test_the_youth_created_from_a_report_names_the_report_in_the_access_log(client, world, brp):
    bsn = make_bsn(66_600_401)
    melding = _waiting(bsn)
    brp.persons[bsn] = persoon(bsn, geslachtsnaam="Vos", voornamen="Lotte")
    login(client, world, "coordinator")
    shown = client.post(reverse("brp:melding", args=[melding.pk]), {"doel": "koppelen"})
    form = shown.context["apply_form"]
    client.post(
        reverse("brp:melding-apply", args=[melding.pk]),
        {n: form[n].value() for n in ("doel", "antwoord", "versie")},
    )
    created = AccessLogEntry.objects.get(action=Action.CREATE)
    assert created.person_id == Person.objects.get(bsn=bsn).pk
    assert created.purpose.endswith("(verzuimmelding DUO-4711)")


def test_a_record_changed_since_the_lookup_is_not_overwritten(client, world, brp):
    own = world.persons["own"]
    moved(brp, own, since=timezone.localdate() - 3 * DAY)
    login(client, world)
    shown = lookup(client, own)
    Person.objects.get(pk=own.pk).save()  # someone else changed the record meanwhile
    response = apply(client, own, shown)
    assert response.status_code == 409
    assert "Er is niets gewijzigd" in response.content.decode()
    own.refresh_from_db()
    assert own.street == ""
    assert not ImportLog.objects.filter(file_name="BRP bevragen").exists()


def test_the_privacy_officer_finds_lookups_of_a_report_whose_youth_rbl_does_not_hold(
    client, world, brp
):
    bsn = make_bsn(66_600_501)
    melding = _waiting(bsn)
    brp.persons[bsn] = persoon(bsn, geslachtsnaam="Vos", gemeente=("0344", "Utrecht"))
    login(client, world, "administratie")
    client.post(reverse("brp:melding", args=[melding.pk]), {"doel": "koppelen"})
    other = VerzuimMelding.objects.create(
        meldingsnummer="DUO-9999",
        bsn=make_bsn(66_600_601),
        brin="12AB",
        soort="16UUR",
        meldingsdatum=timezone.localdate(),
    )
    client.post(reverse("brp:melding", args=[other.pk]), {"doel": "koppelen"})

    login(client, world, "privacy")
    page = client.post(reverse("web:access-log"), {"bsn": bsn})
    assert page.status_code == 200
    rows = page.context["report_lookups"]
    assert [(e.username, e.purpose) for e in rows] == [
        (
            "administratie",
            "BRP bevragen: Koppelen van een verzuimmelding aan een jongere (verzuimmelding DUO-4711)",
        )
    ]
    assert "toen RBL de jongere nog niet kende" in page.content.decode()
