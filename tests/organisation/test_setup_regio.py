"""`rbl regio` again after edits on the set-up screens: the file never silently
undoes them. The differences are reported ("in het bestand: X, in RBL: Y")
and nothing is applied unless `--toepassen`; changes made in the file alone
are applied as before."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from rbl.accounts.models import RoleAssignment
from rbl.organisation.models import Municipality, Participation, Region, RegionFileState

from .test_regio_command import VALID, regio, snapshot  # noqa: F401 - fixture

pytestmark = pytest.mark.django_db


def as_coord(client):
    """The coordinator of the region file ('coord') on the set-up screens."""
    client.force_login(get_user_model().objects.get(username="coord"))
    return client


def edit_term_on_screen(client, days: int) -> None:
    form = client.get(reverse("organisation:terms")).context["form"]
    data = {k: ("" if v is None else v) for k, v in form.initial.items()}
    data["control_term_days"] = str(days)
    assert client.post(reverse("organisation:terms"), data).status_code == 302


def test_file_run_again_reports_a_screen_edit_and_applies_nothing(regio, client):  # noqa: F811
    regio(VALID)
    screen = as_coord(client)
    edit_term_on_screen(screen, 21)
    # the file also renames Aalten: held back with the rest
    code, out, err = regio(VALID.replace("naam: Aalten", "naam: Gemeente Aalten"))
    assert code == 1
    assert "NIETS VASTGELEGD" in err
    assert "regio: termijn controlebrief (dagen): in het bestand: 10, in RBL: 21" in err
    assert "--toepassen" in err
    assert Region.objects.get().control_term_days == 21
    assert Municipality.objects.get(code="0197").name == "Aalten"


def test_json_lists_the_differences(regio, client):  # noqa: F811
    regio(VALID)
    screen = as_coord(client)
    edit_term_on_screen(screen, 21)
    code, out, _ = regio(VALID, "--json")
    assert code == 1
    report = json.loads(out)
    assert report["verschillen"] == [
        {"onderdeel": "regio: termijn controlebrief (dagen)", "bestand": "10", "rbl": "21"}
    ]
    assert report["errors"] == [
        "regio: termijn controlebrief (dagen): in het bestand: 10, in RBL: 21"
    ]


def test_toepassen_lets_the_file_win(regio, client):  # noqa: F811
    regio(VALID)
    screen = as_coord(client)
    edit_term_on_screen(screen, 21)
    code, out, err = regio(VALID, "--toepassen", "--json")
    assert code == 0, err
    assert json.loads(out)["region_updated"] is True
    assert Region.objects.get().control_term_days == 10
    # and the next plain run is quiet again
    assert regio(VALID)[0] == 0


def test_file_brought_in_line_applies_its_other_changes(regio, client):  # noqa: F811
    regio(VALID)
    screen = as_coord(client)
    edit_term_on_screen(screen, 21)
    in_line = VALID.replace("termijn_controlebrief_dagen: 10", "termijn_controlebrief_dagen: 21")
    code, _, err = regio(in_line.replace("naam: Aalten", "naam: Gemeente Aalten"))
    assert code == 0, err
    assert Municipality.objects.get(code="0197").name == "Gemeente Aalten"
    assert Region.objects.get().control_term_days == 21


def test_changes_in_the_file_alone_are_applied_as_before(regio):  # noqa: F811
    regio(VALID)
    edited = VALID.replace("termijn_controlebrief_dagen: 10", "termijn_controlebrief_dagen: 12")
    edited = edited.replace('lpa: ["0197", "0294"]', 'lpa: ["0197"]')
    code, _, err = regio(edited)
    assert code == 0, err
    assert Region.objects.get().control_term_days == 12
    lpa1 = get_user_model().objects.get(username="lpa1")
    assert lpa1.municipality_codes() == {"0197"}


def test_role_granted_on_screen_is_not_revoked_by_the_file(regio, client):  # noqa: F811
    regio(VALID)
    screen = as_coord(client)
    lpa1 = get_user_model().objects.get(username="lpa1")
    response = screen.post(
        reverse("organisation:staff-user", args=[lpa1.pk]),
        {"actie": "toekennen", "role": "kpa", "municipality": "0222"},
    )
    assert response.status_code == 302
    code, _, err = regio(VALID)
    assert code == 1
    assert (
        "medewerker lpa1: rol Kwalificatieplichtambtenaar voor 0222: "
        "in het bestand: (geen), in RBL: ja" in err
    )
    assert RoleAssignment.objects.filter(user=lpa1, role="kpa", municipality_id="0222").exists()


def test_account_deactivated_and_participation_ended_on_screen_are_reported(regio, client):  # noqa: F811
    regio(VALID)
    screen = as_coord(client)
    lpa1 = get_user_model().objects.get(username="lpa1")
    screen.post(reverse("organisation:staff-user", args=[lpa1.pk]), {"actie": "deactiveren"})
    block = Participation.objects.get(municipality_id="0222", block=2)
    screen.post(reverse("organisation:block-end", args=[block.pk]), {"end": "2026-07-31"})
    screen.post(
        reverse("organisation:blocks"),
        {"municipality": "0294", "block": "1", "start": "2026-08-01", "end": ""},
    )
    before = snapshot()
    code, _, err = regio(VALID)
    assert code == 1
    assert "medewerker lpa1: account in gebruik: in het bestand: ja, in RBL: nee" in err
    assert (
        "gemeente 0222: bouwsteen 2 vanaf 2022-01-01: in het bestand: zonder einddatum, "
        "in RBL: tot en met 2026-07-31" in err
    )
    assert (
        "gemeente 0294: bouwsteen 1 vanaf 2026-08-01: in het bestand: (geen), "
        "in RBL: zonder einddatum" in err
    )
    assert snapshot() == before
    assert Participation.objects.get(pk=block.pk).end == dt.date(2026, 7, 31)


def test_region_set_up_before_any_file_state_reports_every_difference(regio):  # noqa: F811
    regio(VALID)
    RegionFileState.objects.all().delete()  # as a region set up before this existed
    code, _, _ = regio(VALID)
    assert code == 0  # the database agrees with the file: nothing to report
    Region.objects.update(office_phone="0314 11 22 33")
    RegionFileState.objects.all().delete()
    code, _, err = regio(VALID)
    assert code == 1
    assert "regio: telefoon bureau: in het bestand: (leeg), in RBL: 0314 11 22 33" in err


def test_fresh_region_is_applied_and_remembered(regio):  # noqa: F811
    code, _, err = regio(VALID)
    assert code == 0, err
    state = RegionFileState.objects.get()
    assert state.values["regio: termijn controlebrief (dagen)"] == "10"
    assert state.values["medewerker lpa1: rol Leerplichtambtenaar voor 0294"] == "ja"


@settings(
    max_examples=15,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    first=st.integers(1, 90),
    second=st.integers(1, 90),
    phone=st.sampled_from(["", "0314 00 00 00", "+31 6 1234 5678"]),
)
def test_files_alone_never_report_differences(regio, first, second, phone):  # noqa: F811
    """Without edits on screen, any sequence of files is applied as written."""
    text = VALID.replace("termijn_controlebrief_dagen: 10", f"termijn_controlebrief_dagen: {first}")
    assert regio(text)[0] == 0
    text = VALID.replace(
        "termijn_controlebrief_dagen: 10", f"termijn_controlebrief_dagen: {second}"
    )
    if phone:
        text = text.replace("gemeenten:\n", f'bureau: {{telefoon: "{phone}"}}\ngemeenten:\n', 1)
    code, _, err = regio(text)
    assert code == 0, err
    region = Region.objects.get()
    assert (region.control_term_days, region.office_phone) == (second, phone)


def test_help_explains_the_rule_and_toepassen(capsys):
    from django.core.management import call_command

    with pytest.raises(SystemExit):
        call_command("regio", "--help")
    text = " ".join(capsys.readouterr().out.split())
    assert "--toepassen" in text
    assert "in het bestand: X, in RBL: Y" in text
