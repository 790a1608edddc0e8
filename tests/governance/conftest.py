from __future__ import annotations

import pytest

from tests.web.world import World, build_world

BASE = "https://rbl.example.nl"


@pytest.fixture(autouse=True)
def fast_settings(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    settings.RBL_BASE_URL = BASE


@pytest.fixture
def world(db) -> World:
    w = build_world()
    # The access-matrix users hold roles too; this region is the demo's.
    for name in [n for n in w.users if n.startswith("m-")]:
        w.users.pop(name).delete()
    for user in w.users.values():
        user.email = f"{user.username}@rbl.example.nl"
        user.save()
    return w
