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
