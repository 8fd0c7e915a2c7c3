"""Readers' accounts: sign-up (and the setting that closes it), login and its lockout,
logout, password reset by e-mail, the per-address throttle, the header's account link,
and that none of these pages is cached."""

import re

import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from django.test import Client
from django.urls import reverse

from notes import throttle
from tests.factories import make_note, make_user

pytestmark = pytest.mark.django_db

PASSWORD = "a-long-test-password"
NEW_PASSWORD = "another-long-password-42"
TOO_MANY = "Too many attempts from your address; please try again in an hour."


def sign_up(client, username="reader", *, email="", next_url=None, remote="203.0.113.7"):
    data = {"username": username, "email": email, "password1": PASSWORD, "password2": PASSWORD}
    url = reverse("signup")
    if next_url is not None:
        data["next"] = next_url
    return client.post(url, data, REMOTE_ADDR=remote)


def log_in(client, username, password, *, next_url=None, remote="203.0.113.7"):
    data = {"username": username, "password": password}
    if next_url is not None:
        data["next"] = next_url
    return client.post(reverse("login"), data, REMOTE_ADDR=remote)


def test_sign_up_creates_a_reader_who_is_not_staff_and_signs_them_in(client):
    response = sign_up(client, email="ann@example.com")
    assert response.status_code == 302
    assert response["Location"] == reverse("notes:review")
    user = get_user_model().objects.get(username="reader")
    assert (user.is_staff, user.is_superuser, user.email) == (False, False, "ann@example.com")
    assert not user.get_all_permissions()
    assert client.get(reverse("account")).context["user"] == user


