"""`rbl check --deploy` under the documented production settings: no warning.
With the development defaults the same check warns, so the test can fail."""

from __future__ import annotations

import subprocess
import sys

from tests.ops.production import ROOT, clean_environment, documented_environment

CHECK = [sys.executable, "-m", "rbl", "check", "--deploy", "--fail-level", "WARNING"]


def _check(env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(CHECK, cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)


def test_documented_production_settings_pass_the_deploy_check_without_a_warning():
    result = _check({**clean_environment(), **documented_environment()})
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout
    assert "WARNING" not in result.stdout + result.stderr


def test_development_defaults_fail_the_deploy_check():
    result = _check(clean_environment())
    assert result.returncode == 1
    for warning in ("W004", "W008", "W009", "W012", "W016"):  # HSTS, redirect, key, cookies
        assert f"security.{warning}" in result.stderr, warning
