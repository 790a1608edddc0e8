from __future__ import annotations

import pytest

from tests.web.world import World, build_world


@pytest.fixture(autouse=True)
def private_media(settings, tmp_path):
    """Letters are written under a temporary media root."""
    settings.MEDIA_ROOT = str(tmp_path / "media")
    settings.RBL_LETTER_PROCESSES = 1
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def world(db) -> World:
    return build_world()
