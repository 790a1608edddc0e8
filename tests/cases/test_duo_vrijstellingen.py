"""DUO's exemptions register (R-23): `rbl export duo-vrijstellingen` and its
download. The file read back as DUO reads it, only what changed since the last
export, an idempotent re-run, a withdrawn decision, access and logging."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse
from django.utils import timezone

from rbl.absoluut.queries import covering
from rbl.audit.models import AccessLogEntry, Action
from rbl.cases.models import CaseEvent, EventKind, ExemptionRegisterExport, ExemptionRegisterLine
from rbl.cases.services.errors import CaseRuleError
from rbl.cases.services.exemption_register import (
    COLUMNS,
    export_exemption_register,
    preview,
)
from rbl.cases.services.exemptions import (
    open_exemption_case,
    record_exemption,
    withdraw_exemption,
)
from rbl.cases.services.history import describe_events
from rbl.registry.models import Exemption
from tests.web.world import World, build_world

pytestmark = pytest.mark.django_db

D = dt.date


@pytest.fixture
def world(db) -> World:
    return build_world()


def _exempt(world: World, key: str = "own", **fields):
    args = {
        "ground": "5a",
        "start": D(2025, 9, 1),
        "end": D(2026, 7, 31),
        "decided_on": D(2025, 8, 20),
        "actor": world.users["coordinator"],
        **fields,
    }
    return open_exemption_case(world.persons[key], **args)


def _read(path) -> list[dict[str, str]]:
    with open(path, encoding="utf-8", newline="") as fh:
        reader = csv.DictReader(fh)
        assert tuple(reader.fieldnames) == COLUMNS
        return list(reader)


def _export(tmp_path, name: str, **kwargs) -> list[dict[str, str]]:
    export_exemption_register(tmp_path / name, actor="test", **kwargs)
    return _read(tmp_path / name)


def test_file_holds_every_decision_as_worked_out_by_hand(world, tmp_path):
    own, other = world.persons["own"], world.persons["other"]
    _exempt(world)
    _exempt(world, "other", ground="15", start=D(2025, 10, 1), end=None, decided_on=D(2025, 9, 15))

    rows = _export(tmp_path, "eerste.csv")

    assert rows == [
        {
            "mutatie": "N",
            "bsn": own.bsn,
            "gemeentecode": "0197",
            "grond": "5a",
            "ingangsdatum": "2025-09-01",
            "einddatum": "2026-07-31",
            "besluitdatum": "2025-08-20",
            "intrekkingsdatum": "",
            "besluitdatum_intrekking": "",
        },
        {
            "mutatie": "N",
            "bsn": other.bsn,
            "gemeentecode": "0294",
            "grond": "15",
            "ingangsdatum": "2025-10-01",
            "einddatum": "",
            "besluitdatum": "2025-09-15",
            "intrekkingsdatum": "",
            "besluitdatum_intrekking": "",
        },
    ]
    run = ExemptionRegisterExport.objects.get()
    assert run.count == 2 and run.actor == "test"
    # What was sent is kept, without the BSN.
    sent = ExemptionRegisterLine.objects.filter(export=run)
    assert sorted(sent.values_list("ground", flat=True)) == ["15", "5a"]
    assert not any(own.bsn in str(v) for v in sent.values_list())


def test_only_changes_since_the_last_export_and_a_rerun_is_empty(world, tmp_path):
    case = _exempt(world)
    _exempt(world, "other", ground="5b")
    assert len(_export(tmp_path, "1.csv")) == 2

    # Nothing changed: header only, recorded as a run of 0 lines.
    assert _export(tmp_path, "2.csv") == []
    assert (tmp_path / "2.csv").read_text(encoding="utf-8") == ",".join(COLUMNS) + "\n"
    assert ExemptionRegisterExport.objects.order_by("-pk").first().count == 0

    # The end date of one decision is extended: only that one goes, as a change.
    case.refresh_from_db()
    record_exemption(
        case,
        ground="5a",
        start=D(2025, 9, 1),
        end=D(2027, 7, 31),
        decided_on=D(2026, 2, 1),
        actor=world.users["coordinator"],
        expected_version=case.version,
    )
    rows = _export(tmp_path, "3.csv")
    assert [(r["mutatie"], r["bsn"], r["einddatum"], r["besluitdatum"]) for r in rows] == [
        ("W", world.persons["own"].bsn, "2027-07-31", "2026-02-01")
    ]
    assert _export(tmp_path, "4.csv") == []


def test_withdrawn_decision_appears_as_such_once(world, tmp_path):
    case = _exempt(world)
    _export(tmp_path, "1.csv")
    case.refresh_from_db()
    withdraw_exemption(
        case,
        withdrawn_from=D(2026, 1, 1),
        decided_on=D(2025, 12, 15),
        reason="Het kind gaat weer naar school.",
        actor=world.users["coordinator"],
        expected_version=case.version,
    )
    exemption = Exemption.objects.get()
    # The exemption ends the day before: the absoluut check counts the youth again.
    assert exemption.end == D(2025, 12, 31)
    assert not Exemption.objects.filter(covering(D(2026, 1, 5))).exists()
    assert Exemption.objects.filter(covering(D(2025, 12, 31))).exists()

    rows = _export(tmp_path, "2.csv")
    assert rows == [
        {
            "mutatie": "I",
            "bsn": world.persons["own"].bsn,
            "gemeentecode": "0197",
            "grond": "5a",
            "ingangsdatum": "2025-09-01",
            "einddatum": "2026-07-31",  # the period as decided
            "besluitdatum": "2025-08-20",
            "intrekkingsdatum": "2026-01-01",
            "besluitdatum_intrekking": "2025-12-15",
        }
    ]
    assert _export(tmp_path, "3.csv") == []
    event = CaseEvent.objects.filter(case=case, kind=EventKind.EXEMPTION).order_by("-pk").first()
    assert event.data["ingetrokken_per"] == "2026-01-01"
    texts = describe_events([event])
    assert any("Vrijstelling ingetrokken" in t and "01-01-2026" in t for t in texts)


def test_withdrawal_refuses_bad_input_and_changes_nothing(world):
    case = _exempt(world)
    case.refresh_from_db()
    args = {
        "decided_on": D(2025, 12, 15),
        "reason": "Reden",
        "actor": world.users["coordinator"],
        "expected_version": case.version,
    }
    with pytest.raises(CaseRuleError, match="vóór de ingangsdatum"):
        withdraw_exemption(case, withdrawn_from=D(2025, 8, 1), **args)
    with pytest.raises(CaseRuleError, match="al afgelopen"):
        withdraw_exemption(case, withdrawn_from=D(2026, 8, 1), **args)
    with pytest.raises(CaseRuleError, match="reden"):
        withdraw_exemption(case, withdrawn_from=D(2026, 1, 1), **{**args, "reason": " "})
    with pytest.raises(CaseRuleError, match="toekomst"):
        withdraw_exemption(
            case, withdrawn_from=D(2026, 1, 1), **{**args, "decided_on": D(2027, 1, 1)}
        )
    assert Exemption.objects.get().end == D(2026, 7, 31)
    assert preview()["I"] == 0


def test_never_sent_withdrawn_decision_goes_once_as_withdrawn(world, tmp_path):
    case = _exempt(world)
    case.refresh_from_db()
    withdraw_exemption(
        case,
        withdrawn_from=D(2025, 9, 1),  # from its first day: it never applied
        decided_on=D(2025, 8, 25),
        reason="Besluit herzien",
        actor=None,
        expected_version=case.version,
    )
    assert not Exemption.objects.filter(covering(D(2025, 9, 1))).exists()
    assert [r["mutatie"] for r in _export(tmp_path, "1.csv")] == ["I"]
    assert _export(tmp_path, "2.csv") == []


def test_since_sends_recent_decisions_again(world, tmp_path):
    _exempt(world)
    _exempt(world, "other", start=D(2026, 2, 1), decided_on=D(2026, 1, 20))
    _export(tmp_path, "1.csv")
    rows = _export(tmp_path, "2.csv", since=D(2026, 1, 1))
    assert [(r["mutatie"], r["besluitdatum"]) for r in rows] == [("W", "2026-01-20")]
    assert ExemptionRegisterExport.objects.order_by("-pk").first().since == D(2026, 1, 1)


def test_command_dry_run_writes_and_records_nothing(world, tmp_path, capsys):
    _exempt(world)
    path = tmp_path / "uit.csv"
    call_command("export", "duo-vrijstellingen", str(path), "--proef", "--json")
    assert json.loads(capsys.readouterr().out) == {
        "proef": True,
        "N": 1,
        "W": 0,
        "I": 0,
        "totaal": 1,
    }
    assert not path.exists() and not ExemptionRegisterExport.objects.exists()

    call_command("export", "duo-vrijstellingen", str(path))
    assert "1 vrijstellingen geschreven" in capsys.readouterr().out
    assert len(_read(path)) == 1
    call_command("export", "duo-vrijstellingen", str(path))
    out = capsys.readouterr().out
    assert "Geen wijzigingen sinds de vorige export" in out and "alleen de kopregel" in out
    assert _read(path) == []


def test_command_refuses_a_bad_date_in_dutch(world, tmp_path):
    path = tmp_path / "x.csv"
    with pytest.raises(CommandError, match="ongeldige datum"):
        call_command("export", "duo-vrijstellingen", str(path), "--sinds", "2026-13-01")
    assert not path.exists() and not ExemptionRegisterExport.objects.exists()


def test_download_for_coordinator_logs_every_youth_without_bsn(client, world):
    _exempt(world)
    _exempt(world, "other", ground="5b")
    client.force_login(world.users["coordinator"])
    url = reverse("cases:duo-register")

    page = client.get(url)
    assert page.status_code == 200
    text = page.content.decode()
    assert "2 regels" in text and world.persons["own"].bsn not in text

    response = client.post(url)
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith(
        'attachment; filename="vrijstellingen_register'
    )
    rows = list(csv.DictReader(io.StringIO(response.content.decode())))
    assert {r["bsn"] for r in rows} == {world.persons["own"].bsn, world.persons["other"].bsn}
    entries = AccessLogEntry.objects.filter(action=Action.EXPORT, user=world.users["coordinator"])
    assert set(entries.values_list("person_id", flat=True)) == {
        world.persons["own"].pk,
        world.persons["other"].pk,
    }
    for entry in entries:
        assert world.persons["own"].bsn not in entry.path + entry.purpose
    run = ExemptionRegisterExport.objects.get()
    assert run.user == world.users["coordinator"] and run.count == 2

    again = client.get(url).content.decode()
    assert "alleen de kopregel" in again and run.file_name in again


def test_download_holds_only_the_users_municipalities(client, world):
    _exempt(world)
    _exempt(world, "other", ground="5b")
    client.force_login(world.matrix_user("coordinator"))  # Aalten only
    response = client.post(reverse("cases:duo-register"))
    rows = list(csv.DictReader(io.StringIO(response.content.decode())))
    assert [r["gemeentecode"] for r in rows] == ["0197"]
    # Winterswijk's decision still goes with the next full export.
    assert preview()["N"] == 1


@pytest.mark.parametrize("name", ["lpa-aalten", "beleid-winterswijk", "privacy", "beheer"])
def test_others_may_not_export(client, world, name):
    _exempt(world)
    client.force_login(world.users[name])
    assert client.get(reverse("cases:duo-register")).status_code == 403
    assert client.post(reverse("cases:duo-register")).status_code == 403
    assert not ExemptionRegisterExport.objects.exists()


def test_preview_counts_each_mutation(world, tmp_path):
    assert preview() == {"N": 0, "W": 0, "I": 0, "totaal": 0}
    _exempt(world)
    assert preview() == {"N": 1, "W": 0, "I": 0, "totaal": 1}
    assert preview(["0294"]) == {"N": 0, "W": 0, "I": 0, "totaal": 0}
    assert timezone.localdate() == D(2026, 3, 11)


def test_menu_leads_there_for_who_may_export(client, world):
    url = reverse("cases:duo-register")
    client.force_login(world.users["coordinator"])
    assert f'href="{url}"' in client.get(reverse("reporting:dashboard")).content.decode()
    client.force_login(world.users["lpa-aalten"])
    assert f'href="{url}"' not in client.get(reverse("web:my-work")).content.decode()
