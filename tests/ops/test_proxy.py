"""The client address behind the proxy (RBL_BEHIND_PROXY): the last
X-Forwarded-For entry, the one the proxy appended; a client's own entries in
front of it, or the header without the proxy, count for nothing."""

from __future__ import annotations

from django.test import RequestFactory

from rbl.accounts.security import client_ip


def _request(forwarded: str | None):
    extra = {"REMOTE_ADDR": "127.0.0.1"}
    if forwarded is not None:
        extra["HTTP_X_FORWARDED_FOR"] = forwarded
    return RequestFactory().get("/login/", **extra)


def test_behind_the_proxy_the_address_it_appended_counts(settings):
    settings.RBL_BEHIND_PROXY = True
    assert client_ip(_request("203.0.113.7")) == "203.0.113.7"
    # A client that sends its own header cannot choose its address.
    assert client_ip(_request("10.9.9.9, 198.51.100.4")) == "198.51.100.4"
    assert client_ip(_request("2001:db8::1")) == "2001:db8::1"
    # No usable entry: the proxy's own address.
    assert client_ip(_request("onzin")) == "127.0.0.1"
    assert client_ip(_request(None)) == "127.0.0.1"


def test_without_the_proxy_the_header_is_ignored(settings):
    settings.RBL_BEHIND_PROXY = False
    assert client_ip(_request("203.0.113.7")) == "127.0.0.1"
