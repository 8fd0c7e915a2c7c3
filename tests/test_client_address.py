"""Which address a request is taken to come from, behind zero, one or two proxies."""

import pytest
from django.test import RequestFactory

from config.client_address import client_ip


def request_from(remote: str, forwarded: str | None = None):
    extra = {"REMOTE_ADDR": remote}
    if forwarded is not None:
        extra["HTTP_X_FORWARDED_FOR"] = forwarded
    return RequestFactory().get("/", **extra)


@pytest.mark.parametrize(
    ("trusted", "remote", "forwarded", "expected"),
    [
        (0, "203.0.113.7", "198.51.100.1", "203.0.113.7"),
        (0, "203.0.113.7", None, "203.0.113.7"),
        (1, "10.0.0.2", "203.0.113.7", "203.0.113.7"),
        (1, "10.0.0.2", "6.6.6.6, 203.0.113.7", "203.0.113.7"),
        (1, "10.0.0.2", None, "10.0.0.2"),
        (1, "10.0.0.2", "not-an-address", "10.0.0.2"),
        (2, "10.0.0.3", "6.6.6.6, 203.0.113.7, 10.0.0.2", "203.0.113.7"),
        (1, "10.0.0.2", "2001:db8::1", "2001:db8::1"),
    ],
)
def test_client_address_is_the_entry_the_outermost_trusted_proxy_wrote(
    settings, trusted, remote, forwarded, expected
):
    settings.TRUSTED_PROXIES = trusted
    assert client_ip(request_from(remote, forwarded)) == expected
