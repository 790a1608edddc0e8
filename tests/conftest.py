"""Shared fixtures. Suites that need PostgreSQL or a browser skip with a reason
when those are absent; in CI (RBL_REQUIRE_ALL=1) a skip of that kind fails instead.

The clock: every test starts at ``tests.clock.NOW`` (Wednesday 11 March 2026,
10:00 Europe/Amsterdam) by time-machine, and the clock ticks on from there, so
live servers, browsers and timeouts keep working (time.monotonic and
time.perf_counter are real). Module- and session-scoped fixtures run on the same
clock. A test that needs another moment asks for the ``clock`` fixture and calls
``clock.move_to(...)`` or ``clock.shift(...)``, or uses time_machine.travel.

To run the whole suite as if it were another day, set RBL_TEST_NOW to an ISO date
or date-time (Europe/Amsterdam unless it names an offset; a date alone is that
day at 10:00)::

    RBL_TEST_NOW=2026-12-06 pytest -n 2 -q          # a Sunday
    RBL_TEST_NOW=2026-12-31T23:30 pytest -n 2 -q    # half an hour before New Year

Every test must pass on every day of the year."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator

import pytest
import time_machine
from django.db import connection

from tests.clock import NOW

# db_worker: a real `rbl db_worker` process on the test database (tests/worker.py).
pytest_plugins = ["tests.worker"]

CHROMIUM = "/usr/bin/chromium"


def browser_missing_reason() -> str | None:
    if not os.path.exists(CHROMIUM) and not shutil.which("chromium"):
        return "Chromium niet gevonden (/usr/bin/chromium); browsertests overgeslagen"
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return "Playwright niet geïnstalleerd; browsertests overgeslagen"
    return None


def pytest_collection_modifyitems(config, items):
    reason = browser_missing_reason()
    require_all = os.environ.get("RBL_REQUIRE_ALL") == "1"
    for item in items:
        if "browser" in item.keywords and reason:
            if require_all:
                item.add_marker(pytest.mark.xfail(reason=reason, run=False, strict=True))
            else:
                item.add_marker(pytest.mark.skip(reason=reason))


@pytest.fixture
def on_postgres() -> bool:
    return connection.vendor == "postgresql"


@pytest.fixture(autouse=True)
def _test_logins_include_the_second_factor(request, monkeypatch):
    """`client.force_login(user)` and `client.login(...)` give a session as after
    the whole login, second factor included (tests/secondfactor.py). Tests of
    the login steps themselves post to /login/, or mark themselves
    `real_second_factor` to get Django's plain methods."""
    if "real_second_factor" in request.keywords:
        return
    from django.test import Client

    from tests.secondfactor import verify_session

    force_login, login = Client.force_login, Client.login

    def verified_force_login(self, user, backend=None):
        force_login(self, user, backend)
        verify_session(self, user)

    def verified_login(self, **credentials):
        from django.contrib.auth import get_user_model

        ok = login(self, **credentials)
        if ok:
            user = get_user_model().objects.get(pk=self.session["_auth_user_id"])
            verify_session(self, user)
        return ok

    monkeypatch.setattr(Client, "force_login", verified_force_login)
    monkeypatch.setattr(Client, "login", verified_login)


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    """Test users get their passwords hashed with MD5 (a PBKDF2 hash costs some
    0.3 s per user on this machine, and a test world has a dozen users); PBKDF2
    stays known, so passwords set by a subprocess (rbl demo, rbl regio) check."""
    settings.PASSWORD_HASHERS = [
        "django.contrib.auth.hashers.MD5PasswordHasher",
        "django.contrib.auth.hashers.PBKDF2PasswordHasher",
    ]


@pytest.fixture(scope="session", autouse=True)
def _session_clock():
    """Session- and module-scoped fixtures see the suite's moment too."""
    with time_machine.travel(NOW, tick=True):
        yield


@pytest.fixture(autouse=True)
def clock() -> Iterator[time_machine.Traveller]:
    """Every test starts at tests.clock.NOW; ask for this fixture by name to move
    the clock (``clock.move_to(...)``, ``clock.shift(...)``)."""
    with time_machine.travel(NOW, tick=True) as traveller:
        yield traveller
