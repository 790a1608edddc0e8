"""Authentication backends (R-63)."""

from __future__ import annotations

from axes.backends import AxesStandaloneBackend


class LockoutBackend(AxesStandaloneBackend):
    """django-axes' lockout check, first of AUTHENTICATION_BACKENDS: a locked
    username is refused before any password is looked at.

    Axes needs the request to count and refuse. Every login screen passes it;
    a call without one comes from code (a test client's `login`), not from
    anyone typing a password, and is left to the other backends."""

    def authenticate(self, request, username=None, password=None, **kwargs):
        if request is None:
            return None
        return super().authenticate(request, username=username, password=password, **kwargs)
