"""The Content Security Policy in a real browser, WITHOUT Playwright's
bypass_csp (the axe checks bypass it because axe injects its script): every
main screen loads without a single violation, and the pages' own JavaScript
(the progress of an import and of a letter batch) still works under the policy."""

from __future__ import annotations

import datetime as dt
import os

import pytest
from django.urls import reverse
from django.utils import timezone

from rbl.letters.models import LetterBatch
from rbl.registry.models import ImportJob
from tests.web.test_browser import CHROMIUM_ARGS, closes_its_connections, log_in
from tests.web.world import build_world

os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def fast_passwords(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def strict_page():
    """A tab under the site's own policy; every console error and every
    `securitypolicyviolation` event of any page it loads is collected."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
        context = browser.new_context(locale="nl-NL")  # no bypass_csp
        # Runs through the DevTools protocol before the page's own scripts; the
        # policy does not govern it. It reports each violation to the console.
        context.add_init_script(
            "document.addEventListener('securitypolicyviolation', function (e) {"
            " console.error('CSP-VIOLATION ' + e.violatedDirective + ' ' + e.blockedURI); });"
        )
        tab = context.new_page()
        tab.set_default_timeout(15_000)
        tab.problems = []

        def console(message) -> None:
            # The browser's own request for /favicon.ico (RBL has none) is no page's doing.
            if message.type == "error" and not message.location.get("url", "").endswith(
                "/favicon.ico"
            ):
                tab.problems.append(f"{tab.url}: {message.text}")

        tab.on("console", console)
        tab.on("pageerror", lambda e: tab.problems.append(f"{tab.url}: {e}"))
        yield tab
        context.close()
        browser.close()


@closes_its_connections
def test_main_screens_run_under_the_policy_without_a_violation(live_server, strict_page):
    page = strict_page
    world = build_world()
    coordinator = world.users["coordinator"]
    job = ImportJob.objects.create(
        user=coordinator, kind="scholen", file_name="scholen.csv", state="bezig", total=1000
    )
    batch = LetterBatch.objects.create(
        kind="controlebrief",
        letter_date=timezone.localdate(),
        created_by=coordinator,
        state="bezig",
        total=10,
    )

    response = page.goto(f"{live_server.url}/login/")
    policy = dict(
        d.strip().split(" ", 1) for d in response.headers["content-security-policy"].split(";")
    )
    assert policy["default-src"] == policy["script-src"] == policy["style-src"] == "'self'"
    assert policy["frame-ancestors"] == "'none'"
    log_in(page, live_server.url, "coordinator")
    screens = [
        reverse("web:home"),  # the coordinator's dashboard, with its SVG charts
        reverse("web:person", args=[world.persons["own"].pk]),
        reverse("web:case", args=[world.cases["own"].pk]),
        reverse("web:import"),
        reverse("letters:home"),
        reverse("reporting:annual"),
        f"{reverse('reporting:art25')}?schooljaar=2024-2025",
    ]
    for path in screens:
        assert page.goto(f"{live_server.url}{path}").status == 200, path
        page.wait_for_load_state("networkidle")

    # The import page's script polls the job and moves the progress bar ...
    page.goto(f"{live_server.url}{reverse('web:import-job', args=[job.pk])}")
    ImportJob.objects.filter(pk=job.pk).update(done=400)
    page.locator("#procent").filter(has_text="40%").wait_for()
    assert page.evaluate("document.getElementById('voortgang').value") == 40
    # ... and reloads the page when the import is done.
    ImportJob.objects.filter(pk=job.pk).update(
        state="klaar",
        finished_at=timezone.now(),
        result={"rows": 3, "created": 3, "updated": 0, "unchanged": 0, "rejected": 0},
    )
    page.get_by_text("Het bestand is verwerkt.").wait_for()

    # The letter batch page's script does the same.
    page.goto(f"{live_server.url}{reverse('letters:batch', args=[batch.pk])}")
    LetterBatch.objects.filter(pk=batch.pk).update(done=3)
    page.locator("#procent").filter(has_text="3 van 10").wait_for()
    LetterBatch.objects.filter(pk=batch.pk).update(
        state="klaar", letters=0, finished_at=timezone.now() + dt.timedelta(seconds=1)
    )
    page.get_by_text("Er stonden geen brieven klaar").wait_for()

    assert page.problems == []
