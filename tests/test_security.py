"""Headers and throttles that keep readers and the admin safe."""

import pytest
from django.urls import reverse

from tests.factories import make_note, make_user

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("url", ["/", "/map/", "/admin/login/"])
def test_pages_send_a_content_security_policy_without_inline_script(client, url):
    make_note()
    policy = client.get(url)["Content-Security-Policy"]
    # The directives come in no fixed order.
    directives = {directive.strip() for directive in policy.split(";")}
    # Scripts from this site only; WebAssembly may compile (Pyodide, for a note's Run
    # button), but neither inline script nor eval() runs.
    assert "script-src 'self' 'wasm-unsafe-eval'" in directives
    assert "worker-src 'self'" in directives
    assert "unsafe-inline" not in policy
    assert "'unsafe-eval'" not in policy
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


def login_from(client, password: str, *, remote: str, forwarded: str | None = None):
    extra = {"REMOTE_ADDR": remote}
    if forwarded is not None:
        extra["HTTP_X_FORWARDED_FOR"] = forwarded
    return client.post(
        reverse("admin:login"),
        {"username": "editor", "password": password, "next": "/admin/"},
        **extra,
    )


def test_direct_connections_ignore_x_forwarded_for(client, settings):
    settings.TRUSTED_PROXIES = 0
    make_user(username="editor", staff=True)
    # A client changing the header on every try is still one address.
    for attempt in range(settings.AXES_FAILURE_LIMIT):
        login_from(client, "wrong", remote="203.0.113.7", forwarded=f"198.51.100.{attempt}")
    locked = login_from(client, "a-long-test-password", remote="203.0.113.7", forwarded="1.2.3.4")
    assert locked.status_code == 429


def test_behind_a_trusted_proxy_locks_follow_the_real_client(client, settings):
    settings.TRUSTED_PROXIES = 1
    make_user(username="editor", staff=True)
    proxy = "10.0.0.2"
    for _ in range(settings.AXES_FAILURE_LIMIT):
        # The attacker forges a first entry; the proxy appends the address it saw.
        login_from(client, "wrong", remote=proxy, forwarded="192.0.2.99, 203.0.113.7")
    assert login_from(client, "wrong", remote=proxy, forwarded="203.0.113.7").status_code == 429
    # Someone else behind the same proxy still logs in with the right password.
    other = login_from(client, "a-long-test-password", remote=proxy, forwarded="198.51.100.20")
    assert other.status_code == 302


def test_a_forged_forwarded_entry_does_not_escape_the_lock_behind_a_proxy(client, settings):
    settings.TRUSTED_PROXIES = 1
    make_user(username="editor", staff=True)
    for attempt in range(settings.AXES_FAILURE_LIMIT):
        login_from(client, "wrong", remote="10.0.0.2", forwarded=f"192.0.2.{attempt}, 203.0.113.7")
    retry = login_from(client, "wrong", remote="10.0.0.2", forwarded="192.0.2.200, 203.0.113.7")
    assert retry.status_code == 429


def test_unsafe_next_after_login_lands_on_the_admin_index(client):
    make_user(username="editor", staff=True)
    response = client.post(
        reverse("admin:login") + "?next=https://evil.example/",
        {"username": "editor", "password": "a-long-test-password",
         "next": "https://evil.example/"},
    )  # fmt: skip
    assert response.status_code == 302
    assert response["Location"] == reverse("admin:index")


@pytest.mark.parametrize(
    "url, host, status",
    [
        ("/notes", "testserver", 301),  # the slash added by CommonMiddleware
        ("/", "evil.example", 400),  # a host not in ALLOWED_HOSTS
        ("/static/css/site.css", "testserver", 200),  # served by whitenoise
        ("/no-such-page/", "testserver", 404),
    ],
)
def test_answers_made_before_any_view_carry_the_security_headers(client, url, host, status):
    response = client.get(url, HTTP_HOST=host)
    assert response.status_code == status
    assert "default-src 'self'" in response["Content-Security-Policy"]
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"


def test_the_server_error_page_needs_no_inline_style():
    from django.template.loader import render_to_string

    page = render_to_string("500.html")
    assert "<style" not in page
    assert 'style="' not in page
    assert "/static/css/error.css" in page
