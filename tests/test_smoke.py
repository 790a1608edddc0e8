import pytest
from django.test import Client


@pytest.mark.django_db
def test_login_page_answers_in_dutch():
    response = Client().get("/login/")
    assert response.status_code == 200
    assert "Inloggen" in response.content.decode()


@pytest.mark.django_db
def test_home_requires_login():
    response = Client().get("/")
    assert response.status_code == 302
    assert response["Location"].startswith("/login/")


@pytest.mark.django_db
def test_stylesheet_is_served_without_debug():
    """The demo runs with DEBUG off; the pages must still get their CSS."""
    response = Client().get("/static/web/rbl.css")
    assert response.status_code == 200
    assert b"font-family" in b"".join(response.streaming_content)
