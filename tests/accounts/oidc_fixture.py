"""A real OpenID Connect provider for the tests: the certified `oidc-provider`
package from npm (tests/oidc_provider/), started with Node.js on 127.0.0.1.

The fixture installs the package on demand (`npm ci`, also done by
`scripts/install.sh test`), starts the provider, and puts a small forwarding
proxy in front of it: the provider's issuer URL is the proxy's, so the test
"browser", RBL's token request and its key lookup all go through it, and a test
can ask it to change the ID token in a token response (a tampered token).
Without Node.js the OIDC tests are skipped with that reason (CI fails instead,
RBL_REQUIRE_ALL=1)."""

from __future__ import annotations

import base64
import contextlib
import fcntl
import http.client
import json
import os
import shutil
import socket
import subprocess
import tempfile
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
import requests

PROVIDER_DIR = Path(__file__).resolve().parents[1] / "oidc_provider"
CLIENT_ID = "rbl-test"
CLIENT_SECRET = "rbl-test-geheim-0123456789"
REDIRECT_URI = "http://testserver/oidc/callback/"
ID_TOKEN_TTL = 600


def node_missing_reason() -> str | None:
    if not shutil.which("node") or not shutil.which("npm"):
        return "Node.js/npm niet gevonden; OIDC-tests met oidc-provider overgeslagen"
    return None


