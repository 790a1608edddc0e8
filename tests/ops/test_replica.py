"""Reports from a read replica (rbl.core.replica). The `replica` alias here is a
second connection to the test database itself, so what a screen reads through
it is visible in that connection's queries."""

from __future__ import annotations

import subprocess
import sys
from dataclasses import replace

import pytest
from django.db import connections
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from rbl.core.replica import REPLICA, ReplicaRouter, reporting_reads
from rbl.reporting.models import YearSnapshot
from tests.ops.production import ROOT, clean_environment
from tests.reporting.yearly import small_year
from tests.web.world import PASSWORD, build_world

pytestmark = pytest.mark.django_db(transaction=True, databases=["default", REPLICA])

ART25 = "/cijfers/art25/?schooljaar=2024-2025"


@pytest.fixture(autouse=True)
def fast_passwords(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(scope="module", autouse=True)
def replica_alias(django_db_setup):
    """The `replica` alias as settings make it from DATABASE_REPLICA_URL, here a
    second connection to the test database."""
    alias = {**connections["default"].settings_dict, "TEST": {"MIRROR": "default"}}
    connections.settings[REPLICA] = alias
    yield
    connections[REPLICA].close()
    del connections[REPLICA]
    del connections.settings[REPLICA]


@pytest.fixture
def replica():
    return connections[REPLICA]


@pytest.fixture
def world(clock):
    world = build_world()
    small_year(world, clock)
    return world


def _tables(queries: CaptureQueriesContext) -> str:
    return "\n".join(q["sql"] for q in queries.captured_queries)


def _login(client) -> None:
    assert client.login(username="coordinator", password=PASSWORD)


def test_figure_screens_read_their_facts_from_the_replica(client, world, replica):
    _login(client)
    for url in ("/cijfers/", ART25, "/cijfers/jaarverslag/2024-2025/regio/"):
        with (
            CaptureQueriesContext(connections["default"]) as primary,
            CaptureQueriesContext(replica) as secondary,
        ):
            response = client.get(url)
        assert response.status_code == 200, url
        assert '"cases_case"' in _tables(secondary), url
        # The coordinator's own open objections and complaints (a work list on the
        # home screen, which must be current) are read on the primary; no figure is.
        figures_on_primary = "\n".join(
            q["sql"] for q in primary.captured_queries if '"objections_' not in q["sql"]
        )
        assert '"cases_case"' not in figures_on_primary, url
        # Who may see what is decided on the primary, and the access log written there.
        assert '"accounts_' not in _tables(secondary), url
    # The same screen without a replica: the same page, from the primary alone.
    with_replica = client.get(ART25).context["figures"]
    alias = connections.settings.pop(REPLICA)
    with CaptureQueriesContext(connections["default"]) as primary:
        without = client.get(ART25)
    connections.settings[REPLICA] = alias
    assert '"cases_case"' in _tables(primary)
    made = {"made_at": None}  # the moment the figures were counted
    assert replace(without.context["figures"], **made) == replace(with_replica, **made)


def test_closing_a_year_and_its_snapshot_stay_on_the_primary(client, world, replica):
    _login(client)
    with CaptureQueriesContext(replica) as secondary:
        response = client.post(
            "/cijfers/art25/vaststellen/", {"schooljaar": "2024-2025"}, follow=True
        )
    assert "Schooljaar 2024-2025 is vastgesteld" in response.content.decode()
    assert response.context["figures"].closed  # the next page sees the snapshot at once
    assert YearSnapshot.objects.filter(school_year="2024-2025").exists()
    sql = _tables(secondary)
    assert "reporting_yearsnapshot" not in sql
    assert "INSERT" not in sql and "UPDATE" not in sql


def test_outside_the_figure_screens_everything_uses_the_primary(client, world, replica):
    _login(client)
    with CaptureQueriesContext(replica) as secondary:
        assert client.get(reverse("web:person", args=[world.persons["own"].pk])).status_code == 200
        assert client.get(reverse("web:case", args=[world.cases["own"].pk])).status_code == 200
    assert secondary.captured_queries == []
    router = ReplicaRouter()
    from rbl.cases.models import Case

    with reporting_reads():
        assert router.db_for_read(Case) == REPLICA
        assert router.db_for_write(Case) == "default"
    assert router.db_for_read(Case) is None
    assert not router.allow_migrate(REPLICA, "cases")


def test_settings_add_the_replica_only_when_configured():
    show = [
        sys.executable,
        "-c",
        "import django; django.setup(); from django.conf import settings; "
        "print(sorted(settings.DATABASES)); r = settings.DATABASES.get('replica') or {}; "
        "print(r.get('HOST'), r.get('NAME'), (r.get('TEST') or {}).get('MIRROR'))",
    ]
    base = {**clean_environment(), "DJANGO_SETTINGS_MODULE": "rbl.settings"}
    primary = "postgres://rbl@127.0.0.1:5432/rbl"
    replica_url = "postgres://rbl_lezen@10.0.0.12:5432/rbl"
    configured = subprocess.run(
        show,
        env={**base, "DATABASE_URL": primary, "DATABASE_REPLICA_URL": replica_url},
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.splitlines()
    assert configured == ["['default', 'replica']", "10.0.0.12 rbl default"]
    plain = subprocess.run(
        show, env={**base, "DATABASE_URL": primary}, cwd=ROOT, capture_output=True, text=True
    ).stdout.splitlines()
    assert plain == ["['default']", "None None None"]
