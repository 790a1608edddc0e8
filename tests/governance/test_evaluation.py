"""The evaluation of the cooperation (R-52): the coordinator keeps the goals
per year with status and explanation; the evidence shows a value computed
from the database when the page is read, and links to the live figures the
reader may open. Read by the coordinator, policy advisers and beheer."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from rbl.cases.models import Task
from rbl.governance.evaluation import DEMO_GOALS, seed_goals
from rbl.governance.models import EvaluationGoal

pytestmark = pytest.mark.django_db

URL = reverse("governance:evaluation")


def _goal(**extra) -> EvaluationGoal:
    fields = {"year": 2026, "title": "Taken binnen de termijn", "evidence": "termijnen"}
    fields.update(extra)
    return EvaluationGoal.objects.create(**fields)


def _form(**extra) -> dict:
    data = {
        "year": "2026",
        "position": "1",
        "title": "Thuiszitters binnen 3 maanden in beeld",
        "status": "aandacht",
        "explanation": "Twee jongeren zitten al langer thuis.",
        "evidence": "thuiszitters",
    }
    data.update(extra)
    return data


def test_the_coordinator_adds_a_goal_and_bad_input_changes_nothing(world, client):
    client.force_login(world.users["coordinator"])
    url = reverse("governance:goal-new")
    response = client.post(url, _form(year="1800"))
    assert response.status_code == 400
    assert "Evaluatiejaar: Vul een jaar in, bijvoorbeeld 2026." in response.content.decode()
    response = client.post(url, _form(evidence="zelf-bedacht"))
    assert response.status_code == 400
    assert "Onderbouwing uit de cijfers: Kies een onderbouwing uit de lijst." in (
        response.content.decode()
    )
    assert not EvaluationGoal.objects.exists()
    response = client.post(url, _form())
    assert response["Location"] == f"{URL}?jaar=2026"
    page = client.get(URL, {"jaar": "2026"}).content.decode()
    assert "Thuiszitters binnen 3 maanden in beeld" in page
    assert "Aandachtspunt" in page
    assert "Twee jongeren zitten al langer thuis." in page
    assert "Vandaag 0 thuiszitters, van wie 0 langer dan de prioriteitstermijn thuis." in page


def test_the_live_value_follows_the_database_not_a_typed_number(world, client):
    _goal()
    client.force_login(world.users["beleid-winterswijk"])
    page = client.get(URL).content.decode()
    # The world has one overdue task in each municipality.
    assert "Vandaag 2 open taken met een verstreken termijn." in page
    Task.objects.filter(case=world.cases["own"]).update(done_on=timezone.localdate())
    page = client.get(URL).content.decode()
    assert "Vandaag 1 open taak met een verstreken termijn." in page


def test_the_art25_goal_shows_whether_the_year_is_closed(world, client):
    from rbl.reporting.models import YearSnapshot

    _goal(title="Art. 25-verslag vóór 1 oktober", evidence="art25")
    client.force_login(world.users["coordinator"])
    page = client.get(URL).content.decode()
    assert "Schooljaar 2025-2026: cijfers nog niet vastgesteld." in page
    YearSnapshot.objects.create(
        school_year="2025-2026",
        version="test",
        figures={},
        closed_at=timezone.make_aware(dt.datetime(2026, 9, 20, 12)),
    )
    page = client.get(URL).content.decode()
    assert "Schooljaar 2025-2026: cijfers vastgesteld op 20-09-2026." in page


def test_links_only_to_figures_the_reader_may_open(world, client):
    _goal()
    overdue, dashboard = reverse("web:overdue"), reverse("reporting:dashboard")
    client.force_login(world.users["coordinator"])
    page = client.get(URL).content.decode()
    assert f'href="{overdue}"' in page and f'href="{dashboard}"' in page
    client.force_login(world.users["beleid-winterswijk"])  # figures, no files
    page = client.get(URL).content.decode()
    assert f'href="{overdue}"' not in page and f'href="{dashboard}"' in page
    assert client.get(dashboard).status_code == 200
    client.force_login(world.users["beheer"])  # neither
    page = client.get(URL).content.decode()
    assert f'href="{overdue}"' not in page and f'href="{dashboard}"' not in page
    assert "open taken met een verstreken termijn" in page


@pytest.mark.parametrize("username", ["lpa-aalten", "boa-regio", "privacy", "administratie"])
def test_other_roles_do_not_read_the_evaluation(world, client, username):
    client.force_login(world.users[username])
    assert client.get(URL).status_code == 403


@pytest.mark.parametrize("username", ["beleid-winterswijk", "beheer"])
def test_readers_do_not_edit(world, client, username):
    goal = _goal()
    client.force_login(world.users[username])
    page = client.get(URL).content.decode()
    assert "Doel toevoegen" not in page
    assert client.get(reverse("governance:goal-new")).status_code == 403
    url = reverse("governance:goal-edit", args=[goal.pk])
    assert client.post(url, _form(base_version="1")).status_code == 403
    goal.refresh_from_db()
    assert goal.title == "Taken binnen de termijn"


def test_a_change_on_an_outdated_goal_is_refused_and_keeps_the_text(world, client):
    goal = _goal()
    url = reverse("governance:goal-edit", args=[goal.pk])
    client.force_login(world.users["coordinator"])
    assert client.post(url, _form(base_version="1", status="bereikt")).status_code == 302
    response = client.post(url, _form(base_version="1", explanation="Mijn eigen toelichting"))
    assert response.status_code == 409
    text = response.content.decode()
    assert "heeft dit doel gewijzigd nadat u het opende" in text
    assert "Mijn eigen toelichting" in text
    goal.refresh_from_db()
    assert (goal.status, goal.version) == ("bereikt", 2)


def test_the_demo_goals_are_seeded_once(world):
    assert seed_goals(2026) == len(DEMO_GOALS)
    assert seed_goals(2026) == 0
    assert EvaluationGoal.objects.filter(year=2026).count() == len(DEMO_GOALS)
    assert {g.status for g in EvaluationGoal.objects.all()} >= {"bereikt", "aandacht"}
