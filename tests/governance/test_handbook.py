"""The handbook "Zo werken we in de regio" (R-51): the coordinator writes pages,
every save is a new version with author and note, old versions and the
difference between two stay readable, someone else's newer save is never
overwritten, and the case page links to the page for its case type."""

from __future__ import annotations

import pytest
from django.db import connection
from django.urls import reverse

from rbl.governance.handbook import create_page
from rbl.governance.models import AppendOnlyError, HandbookPage, HandbookVersion

pytestmark = pytest.mark.django_db


def _page(world, **extra) -> HandbookPage:
    fields = {
        "slug": "relatief-verzuim",
        "title": "Relatief verzuim",
        "body": "## Gesprek\n\nBinnen **vijf** schooldagen een gesprek.\n",
        "note": "Eerste versie",
        "case_type": "relatief_16uur",
    }
    fields.update(extra)
    return create_page(world.users["coordinator"], **fields)


def _edit(client, page, base_version, body, note="Termijn aangepast", **extra):
    data = {
        "title": page.title,
        "case_type": page.case_type,
        "body": body,
        "note": note,
        "base_version": base_version,
        **extra,
    }
    return client.post(reverse("governance:handbook-edit", args=[page.slug]), data)


def test_the_coordinator_writes_a_page_and_every_reader_sees_it(world, client):
    client.force_login(world.users["coordinator"])
    url = reverse("governance:handbook-new")
    data = {
        "title": "Absoluut verzuim",
        "slug": "absoluut-verzuim",
        "case_type": "absoluut",
        "body": "1. Controlebrief\n2. Huisbezoek",
        "note": "",
    }
    response = client.post(url, data)
    assert response.status_code == 400
    assert "Schrijf kort op wat er veranderd is." in response.content.decode()
    response = client.post(url, {**data, "slug": "Absoluut verzuim!", "note": "Eerste versie"})
    assert "Gebruik alleen kleine letters, cijfers en streepjes." in response.content.decode()
    assert not HandbookPage.objects.exists()
    response = client.post(url, {**data, "note": "Eerste versie"})
    assert response["Location"] == reverse("governance:handbook-page", args=["absoluut-verzuim"])

    client.force_login(world.users["boa-regio"])
    page = client.get(response["Location"]).content.decode()
    assert "<li>Controlebrief</li>" in page
    assert "Versie 1" in page
    assert "Werkwijze wijzigen" not in page  # a reader does not edit
    index = client.get(reverse("governance:handbook")).content.decode()
    assert "Absoluut verzuim" in index
    assert client.get(reverse("governance:handbook-new")).status_code == 403


def test_every_save_is_a_new_version_with_author_note_and_a_diff(world, client):
    page = _page(world)
    client.force_login(world.users["beheer"])  # application management may correct a page
    response = _edit(client, page, 1, "## Gesprek\n\nBinnen **tien** schooldagen een gesprek.\n")
    assert response.status_code == 302
    page.refresh_from_db()
    assert page.version == 2
    versions = list(page.versions.order_by("number"))
    assert [v.number for v in versions] == [1, 2]
    assert versions[0].body.count("vijf") == 1  # the old text is kept as it was
    assert versions[1].author == world.users["beheer"]

    client.force_login(world.users["lpa-aalten"])
    listing = client.get(reverse("governance:handbook-versions", args=[page.slug]))
    assert "Termijn aangepast" in listing.content.decode()
    old = client.get(reverse("governance:handbook-version", args=[page.slug, 1])).content.decode()
    assert "<strong>vijf</strong>" in old
    assert "U leest versie 1" in old
    diff = client.get(
        reverse("governance:handbook-diff", args=[page.slug]), {"van": "1", "naar": "2"}
    ).content.decode()
    assert "Weggehaald: </span>− Binnen **vijf** schooldagen" in diff
    assert "Toegevoegd: </span>+ Binnen **tien** schooldagen" in diff
    bad = client.get(
        reverse("governance:handbook-diff", args=[page.slug]), {"van": "1", "naar": "9"}
    )
    assert bad.status_code == 400
    assert "Kies twee bestaande versies" in bad.content.decode()


