"""The national reference figures (R-32): loaded as data with source and school
year, by file upload or `rbl referentie`; a bad file changes nothing and names
line and column; the same file twice changes nothing; sample data is marked."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command

from rbl.reporting.models import ReferenceFigure
from rbl.reporting.reference import (
    ReferenceRejected,
    load_reference,
    load_sample_reference,
    national_reference,
)
from tests.web.world import PASSWORD, World, build_world

pytestmark = pytest.mark.django_db

SOURCE = "Ingrado/OCW Landelijk beeld leerplicht 2024-2025"
GOOD = (
    "sleutel;schooljaar;waarde;bron\n"
    f"vsv_pct;2024-2025;1,95;{SOURCE}\n"
    f"verzuim_per_1000;2024-2025;32.4;{SOURCE}\n"
    f"verzuimmeldingen.LUXE;2024-2025;12000;{SOURCE}\n"
    "vsv_pct;2025-2026;2,02;Ingrado/OCW Landelijk beeld leerplicht 2025-2026\n"
).encode()


@pytest.fixture(autouse=True)
def fast_passwords(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def world(db) -> World:
    return build_world()


def login(client, user) -> None:
    assert client.login(username=user.username, password=PASSWORD)


def snapshot() -> list[tuple]:
    return list(
        ReferenceFigure.objects.order_by("school_year", "key").values_list(
            "key", "school_year", "value", "source", "is_sample", "loaded_at"
        )
    )


def upload(client, data: bytes, **extra):
    return client.post(
        "/cijfers/referentie/",
        {"bestand": SimpleUploadedFile("referentie.csv", data, "text/csv"), **extra},
    )


def test_a_good_file_is_loaded_with_source_and_school_year():
    result = load_reference(GOOD)
    assert (result.created, result.updated, result.unchanged, result.deleted) == (4, 0, 0, 0)
    assert result.school_years == ["2024-2025", "2025-2026"]
    year = national_reference("2024-2025")
    assert set(year) == {"vsv_pct", "verzuim_per_1000", "verzuimmeldingen.LUXE"}
    assert year["vsv_pct"].value == Decimal("1.95")
    assert year["verzuim_per_1000"].value == Decimal("32.4")
    assert year["verzuimmeldingen.LUXE"].value == 12000
    assert year["vsv_pct"].source == SOURCE
    assert not year["vsv_pct"].is_sample
    assert national_reference("2025-2026")["vsv_pct"].value == Decimal("2.02")
    assert national_reference("2023-2024") == {}


def test_the_same_file_twice_changes_nothing(clock):
    load_reference(GOOD)
    before = snapshot()
    clock.shift(dt.timedelta(hours=1))
    again = load_reference(GOOD)
    assert (again.created, again.updated, again.unchanged, again.deleted) == (0, 0, 4, 0)
    assert snapshot() == before


def test_a_file_replaces_the_figures_of_its_school_years_only():
    load_reference(GOOD)
    newer = (
        b"sleutel;schooljaar;waarde;bron\n"
        b"vsv_pct;2024-2025;1,90;Herziene publicatie 2024-2025\n"
        b"absoluut_per_1000;2024-2025;2,1;Herziene publicatie 2024-2025\n"
    )
    result = load_reference(newer)
    assert (result.created, result.updated, result.unchanged, result.deleted) == (1, 1, 0, 2)
    year = national_reference("2024-2025")
    assert set(year) == {"vsv_pct", "absoluut_per_1000"}
    assert year["vsv_pct"].value == Decimal("1.90")
    assert year["vsv_pct"].source == "Herziene publicatie 2024-2025"
    # The other school year is not in the file and stays as it was.
    assert national_reference("2025-2026")["vsv_pct"].value == Decimal("2.02")


@pytest.mark.parametrize(
    "data",
    [
        # Commas, decimal point.
        b"sleutel,schooljaar,waarde,bron\nvsv_pct,2024-2025,1.95,Bron A\n",
        # Commas, a quoted decimal comma, columns in another order, a byte-order mark.
        b'\xef\xbb\xbfbron,waarde,schooljaar,sleutel\nBron A,"1,95",2024-2025,vsv_pct\n',
        # Excel on Windows: semicolons, Windows-1252, CRLF, a blank line.
        "Sleutel;Schooljaar;Waarde;Bron\r\n\r\nvsv_pct;2024-2025;1,95;Bron A\r\n".encode("cp1252"),
    ],
)
def test_separators_decimal_marks_and_encodings(data):
    load_reference(data)
    figure = national_reference("2024-2025")["vsv_pct"]
    assert figure.value == Decimal("1.95")
    assert figure.source == "Bron A"


def test_windows_1252_keeps_the_accents():
    data = "sleutel;schooljaar;waarde;bron\nvsv_pct;2024-2025;1,95;Officiële bron\n"
    load_reference(data.encode("cp1252"))
    assert national_reference("2024-2025")["vsv_pct"].source == "Officiële bron"


def test_a_bad_file_changes_nothing_and_names_line_and_column():
    load_reference(GOOD)
    before = snapshot()
    bad = (
        b"sleutel;schooljaar;waarde;bron\n"
        b"vsv_pct;2024-2025;1,5;Nieuwe bron\n"  # good, but the file is rejected
        b"vsv_procent;2024-2025;1,5;Bron\n"  # line 3: unknown key
        b"vsv_pct;2024/2025;1,5;Bron\n"  # line 4: bad school year
        b"verzuim_per_1000;2024-2025;veel;Bron\n"  # line 5: bad number
        b"absoluut_per_1000;2024-2025;2,1;\n"  # line 6: no source
        b"verzuimmeldingen.LUXE;2024-2025;12,5;Bron\n"  # line 7: a count with decimals
        b"thuiszitters_per_1000;2024-2025;-1;Bron\n"  # line 8: negative
        b"vsv_pct;2024-2025;1,6;Nieuwe bron\n"  # line 9: twice in the file
    )
    with pytest.raises(ReferenceRejected) as caught:
        load_reference(bad)
    found = {(p.line, p.column) for p in caught.value.problems}
    assert found == {
        (3, "sleutel"),
        (4, "schooljaar"),
        (5, "waarde"),
        (6, "bron"),
        (7, "waarde"),
        (8, "waarde"),
        (9, "sleutel"),
    }
    text = [str(p) for p in caught.value.problems]
    assert "Regel 3, kolom sleutel: 'vsv_procent' is geen bekend cijfer" in text[0]
    assert text[1].startswith("Regel 4, kolom schooljaar: '2024/2025' is geen schooljaar")
    assert text[2].startswith("Regel 5, kolom waarde: 'veel' is geen getal")
    assert text[3] == "Regel 6, kolom bron: de bron ontbreekt; noem de publicatie en het jaar"
    assert "geen heel getal" in text[4]
    assert "negatief" in text[5]
    assert text[6] == "Regel 9, kolom sleutel: 'vsv_pct' staat voor 2024-2025 al op regel 2"
    assert snapshot() == before


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "Regel 1: het bestand is leeg"),
        (b"sleutel;schooljaar;waarde\nvsv_pct;2024-2025;1,9\n", "Regel 1: de kolom 'bron'"),
        (b"sleutel;schooljaar;waarde;bron\n\n", "Regel 2: het bestand bevat geen cijfers"),
    ],
)
def test_files_without_figures_are_refused(data, message):
    with pytest.raises(ReferenceRejected) as caught:
        load_reference(data)
    assert str(caught.value.problems[0]).startswith(message)
    assert not ReferenceFigure.objects.exists()


def test_sample_data_is_marked_and_the_sample_file_has_two_school_years():
    result = load_sample_reference()
    assert result.school_years == ["2024-2025", "2025-2026"]
    figures = list(ReferenceFigure.objects.all())
    assert figures and all(f.is_sample for f in figures)
    assert {f.source for f in figures} == {"Voorbeeldgegevens (geen officiële cijfers)"}
    for year in ("2024-2025", "2025-2026"):
        assert {"vsv_pct", "verzuim_per_1000", "thuiszitters_per_1000"} <= set(
            national_reference(year)
        )
    # Loading the real figures over it takes the mark away.
    load_reference(b"sleutel;schooljaar;waarde;bron\nvsv_pct;2025-2026;2,1;Ingrado 2025-2026\n")
    assert list(ReferenceFigure.objects.filter(school_year="2025-2026")) == [
        ReferenceFigure.objects.get(key="vsv_pct", school_year="2025-2026", is_sample=False)
    ]
    assert ReferenceFigure.objects.filter(school_year="2024-2025", is_sample=True).count() == 6


# -- the screen ------------------------------------------------------------------------


def test_the_coordinator_uploads_a_file_on_the_screen(client, world):
    login(client, world.users["coordinator"])
    assert "nog geen landelijke referentie" in client.get("/cijfers/referentie/").content.decode()
    response = upload(client, GOOD)
    assert response.status_code == 302
    page = client.get("/cijfers/referentie/").content.decode()
    assert "4 nieuw, 0 gewijzigd, 0 ongewijzigd, 0 verwijderd" in page
    assert SOURCE in page
    assert "1,95" in page and "32,4" in page and "12.000" in page
    assert "voorbeeldgegevens)" not in page
    figure = ReferenceFigure.objects.get(key="vsv_pct", school_year="2024-2025")
    assert figure.loaded_by == world.users["coordinator"]
    again = upload(client, GOOD)
    assert again.status_code == 302
    assert (
        "0 nieuw, 0 gewijzigd, 4 ongewijzigd" in client.get("/cijfers/referentie/").content.decode()
    )


def test_a_bad_upload_shows_every_problem_and_changes_nothing(client, world):
    load_reference(GOOD)
    before = snapshot()
    login(client, world.users["beheer"])
    bad = b"sleutel;schooljaar;waarde;bron\nvsv_pct;2024-2025;1,5;Bron\nvsv_pct;2025-2026;abc;\n"
    response = upload(client, bad)
    assert response.status_code == 400
    page = response.content.decode()
    assert 'role="alert"' in page
    assert "Het bestand is afgekeurd; er is niets gewijzigd." in page
    assert "Regel 3, kolom waarde: &#x27;abc&#x27; is geen getal" in page
    assert "Regel 3, kolom bron: de bron ontbreekt" in page
    assert snapshot() == before
    # No file at all: a form error, in Dutch.
    response = client.post("/cijfers/referentie/", {})
    assert response.status_code == 400
    assert "Kies een CSV-bestand." in response.content.decode()


def test_sample_figures_are_shown_as_sample_data(client, world):
    login(client, world.users["coordinator"])
    response = upload(client, GOOD, voorbeeld="on")
    assert response.status_code == 302
    assert all(f.is_sample for f in ReferenceFigure.objects.all())
    page = client.get("/cijfers/referentie/").content.decode()
    assert "Schooljaar 2024-2025 (voorbeeldgegevens)" in page
    assert "dit zijn geen officiële cijfers" in page


@pytest.mark.parametrize(
    ("username", "status"),
    [
        ("coordinator", 200),
        ("beheer", 200),
        ("beleid-winterswijk", 403),
        ("lpa-aalten", 403),
        ("administratie", 403),
        ("privacy", 403),
    ],
)
def test_who_may_load_the_reference(client, world, username, status):
    login(client, world.users[username])
    assert client.get("/cijfers/referentie/").status_code == status
    response = upload(client, GOOD)
    assert response.status_code == (302 if status == 200 else 403)
    assert ReferenceFigure.objects.exists() == (status == 200)


def test_anonymous_users_are_sent_to_the_login():
    from django.test import Client

    response = Client().get("/cijfers/referentie/")
    assert response.status_code == 302
    assert response["Location"].startswith("/login/")


# -- rbl referentie ---------------------------------------------------------------------


def run(capsys, *args: str) -> tuple[int, str]:
    code = 0
    try:
        call_command("referentie", *args)
    except SystemExit as exc:
        code = exc.code
    return code, capsys.readouterr().out


def test_the_command_loads_and_reloads(tmp_path, capsys):
    path = tmp_path / "referentie.csv"
    path.write_bytes(GOOD)
    code, out = run(capsys, str(path))
    assert code == 0
    assert "4 nieuw, 0 gewijzigd, 0 ongewijzigd, 0 verwijderd" in out
    assert not ReferenceFigure.objects.filter(is_sample=True).exists()
    code, out = run(capsys, str(path), "--voorbeeld", "--json")
    assert code == 0
    assert '"gewijzigd": 4' in out and '"voorbeeldgegevens": true' in out
    assert ReferenceFigure.objects.filter(is_sample=True).count() == 4
    code, out = run(capsys, str(path), "--voorbeeld")
    assert "0 nieuw, 0 gewijzigd, 4 ongewijzigd" in out
    assert "voorbeeldgegevens" in out


def test_the_command_rejects_a_bad_file_with_exit_code_1(tmp_path, capsys):
    load_reference(GOOD)
    before = snapshot()
    path = tmp_path / "fout.csv"
    path.write_bytes(b"sleutel;schooljaar;waarde;bron\nvsv_pct;2024-2025;1,5;\n")
    code, out = run(capsys, str(path))
    assert code == 1
    assert "AFGEKEURD: niets gewijzigd" in out
    assert "Regel 2, kolom bron: de bron ontbreekt" in out
    assert snapshot() == before


def test_the_command_without_a_file_is_wrong_usage(tmp_path):
    from django.core.management.base import CommandError

    with pytest.raises(CommandError) as caught:
        call_command("referentie", str(tmp_path / "er-niet.csv"))
    assert caught.value.returncode == 2


def test_application_management_finds_the_reference_on_its_home(client, world):
    login(client, world.users["beheer"])
    assert '<a href="/cijfers/referentie/">' in client.get("/").content.decode()


@pytest.mark.django_db(transaction=True)
def test_the_demo_loads_the_sample_reference_marked_as_sample():
    from rbl.demo.build import build_demo

    build_demo(seed=3, scale=0.01, peildatum=dt.date(2026, 11, 2))
    figures = ReferenceFigure.objects.all()
    assert {f.school_year for f in figures} == {"2024-2025", "2025-2026"}
    assert figures.count() == 12 and all(f.is_sample for f in figures)
