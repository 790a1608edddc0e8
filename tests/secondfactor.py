"""Second-factor helpers for tests (R-63, rbl.accounts.secondfactor).

`Client.force_login` and `Client.login` skip the login form; for the suite they
give a session as the full login does, second factor included (see
tests/conftest.py). `current_code(user)` is what the user's authenticator app
shows now, for tests that go through the real login steps."""

from __future__ import annotations

from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.oath import TOTP
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice


def device_of(user) -> TOTPDevice:
    device = TOTPDevice.objects.filter(user=user, confirmed=True).order_by("pk").first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name="telefoon", confirmed=True)
    return device


def verify_session(client, user) -> None:
    """Mark the client's session as having given the second factor."""
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device_of(user).persistent_id
    session.save()


def totp_now(device: TOTPDevice) -> str:
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    return f"{totp.token():0{device.digits}d}"


def current_code(user) -> str:
    """The app's code now; when that code was used already in this 30-second
    step (a second login in the same half minute), a fresh recovery code."""
    device = device_of(user)
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    if device.last_t is not None and device.last_t >= totp.t():
        static, _ = StaticDevice.objects.get_or_create(
            user=user, name="herstelcodes", defaults={"confirmed": True}
        )
        token = StaticToken.random_token()
        StaticToken.objects.create(device=static, token=token)
        return token
    return totp_now(device)
