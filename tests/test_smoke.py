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


def test_log_lines_never_carry_a_bsn():
    """Even a traceback of a database error naming a BSN is masked in the log."""
    import io
    import logging

    from rbl.core.logfilter import RedactBsnFilter

    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.addFilter(RedactBsnFilter())
    logger = logging.getLogger("rbl.test-redaction")
    logger.addHandler(handler)
    try:
        try:
            raise ValueError("Key (bsn)=(999993653) already exists")
        except ValueError:
            logger.exception("import of %s failed", "999990639")
    finally:
        logger.removeHandler(handler)
    text = stream.getvalue()
    assert "999993653" not in text and "999990639" not in text
    assert "*********" in text and "already exists" in text
