"""rbl import inschrijvingen / diplomas / vrijstellingen / scholen."""

from __future__ import annotations

import datetime as dt

from rbl.accounts.models import User
from rbl.organisation.models import School
from rbl.registry.models import Diploma, Enrolment, Exemption

INS = (
    "bsn;brin;vestiging;sector;inschrijvingsdatum;uitschrijvingsdatum;reden_uitschrijving;mutatie\n"
)


def test_enrolments_upsert_update_delete_and_placeholder_school(region, write, rbl_import):
    School.objects.create(brin="12AB", vestiging="00", name="De Vlinder", sector="PO")
    first = INS + "999993653;12AB;00;PO;2016-08-01;;;\n999990639;99ZZ;01;VO;2020-08-01;;;\n"
    code, result = rbl_import("inschrijvingen", write(first))
    assert code == 0 and result["created"] == 2
    unknown = School.objects.get(brin="99ZZ", vestiging="01")
    assert unknown.placeholder
    code, result = rbl_import("inschrijvingen", write(first))
    assert (result["unchanged"], result["created"], result["updated"]) == (2, 0, 0)
    second = INS + (
        "999993653;12AB;00;PO;2016-08-01;2024-07-31;verhuisd;\n"
        "999990639;99ZZ;01;VO;2020-08-01;;;V\n"
        "999991723;12AB;;PO;2024-08-01;;;\n"
    )
    code, result = rbl_import("inschrijvingen", write(second))
    assert (result["updated"], result["deleted"], result["created"]) == (1, 1, 1)
    piet = Enrolment.objects.get(bsn="999993653")
    assert piet.end == dt.date(2024, 7, 31) and piet.end_reason == "verhuisd"
    assert not Enrolment.objects.filter(bsn="999990639").exists()
    assert Enrolment.objects.get(bsn="999991723").vestiging == "00"


def test_enrolment_end_before_start_and_bad_sector(region, write, rbl_import):
    code, result = rbl_import(
        "inschrijvingen",
        write(
            INS
            + "999993653;12AB;00;XX;2016-08-01;;;\n999990639;12AB;00;VO;2020-08-01;2020-07-01;;\n"
        ),
    )
    assert code == 1
    assert [(e["line"], e["column"]) for e in result["errors"]] == [
        (2, "sector"),
        (3, "uitschrijvingsdatum"),
    ]
    assert Enrolment.objects.count() == 0


def test_diplomas_and_exemptions(region, write, rbl_import):
    dip = "bsn,diplomadatum,startkwalificatie,opleiding,niveau\n999993653,2025-07-01,J,havo,havo\n"
    code, result = rbl_import("diplomas", write(dip))
    assert code == 0 and Diploma.objects.get().startkwalificatie is True
    assert rbl_import("diplomas", write(dip))[1]["unchanged"] == 1
    vr = "bsn,gemeentecode,grond,ingangsdatum,einddatum,besluitdatum\n"
    code, result = rbl_import(
        "vrijstellingen", write(vr + "999993653,0197,5a,2025-01-01,,2024-12-15\n")
    )
    assert code == 0 and Exemption.objects.get().end is None
    code, result = rbl_import(
        "vrijstellingen", write(vr + "999993653,0202,7x,2025-01-01,,2024-12-15\n")
    )
    assert code == 1 and {e["column"] for e in result["errors"]} == {"grond"}
    code, result = rbl_import(
        "vrijstellingen", write(vr + "999993653,0202,5b,2025-01-01,,2024-12-15\n")
    )
    assert code == 1 and result["errors"][0]["column"] == "gemeentecode"


def test_schools_with_contact_and_unknown_user(region, write, rbl_import):
    User.objects.create(username="lpa-aalten")
    text = "brin;vestiging;naam;sector;gemeentecode;swv;contactpersoon\n"
    good = text + "12AB;00;De Vlinder;PO;0197;SWV2501;lpa-aalten\n34CD;;Het Lyceum;VO;0202;;\n"
    code, result = rbl_import("scholen", write(good))
    assert code == 0 and result["created"] == 2
    school = School.objects.get(brin="12AB")
    assert school.contact.username == "lpa-aalten" and school.swv.code == "SWV2501"
    assert rbl_import("scholen", write(good))[1]["unchanged"] == 2
    code, result = rbl_import("scholen", write(text + "12AB;00;De Vlinder;PO;0197;;onbekend\n"))
    assert code == 1 and result["errors"][0]["column"] == "contactpersoon"


def test_first_enrolment_load_into_empty_table_keeps_its_key(region, write, monkeypatch):
    import pytest
    from django.db import IntegrityError, connection, transaction

    from rbl.registry.imports import run_import
    from rbl.registry.imports.kinds import duo

    monkeypatch.setattr(duo, "BULK_FIRST_LOAD", 1)
    with connection.cursor() as cursor:
        before = set(connection.introspection.get_constraints(cursor, "registry_enrolment"))
    text = INS + "999993653;12AB;00;PO;2016-08-01;;;\n999990639;12AB;00;VO;2020-08-01;;;V\n"
    first = run_import("inschrijvingen", write(text))
    assert (first.created, first.unchanged, first.deleted) == (1, 1, 0)
    with connection.cursor() as cursor:
        assert set(connection.introspection.get_constraints(cursor, "registry_enrolment")) == before
    assert run_import("inschrijvingen", write(text)).unchanged == 2
    enrolment = Enrolment.objects.get()
    with pytest.raises(IntegrityError), transaction.atomic():
        Enrolment.objects.create(
            bsn=enrolment.bsn,
            brin=enrolment.brin,
            vestiging=enrolment.vestiging,
            start=enrolment.start,
            sector="PO",
            school=enrolment.school,
        )
