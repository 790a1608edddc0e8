"""The fake BRP service (fake_brp.py), started once for the suite on
127.0.0.1, and RBL pointed at it."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.brp.fake_brp import FakeBrp, Spec
from tests.web.conftest import fast_passwords, private_media, world  # noqa: F401


@pytest.fixture(scope="session")
def brp_spec() -> Spec:
    return Spec()


@pytest.fixture(scope="session")
def _brp_server(brp_spec: Spec) -> Iterator[FakeBrp]:
    server = FakeBrp(brp_spec).start()
    yield server
    server.stop()


@pytest.fixture
def brp(_brp_server: FakeBrp, settings) -> Iterator[FakeBrp]:
    """The fake, emptied, with RBL configured to use it. At the end no request
    or response may have broken the OpenAPI document, unless the test took the
    failures it expected out of `brp.failures`."""
    _brp_server.reset()
    settings.RBL_BRP_URL = _brp_server.url
    settings.RBL_BRP_API_KEY = "test-sleutel"
    settings.RBL_BRP_TIMEOUT = 5.0
    yield _brp_server
    failures = list(_brp_server.failures)
    _brp_server.reset()
    assert not failures, failures
