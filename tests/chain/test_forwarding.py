"""Forwarding a case to a municipality outside the region (issue 20 item 4,
R-26): the transfer letter to "Leerplicht, gemeente X" with the case summary
and the chosen documents, the record of what was sent, the case closed as
moved out of the region with the forwarding in its history, and the export in
the access log; bad input changes nothing."""

from __future__ import annotations

import pytest
from django.utils import timezone

from rbl.audit.models import AccessLogEntry, Action
from rbl.cases.models import ClosingReason
from rbl.cases.services.errors import CaseRuleError, ConcurrentEditError
from rbl.cases.services.history import describe_events
from rbl.chain.forwarding import forward_case
from rbl.chain.models import Forwarding
from rbl.letters.models import Document, LetterKind
from tests.chain.helpers import pdf_text
from tests.letters.factories import DocumentFactory

pytestmark = pytest.mark.django_db


def forward(world, **kwargs):
    case = world.cases["own"]
    case.refresh_from_db()
    defaults = {
        "municipality_code": "0153",
        "municipality_name": "Enschede",
        "actor": world.users["lpa-aalten"],
        "expected_version": case.version,
    }
    return forward_case(case, **{**defaults, **kwargs})


def test_forwarded_with_letter_record_closing_and_log(world):
    case = world.cases["own"]
    invitation = DocumentFactory(
        case=case,
        person=case.person,
        municipality=world.aalten,
        reference="LP-TEST-1",
        title="Uitnodiging voor een gesprek",
    )
    DocumentFactory(case=case, person=case.person, municipality=world.aalten, title="Niet mee")
    item = forward(world, document_ids=[invitation.pk])

    assert item.recipient == "Leerplicht, gemeente Enschede"
    assert item.municipality_code == "0153" and item.sent_by == world.users["lpa-aalten"]
    assert item.sent_on == timezone.localdate()
    assert item.documents == [
        {"id": invitation.pk, "kenmerk": "LP-TEST-1", "titel": "Uitnodiging voor een gesprek"}
    ]
    letter = item.letter
    assert letter.letter_kind == LetterKind.OVERDRACHT and letter.case_id == case.pk
    text = pdf_text(letter)
    assert "Leerplicht, gemeente Enschede" in text
    assert "Enschede (0153)" in text
    assert world.persons["own"].full_name in text
    assert "Verzuimstaat opvragen" in text  # the open task in the summary
    assert "Uitnodiging voor een gesprek (kenmerk LP-TEST-1)" in text
    assert "Niet mee" not in text

    case.refresh_from_db()
    assert case.is_closed and case.closing_reason == ClosingReason.VERHUISD
    history = describe_events(case.events.order_by("at", "pk"))
    assert any("Leerplicht, gemeente Enschede" in line for line in history)
    assert AccessLogEntry.objects.filter(
        action=Action.EXPORT, case_id=case.pk, purpose__contains="gemeente Enschede"
    ).exists()
    assert "0153" not in (world.persons["own"].bsn or "")


@pytest.mark.parametrize(
    ("code", "name", "message"),
    [
        ("153", "Enschede", "CBS-code nieuwe gemeente: vul vier cijfers in"),
        ("01a3", "Enschede", "CBS-code nieuwe gemeente: vul vier cijfers in"),
        ("0153", "  ", "Naam nieuwe gemeente: vul de naam"),
        ("0294", "Winterswijk", "ligt in de regio"),
    ],
)
def test_bad_municipality_changes_nothing(world, code, name, message):
    documents = Document.objects.count()
    with pytest.raises(CaseRuleError, match=message):
        forward(world, municipality_code=code, municipality_name=name)
    case = world.cases["own"]
    case.refresh_from_db()
    assert not case.is_closed
    assert not Forwarding.objects.exists() and Document.objects.count() == documents


def test_document_of_another_case_is_refused(world):
    foreign = DocumentFactory(
        case=world.cases["other"], person=world.persons["other"], municipality=world.winterswijk
    )
    with pytest.raises(CaseRuleError, match="Mee te sturen stukken"):
        forward(world, document_ids=[foreign.pk])
    assert not Forwarding.objects.exists()
    world.cases["own"].refresh_from_db()
    assert not world.cases["own"].is_closed


def test_stale_version_and_closed_case(world):
    case = world.cases["own"]
    with pytest.raises(ConcurrentEditError):
        forward(world, expected_version=case.version - 1)
    forward(world)
    with pytest.raises(CaseRuleError, match="afgesloten zaak"):
        forward(world)
    assert Forwarding.objects.count() == 1
