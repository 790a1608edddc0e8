from __future__ import annotations

import pytest


@pytest.fixture(autouse=True)
def private_media(settings, tmp_path):
    """Documents and letters are written under a temporary media root."""
    settings.MEDIA_ROOT = str(tmp_path / "media")
    settings.RBL_LETTER_PROCESSES = 1  # tests render in-process; bench/ measures the pool
