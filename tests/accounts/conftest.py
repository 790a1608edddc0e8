from __future__ import annotations

import pytest

from tests.accounts.oidc_fixture import oidc_provider  # noqa: F401  (a real OIDC provider)
from tests.web.test_browser import page  # noqa: F401  (the browser tests' Chromium tab)
from tests.web.world import World, build_world


@pytest.fixture(autouse=True)
def fast_passwords(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def world(db) -> World:
    """The test region; its security log starts empty (setting it up granted
    roles and set passwords, which the log records)."""
    from rbl.accounts.models import SecurityEvent

    built = build_world()
    SecurityEvent.objects.all().delete()
    return built
