"""Fixtures for the tests of the production set-up."""

from __future__ import annotations

import pytest

from tests.worker import _database_environment


@pytest.fixture
def process_database(transactional_db) -> dict[str, str]:
    """DATABASE_URL (PostgreSQL) or RBL_DB (SQLite, a file for the tests that
    use this fixture: tests/worker.py) by which another process opens this
    test's database."""
    return _database_environment()
