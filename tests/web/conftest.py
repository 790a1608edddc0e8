from __future__ import annotations

import pytest

from tests.web.world import World, build_world


@pytest.fixture(autouse=True)
def fast_passwords(settings):
    """The world gives every user a password; hashing it the slow, safe way
    would dominate the run time of these tests."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def private_media(settings, tmp_path):
    """Documents and letters are written under a temporary media root."""
    settings.MEDIA_ROOT = str(tmp_path / "media")


@pytest.fixture
def world(db) -> World:
    return build_world()