def test_a_save_on_an_outdated_version_is_refused_and_keeps_the_text(world, client):
    page = _page(world)
    client.force_login(world.users["beheer"])
    _edit(client, page, 1, "Tekst van beheer", note="Correctie")
    client.force_login(world.users["coordinator"])
    response = _edit(client, page, 1, "Mijn eigen lange tekst", note="Mijn wijziging")
    assert response.status_code == 409
    text = response.content.decode()
    assert "heeft deze werkwijze opgeslagen nadat u hem opende" in text
    assert "Mijn eigen lange tekst" in text  # the editor's text is kept in the form
    assert "Tekst van beheer" in text  # next to the newest version
    page.refresh_from_db()
    assert page.version == 2
    assert page.versions.first().body == "Tekst van beheer"
    # Having seen the newest version, the editor saves on top of it.
    assert 'name="base_version" value="2"' in text
    assert _edit(client, page, 2, "Mijn eigen lange tekst").status_code == 302
    assert HandbookPage.objects.get().version == 3


def test_versions_are_append_only(world):
    page = _page(world)
    version = page.versions.get()
    version.body = "anders"
    with pytest.raises(AppendOnlyError):
        version.save()
    with pytest.raises(AppendOnlyError):
        HandbookVersion.objects.filter(page=page).update(body="anders")
    with pytest.raises(AppendOnlyError):
        version.delete()
    assert HandbookVersion.objects.get().body.startswith("## Gesprek")


def test_one_page_per_case_type(world, client):
    _page(world)
    client.force_login(world.users["coordinator"])
    response = client.post(
        reverse("governance:handbook-new"),
        {
            "title": "Nog eens",
            "slug": "nog-eens",
            "case_type": "relatief_16uur",
            "body": "x",
            "note": "y",
        },
    )
    assert response.status_code == 400
    assert "geldt al voor deze zaaksoort" in response.content.decode()


def test_the_case_page_links_to_the_werkwijze_of_its_type(world, client):
    case = world.cases["own"]
    client.force_login(world.users["lpa-aalten"])
    url = reverse("web:case", args=[case.pk])
    index = reverse("governance:handbook")
    assert f'href="{index}">Werkwijzen van de regio' in client.get(url).content.decode()
    _page(world, case_type=case.type, title="Zo pakken we dit aan")
    page = client.get(url).content.decode()
    target = reverse("governance:handbook-page", args=["relatief-verzuim"])
    assert f'href="{target}">Werkwijze: Zo pakken we dit aan' in page
    assert client.get(target).status_code == 200


def test_menu_shows_werkwijzen_to_staff_and_evaluatie_to_its_readers(world, client):
    client.force_login(world.users["lpa-aalten"])
    page = client.get(reverse("governance:handbook")).content.decode()
    assert ">Werkwijzen<" in page and ">Evaluatie<" not in page
    client.force_login(world.users["beleid-winterswijk"])
    page = client.get(reverse("governance:handbook")).content.decode()
    assert ">Werkwijzen<" in page and ">Evaluatie<" in page


def test_the_demo_handbook_has_the_four_pages_once(world):
    import datetime as dt

    from rbl.demo.handbook import seed_handbook
    from rbl.governance.models import EvaluationGoal

    seed_handbook(dt.date(2026, 3, 11))
    seed_handbook(dt.date(2026, 3, 11))
    pages = {p.slug: p for p in HandbookPage.objects.all()}
    assert set(pages) == {"absoluut-verzuim", "relatief-verzuim", "thuiszitters", "verlof"}
    assert pages["verlof"].case_type == "verlof"
    assert pages["absoluut-verzuim"].versions.count() == 2  # changed once: a diff to show
    assert EvaluationGoal.objects.filter(year=2026).exists()


@pytest.mark.skipif(connection.vendor != "postgresql", reason="threads need a server database")
@pytest.mark.django_db(transaction=True)
def test_two_editors_saving_the_same_version_at_once_one_wins():
    """Both opened version 1 and save at the same moment: the row lock makes
    the second wait and then see the newer version (no lost update)."""
    import threading

    from django.db import connection as conn

    from rbl.governance.handbook import StaleEdit, save_version
    from tests.cases.factories import staff

    author = staff("coord-draad", "coordinator")
    page = create_page(author, slug="draad", title="Draad", body="Eerste", note="Eerste")
    barrier = threading.Barrier(2)
    outcomes: list[str] = []

    def work(body: str) -> None:
        try:
            barrier.wait()
            save_version(page, author, base_version=1, title="Draad", body=body, note="Wijziging")
            outcomes.append("opgeslagen")
        except StaleEdit:
            outcomes.append("verouderd")
        finally:
            conn.close()

    threads = [threading.Thread(target=work, args=(b,)) for b in ("Tekst A", "Tekst B")]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(outcomes) == ["opgeslagen", "verouderd"]
    page.refresh_from_db()
    assert page.version == 2
    assert page.versions.count() == 2
