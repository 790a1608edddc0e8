"""RBL as it runs in production: gunicorn with the documented command line
(two workers, 127.0.0.1) and the documented environment, reached as the TLS
proxy reaches it (Host, X-Forwarded-Proto, X-Forwarded-For), on the test
database. A user logs in with both factors and opens a person; the answers
carry HSTS and the Content Security Policy; plain http is sent to https."""

from __future__ import annotations

import http.client
import os
import re
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from http.cookies import SimpleCookie
from pathlib import Path
from urllib.parse import urlencode

import pytest
from django.contrib.auth import get_user_model
from django.test import override_settings
from django.urls import reverse

from rbl.accounts.models import SecurityEvent, SecurityEventKind
from tests.ops.production import ROOT, clean_environment, documented_environment
from tests.secondfactor import current_code
from tests.web.world import PASSWORD, build_world

pytestmark = pytest.mark.django_db(transaction=True)

HOST = "rbl.example.nl"  # RBL_ALLOWED_HOSTS of docs/production.env.example
CLIENT = "203.0.113.7"  # the address the proxy saw
README = (ROOT / "README.md").read_text(encoding="utf-8")


def documented_command(port: int) -> list[str]:
    """The gunicorn line of the README, on a free port with two workers."""
    match = re.search(r"^\s*(gunicorn rbl\.wsgi:application .+)$", README, re.MULTILINE)
    assert match, "README documents the gunicorn command line"
    words = match.group(1).split()
    assert words[words.index("--bind") + 1] == "127.0.0.1:8000"
    words[words.index("--bind") + 1] = f"127.0.0.1:{port}"
    words[words.index("--workers") + 1] = "2"
    unit = (ROOT / "docs" / "systemd" / "rbl-web.service").read_text(encoding="utf-8")
    assert f"ExecStart=/srv/rbl/.venv/bin/{match.group(1)}" in unit  # the same line
    return words[1:]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Browser:
    """Requests as the proxy passes them on, with the browser's cookies."""

    def __init__(self, port: int) -> None:
        self.port = port
        self.cookies: dict[str, str] = {}
        self.set_cookies: list[str] = []

    def request(self, method: str, path: str, form: dict | None = None, https: bool = True):
        headers = {"Host": HOST, "X-Forwarded-For": CLIENT}
        if https:
            headers["X-Forwarded-Proto"] = "https"
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        body = None
        if form is not None:
            body = urlencode(form)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
            headers["Origin"] = f"https://{HOST}"
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
        connection.request(method, path, body=body, headers=headers)
        response = connection.getresponse()
        response.text = response.read().decode("utf-8", errors="replace")
        connection.close()
        for header in response.headers.get_all("Set-Cookie") or []:
            self.set_cookies.append(header)
            for name, morsel in SimpleCookie(header).items():
                self.cookies[name] = morsel.value
        return response

    def csrf(self, html: str) -> str:
        return re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html).group(1)


@pytest.fixture
def server(process_database, tmp_path: Path) -> Iterator[tuple[int, Path, str]]:
    port = _free_port()
    # The documented environment, on this test's database instead of the region's.
    documented = documented_environment()
    del documented["DATABASE_URL"]
    env = {
        **clean_environment(),
        **documented,
        **process_database,
        "RBL_MEDIA_ROOT": str(tmp_path / "media"),
        "RBL_STATIC_ROOT": str(tmp_path / "static"),
        "RBL_EMAIL_BACKEND": "console",
        "PYTHONUNBUFFERED": "1",
    }
    if os.environ.get("RBL_TEST_NOW"):
        env["RBL_TEST_NOW"] = os.environ["RBL_TEST_NOW"]
    log = tmp_path / "gunicorn.log"
    command = [sys.executable, "-m", "tests.ops.serve_with_clock", *documented_command(port)]
    with log.open("wb") as out:
        process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=out, stderr=out)
    try:
        deadline = time.monotonic() + 90
        while log.read_text(errors="replace").count("Booting worker") < 2:
            if process.poll() is not None or time.monotonic() > deadline:
                pytest.fail(f"gunicorn did not start:\n{log.read_text(errors='replace')}")
            time.sleep(0.1)
        yield port, log, env["RBL_SECRET_KEY"]
    finally:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def test_gunicorn_behind_the_proxy_serves_a_login_and_a_person(server, settings):
    port, log, secret_key = server
    # The server checks passwords with the production hashers, not the tests' MD5.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.PBKDF2PasswordHasher"]
    world = build_world()
    person = world.persons["own"]
    browser = Browser(port)

    # Plain http (no X-Forwarded-Proto from the proxy) is sent to https.
    plain = browser.request("GET", "/login/", https=False)
    assert plain.status == 301
    assert plain.headers["Location"] == f"https://{HOST}/login/"

    login = browser.request("GET", "/login/")
    assert login.status == 200
    assert login.headers["Strict-Transport-Security"] == (
        "max-age=31536000; includeSubDomains; preload"
    )
    policy = login.headers["Content-Security-Policy"]
    for directive in ("default-src 'self'", "script-src 'self'", "frame-ancestors 'none'"):
        assert directive in policy
    answer = browser.request(
        "POST",
        "/login/",
        {
            "csrfmiddlewaretoken": browser.csrf(login.text),
            "username": "coordinator",
            "password": PASSWORD,
        },
    )
    assert answer.status == 302, log.read_text(errors="replace")
    assert answer.headers["Location"].startswith("/login/code/")
    code_page = browser.request("GET", "/login/code/")
    coordinator = get_user_model().objects.get(username="coordinator")
    answer = browser.request(
        "POST",
        "/login/code/",
        {"csrfmiddlewaretoken": browser.csrf(code_page.text), "code": current_code(coordinator)},
    )
    assert answer.status == 302, answer.text
    # Every cookie RBL sets is for HTTPS only.
    assert {"sessionid", "csrftoken"} <= set(browser.cookies)
    assert all("; Secure" in c for c in browser.set_cookies), browser.set_cookies

    with override_settings(SECRET_KEY=secret_key):  # the server's opaque ids
        url = reverse("web:person", args=[person.pk])
    page = browser.request("GET", url)
    assert page.status == 200
    assert person.surname in page.text
    assert "Strict-Transport-Security" in page.headers
    # The security log has the client's address as the proxy passed it on.
    event = SecurityEvent.objects.filter(kind=SecurityEventKind.LOGIN).latest("at")
    assert event.ip_address == CLIENT
    # Two workers answered from one master.
    assert log.read_text(errors="replace").count("Booting worker") == 2