def install_provider() -> None:
    """`npm ci` in tests/oidc_provider once (a lock keeps xdist workers apart)."""
    if (PROVIDER_DIR / "node_modules" / "oidc-provider").is_dir():
        return
    with open(PROVIDER_DIR / ".install.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not (PROVIDER_DIR / "node_modules" / "oidc-provider").is_dir():
            subprocess.run(
                ["npm", "ci", "--no-audit", "--no-fund", "--loglevel=error"],
                cwd=PROVIDER_DIR,
                check=True,
                timeout=600,
            )


def free_port() -> int:
    with contextlib.closing(socket.socket()) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _tampered(id_token: str) -> str:
    """The same token with another subject in its payload (signature kept)."""
    header, payload, signature = id_token.split(".")
    data = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    data["sub"] = "coordinator"
    forged = base64.urlsafe_b64encode(json.dumps(data).encode()).rstrip(b"=").decode()
    return f"{header}.{forged}.{signature}"


@dataclass
class Provider:
    issuer: str
    process: subprocess.Popen
    tamper: bool = False
    log: list[str] = field(default_factory=list)

    def settings(self, settings) -> None:
        """Point RBL at this provider (the RBL_OIDC_* settings)."""
        from rbl.accounts import oidc

        settings.RBL_OIDC_ISSUER = self.issuer
        settings.RBL_OIDC_CLIENT_ID = CLIENT_ID
        settings.RBL_OIDC_CLIENT_SECRET = CLIENT_SECRET
        settings.RBL_OIDC_USERNAME_CLAIM = "preferred_username"
        settings.RBL_OIDC_SCOPES = "openid profile"
        settings.RBL_OIDC_MFA_AMR = "mfa,otp,hwk,sms,sc"
        settings.RBL_OIDC_MFA_ACR = ""
        settings.RBL_OIDC_NAME = "de testprovider"
        oidc._DISCOVERY.clear()

    def log_in(self, authorize_url: str, account: str, *, mfa: bool) -> str:
        """Be the browser at the provider: follow the authorization request to its
        login screen, log in as `account`, and return where the provider sends
        the browser back to (RBL's callback URL with code and state)."""
        browser = requests.Session()
        response = browser.get(authorize_url, allow_redirects=False, timeout=10)
        for _ in range(5):
            location = response.headers.get("Location", "")
            if "/interaction/" in location:
                break
            assert response.is_redirect, (response.status_code, response.text[:300])
            response = browser.get(location, allow_redirects=False, timeout=10)
        interaction = response.headers["Location"]
        if interaction.startswith("/"):
            interaction = self.issuer + interaction
        assert browser.get(interaction, timeout=10).status_code == 200
        form = {"login": account}
        if mfa:
            form["mfa"] = "1"
        response = browser.post(f"{interaction}/login", data=form, allow_redirects=False)
        for _ in range(5):
            location = response.headers["Location"]
            if location.startswith("/"):
                location = self.issuer + location
            if location.startswith("http://testserver/"):
                return location.removeprefix("http://testserver")
            response = browser.get(location, allow_redirects=False, timeout=10)
        raise AssertionError(f"de provider stuurde niet terug naar RBL: {response.text[:300]}")


def _proxy(provider_port: int, state: dict) -> ThreadingHTTPServer:
    class Forward(BaseHTTPRequestHandler):
        def _forward(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(length) if length else None
            upstream = http.client.HTTPConnection("127.0.0.1", provider_port, timeout=10)
            headers = {k: v for k, v in self.headers.items() if k.lower() != "connection"}
            upstream.request(self.command, self.path, body=body, headers=headers)
            answer = upstream.getresponse()
            data = answer.read()
            provider = state["provider"]
            if provider is not None and provider.tamper and self.path.startswith("/token"):
                token = json.loads(data)
                token["id_token"] = _tampered(token["id_token"])
                data = json.dumps(token).encode()
            self.send_response(answer.status)
            for key, value in answer.getheaders():
                if key.lower() not in (
                    "content-length",
                    "transfer-encoding",
                    "connection",
                    "keep-alive",
                ):
                    self.send_header(key, value)
            self.send_header("Content-Length", str(len(data)))
            self.send_header("Connection", "close")
            self.end_headers()
            self.wfile.write(data)
            upstream.close()

        def _safe(self) -> None:
            try:
                self._forward()
            except Exception as exc:  # shown in the test's output, answered 502
                import traceback

                traceback.print_exc()
                message = f"proxy: {type(exc).__name__}".encode()
                self.send_response(502)
                self.send_header("Content-Length", str(len(message)))
                self.end_headers()
                self.wfile.write(message)

        do_GET = do_POST = _safe

        def log_message(self, *args) -> None:
            pass

    return ThreadingHTTPServer(("127.0.0.1", free_port()), Forward)


@pytest.fixture(scope="session")
def oidc_provider():
    reason = node_missing_reason()
    if reason:
        if os.environ.get("RBL_REQUIRE_ALL") == "1":
            pytest.fail(reason)
        pytest.skip(reason)
    install_provider()
    provider_port = free_port()
    state: dict = {"provider": None}
    proxy = _proxy(provider_port, state)
    threading.Thread(target=proxy.serve_forever, daemon=True).start()
    issuer = f"http://127.0.0.1:{proxy.server_address[1]}"
    env = {
        **os.environ,
        "OP_PORT": str(provider_port),
        "OP_ISSUER": issuer,
        "OP_CLIENT_ID": CLIENT_ID,
        "OP_CLIENT_SECRET": CLIENT_SECRET,
        "OP_REDIRECT_URI": REDIRECT_URI,
        "OP_ID_TOKEN_TTL": str(ID_TOKEN_TTL),
    }
    output = tempfile.TemporaryFile(mode="w+")
    process = subprocess.Popen(
        ["node", "provider.mjs"],
        cwd=PROVIDER_DIR,
        env=env,
        stdout=output,
        stderr=subprocess.STDOUT,
        text=True,
    )
    provider = Provider(issuer=issuer, process=process)
    state["provider"] = provider
    deadline = time.monotonic() + 60
    while True:
        try:
            if requests.get(f"{issuer}/.well-known/openid-configuration", timeout=2).ok:
                break
        except requests.RequestException:
            pass
        if process.poll() is not None or time.monotonic() > deadline:
            process.kill()
            proxy.shutdown()
            output.seek(0)
            raise RuntimeError(f"oidc-provider startte niet:\n{output.read()}")
        time.sleep(0.2)
    try:
        yield provider
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
        proxy.shutdown()
        proxy.server_close()
        output.close()
