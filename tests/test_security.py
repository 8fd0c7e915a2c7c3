"""Headers and throttles that keep readers and the admin safe."""

import pytest
from django.urls import reverse

from tests.factories import make_note, make_user

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("url", ["/", "/map/", "/admin/login/"])
def test_pages_send_a_content_security_policy_without_inline_script(client, url):
    make_note()
    policy = client.get(url)["Content-Security-Policy"]
    assert "script-src 'self'" in policy
    assert "unsafe-inline" not in policy
    assert "object-src 'none'" in policy
    assert "frame-ancestors 'none'" in policy


def login(client, password: str):
    return client.post(
        reverse("admin:login"),
        {"username": "editor", "password": password, "next": "/admin/"},
        REMOTE_ADDR="203.0.113.7",
    )


def test_repeated_failed_admin_logins_are_throttled(client, settings):
    make_user(username="editor", staff=True)
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        assert login(client, "wrong").status_code == 200  # the form again, with an error
    locked = login(client, "wrong")
    assert locked.status_code == 429
    assert "Too many failed logins" in locked.content.decode()
    # Even the right password is refused while the lock lasts.
    assert login(client, "a-long-test-password").status_code == 429


def test_a_successful_login_resets_the_failure_count(client, settings):
    make_user(username="editor", staff=True)
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        login(client, "wrong")
    assert login(client, "a-long-test-password").status_code == 302
    client.logout()
    assert login(client, "wrong").status_code == 200