def test_a_signed_up_reader_gets_no_admin_page(client):
    sign_up(client)
    response = client.get(reverse("admin:index"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("admin:login"))


def test_sign_up_with_mismatched_passwords_shows_the_form_again_and_creates_nothing(client):
    response = client.post(
        reverse("signup"), {"username": "reader", "password1": PASSWORD, "password2": "other"}
    )
    assert response.status_code == 200
    assert not get_user_model().objects.exists()


def test_sign_up_follows_a_safe_next(client):
    response = sign_up(client, next_url="/notes/?page=2")
    assert response["Location"] == "/notes/?page=2"


def test_sign_up_ignores_a_next_to_another_site(client):
    response = sign_up(client, next_url="https://evil.example/")
    assert response["Location"] == reverse("notes:review")


def test_login_follows_a_safe_next(client):
    make_user(username="reader")
    assert log_in(client, "reader", PASSWORD, next_url="/map/")["Location"] == "/map/"


def test_login_ignores_a_next_to_another_site(client):
    make_user(username="reader")
    response = log_in(client, "reader", PASSWORD, next_url="https://evil.example/")
    assert response["Location"] == reverse("notes:review")


def test_login_page_offers_sign_up_while_it_is_open(client):
    content = client.get(reverse("login")).content.decode()
    assert f'href="{reverse("signup")}' in content


def test_closed_sign_up_refuses_with_a_sentence_and_login_still_works(client, settings):
    settings.READER_SIGNUP = False
    refused = sign_up(client)
    assert refused.status_code == 404
    assert "This knowledge base does not take new accounts." in refused.content.decode()
    assert not get_user_model().objects.exists()
    login_page = client.get(reverse("login")).content.decode()
    assert reverse("signup") not in login_page
    assert "Sign up" not in login_page
    make_user(username="existing")
    assert log_in(client, "existing", PASSWORD).status_code == 302
    assert client.get(reverse("account")).status_code == 200


def test_eleventh_sign_up_from_one_address_is_refused_and_creates_nothing(client, settings):
    settings.ACCOUNT_ATTEMPTS_PER_HOUR = 10
    for number in range(10):
        assert sign_up(client, f"reader{number}").status_code == 302
        client.logout()
    refused = sign_up(client, "reader10")
    assert refused.status_code == 429
    assert TOO_MANY in refused.content.decode()
    assert 'name="username"' in refused.content.decode()  # the form, again
    assert get_user_model().objects.count() == 10
    # Another address is counted on its own.
    assert sign_up(Client(), "elsewhere", remote="198.51.100.4").status_code == 302


def test_password_reset_mails_a_known_address_and_not_an_unknown_one(client):
    make_user(username="reader", email="ann@example.com")
    known = client.post(reverse("password_reset"), {"email": "ann@example.com"})
    unknown = client.post(reverse("password_reset"), {"email": "nobody@example.com"})
    # The same answer either way: the page does not tell who has an account.
    assert known.status_code == unknown.status_code == 302
    assert known["Location"] == unknown["Location"] == reverse("password_reset_done")
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["ann@example.com"]


def test_the_link_in_the_reset_mail_sets_a_new_password(client):
    user = make_user(username="reader", email="ann@example.com")
    client.post(reverse("password_reset"), {"email": "ann@example.com"})
    (path,) = re.findall(r"https?://testserver(/accounts/reset/\S+/)", mail.outbox[0].body)
    form = client.get(path, follow=True)
    assert form.context["validlink"]
    done = client.post(
        form.redirect_chain[-1][0], {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD}
    )
    assert done["Location"] == reverse("password_reset_complete")
    user.refresh_from_db()
    assert user.check_password(NEW_PASSWORD)
    # Used once, the link is spent.
    assert not client.get(path, follow=True).context["validlink"]


def test_too_many_password_resets_from_one_address_are_refused_and_send_nothing(client, settings):
    settings.ACCOUNT_ATTEMPTS_PER_HOUR = 2
    make_user(username="reader", email="ann@example.com")
    for _ in range(2):
        client.post(reverse("password_reset"), {"email": "ann@example.com"})
    refused = client.post(reverse("password_reset"), {"email": "ann@example.com"})
    assert refused.status_code == 429
    assert TOO_MANY in refused.content.decode()
    assert len(mail.outbox) == 2


def test_logout_needs_a_post(client):
    client.force_login(make_user())
    assert client.get(reverse("logout")).status_code == 405
    assert client.get(reverse("account")).status_code == 200
    response = client.post(reverse("logout"))
    assert response["Location"] == reverse("notes:home")
    assert client.get(reverse("account")).status_code == 302


def test_account_page_asks_visitors_to_log_in(client):
    response = client.get(reverse("account"))
    assert response.status_code == 302
    assert response["Location"] == f"{reverse('login')}?next={reverse('account')}"


def test_account_page_shows_the_username_review_and_a_logout_form(client):
    client.force_login(make_user(username="ann"))
    content = client.get(reverse("account")).content.decode()
    assert "<strong>ann</strong>" in content
    assert f'href="{reverse("notes:review")}"' in content
    assert f'href="{reverse("password_change")}"' in content
    logout_form = f'class="account-form logout-form" method="post" action="{reverse("logout")}"'
    assert logout_form in content
    assert "csrfmiddlewaretoken" in content


def test_reader_login_locks_after_the_failure_limit(client, settings):
    make_user(username="reader")
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        assert log_in(client, "reader", "wrong").status_code == 200
    locked = log_in(client, "reader", "wrong")
    assert locked.status_code == 429
    assert "Too many failed logins" in locked.content.decode()
    assert log_in(client, "reader", PASSWORD).status_code == 429


@pytest.mark.parametrize("name", ["login", "signup", "password_reset"])
def test_account_pages_are_never_cached(client, name):
    first = client.get(reverse(name))
    assert "no-cache" in first["Cache-Control"] and "private" in first["Cache-Control"]
    # Each visit renders its own page (its own CSRF token), not a stored copy.
    second = Client().get(reverse(name))
    assert first.content != second.content


def header(response) -> str:
    page = response.content.decode()
    return page.split('<header class="site-header">', 1)[1].split("</header>", 1)[0]


def test_header_shows_log_in_to_visitors_and_account_to_signed_in_readers(client, reader_client):
    note = make_note("Closures")
    visitor = header(client.get(note.get_absolute_url()))
    assert f'href="{reverse("login")}?next={note.get_absolute_url()}"' in visitor
    assert reverse("account") + '"' not in visitor
    # The visitor's page is now in the page cache; the reader must not be given it.
    reader = header(reader_client.get(note.get_absolute_url()))
    assert f'<a class="account-link" href="{reverse("account")}">Account</a>' in reader
    assert "Log in" not in reader
    assert "Log in" in header(client.get(note.get_absolute_url()))


def test_throttle_counts_each_bucket_and_address_apart():
    assert all(throttle.allow("signup", "203.0.113.7", 2, 3600) for _ in range(2))
    assert not throttle.allow("signup", "203.0.113.7", 2, 3600)
    assert throttle.allow("signup", "198.51.100.4", 2, 3600)
    assert throttle.allow("password-reset", "203.0.113.7", 2, 3600)
