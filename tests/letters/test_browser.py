"""End-to-end in Chromium: the administrative employee opens this week's
signals, has their control letters made (by a real `rbl db_worker` process on
the task queue) and prints them as one PDF: one letter per signal, each with
the logo and the signature line of the municipality that owns the signal."""

from __future__ import annotations

import datetime as dt
import io
import os
from pathlib import Path

import pytest
from django.conf import settings
from django.utils import timezone
from PIL import Image
from pypdf import PdfReader

from rbl.cases.models import AgeGroup, AssignmentRule
from rbl.demo.logos import install_demo_logos
from rbl.organisation.models import Municipality
from tests.factories import PersonFactory, SignalFactory
from tests.web.test_browser import closes_its_connections, log_in, page  # noqa: F401
from tests.web.world import build_world

os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def fast_passwords(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def squash(text: str) -> str:
    return "".join(text.lower().split())


def pixels(image: Image.Image) -> bytes:
    return image.convert("RGB").tobytes()


@closes_its_connections
def test_administration_prints_this_weeks_control_letters_as_one_pdf(
    live_server,
    db_worker,
    page,  # noqa: F811
):
    world = build_world()
    install_demo_logos()  # a PNG logo per municipality, in this test's media root
    for municipality, officer in (
        (world.aalten, "lpa-aalten"),
        (world.winterswijk, "lpa-winterswijk"),
    ):
        AssignmentRule.objects.create(
            municipality=municipality, age_group=AgeGroup.LP, user=world.users[officer]
        )
    yesterday = timezone.localdate() - dt.timedelta(days=1)
    youths = {}
    for name, municipality, postcode in (
        ("Daan", world.aalten, "7121AA"),
        ("Lotte", world.winterswijk, "7101BC"),
        ("Mila", world.aalten, "7122DE"),
    ):
        person = PersonFactory(
            municipality=municipality,
            given_names=name,
            surname="Brink",
            birth_date=dt.date(2014, 1, 1),
            street="Dorpsstraat",
            house_number="1",
            postcode=postcode,
        )
        youths[name] = SignalFactory(person=person, opened_on=yesterday)

    base = live_server.url
    log_in(page, base, "administratie")
    page.get_by_role("link", name="Brieven", exact=True).click()
    page.wait_for_load_state()
    week = page.get_by_role("table", name="Nieuwe signalen absoluut verzuim")
    for name in youths:
        assert (
            week.get_by_role("row", name=f"{name} Brink")
            .get_by_text("nog niet gemaakt")
            .is_visible()
        )
    page.get_by_role("button", name="Controlebrieven maken").click()
    page.wait_for_load_state()
    assert page.get_by_role(
        "heading", name="Afdrukopdracht: Controlebrief absoluut verzuim"
    ).is_visible()
    page.get_by_text("3 brieven gemaakt.").wait_for(timeout=90_000)  # the page reloads when done

    link = page.get_by_role("link", name="Alle brieven afdrukken (PDF, op postcodevolgorde)")
    response = page.request.get(base + link.get_attribute("href"))
    assert response.ok and response.headers["content-type"] == "application/pdf"
    reader = PdfReader(io.BytesIO(response.body()))

    logos = {
        m.code: pixels(Image.open(Path(settings.MEDIA_ROOT) / m.logo))
        for m in Municipality.objects.filter(pk__in=[world.aalten.pk, world.winterswijk.pk])
    }
    letters = [p for p in reader.pages if "burgemeesterenwethouders" in squash(p.extract_text())]
    assert len(letters) == len(youths)
    for name, signal in youths.items():
        [letter] = [p for p in letters if f"{name} Brink" in p.extract_text()]
        owner = signal.municipality
        assert squash(
            f"burgemeester en wethouders van de gemeente {owner.name}, namens dezen,"
        ) in squash(letter.extract_text())
        images = [pixels(image.image) for image in letter.images]
        assert logos[owner.code] in images, f"logo of {owner.name} missing on the letter to {name}"
        other = world.winterswijk if owner == world.aalten else world.aalten
        assert logos[other.code] not in images
    # The letters are on the signals' page now, with their date.
    page.goto(f"{base}/brieven/")
    week = page.get_by_role("table", name="Nieuwe signalen absoluut verzuim")
    assert week.get_by_text("nog niet gemaakt").count() == 0
