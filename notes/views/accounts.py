"""Readers' accounts: sign up, log in and out, reset or change a password, the account page.

Readers sign in only to keep their review progress; they are never staff and edit
nothing. Django's auth views do the work with the site's templates. Logins are
counted by django-axes (the login form authenticates with the request); sign-up and
password-reset forms, which have no user to count against, are counted per address
by ``notes.throttle``. None of these pages is ever kept in the readers' page cache:
the URLconf wraps every one in ``never_cache``.
"""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.contrib.auth import login
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.contrib.auth.forms import UserCreationForm
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext_lazy as _
from django.views.decorators.debug import sensitive_post_parameters

from config.client_address import client_ip
from notes.throttle import allow

TOO_MANY_ATTEMPTS = _("Too many attempts from your address; please try again in an hour.")
HOUR = 60 * 60


def review_url() -> str:
    try:
        return reverse("notes:review")
    except NoReverseMatch:
        # The review page's own URLconf may be absent (a trimmed deployment, a test).
        return "/review/"


def within_limit(request: HttpRequest, bucket: str) -> bool:
    """Count this POST against the address's hourly allowance for ``bucket``."""
    return allow(bucket, client_ip(request), settings.ACCOUNT_ATTEMPTS_PER_HOUR, HOUR)


def safe_next(request: HttpRequest) -> str:
    """The ``next`` the form carried if it stays on this site, else an empty string."""
    target = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return ""


class SignupForm(UserCreationForm):
    """Django's sign-up form with an e-mail address, the only way to reset a password."""

    email = forms.EmailField(
        label=_("E-mail address"),
        required=False,
        help_text=_("Optional: only needed to reset a forgotten password."),
    )

    # The ignore: django-stubs do not declare the form's Meta, which Django documents
    # for exactly this (extending the fields of UserCreationForm).
    class Meta(UserCreationForm.Meta):  # type: ignore[name-defined]
        fields = ("username", "email")


@sensitive_post_parameters("password1", "password2")
def signup(request: HttpRequest) -> HttpResponse:
    if not settings.READER_SIGNUP:
        return render(request, "registration/signup_closed.html", status=404)
    if request.user.is_authenticated:
        return redirect("account")
    form: SignupForm
    if request.method == "POST":
        if not within_limit(request, "signup"):
            # The form again, as it was typed (but for the passwords), with the reason.
            initial = {name: request.POST.get(name, "") for name in ("username", "email")}
            form = SignupForm(initial=initial)
            context = {"form": form, "next": safe_next(request), "refusal": TOO_MANY_ATTEMPTS}
            return render(request, "registration/signup.html", context, status=429)
        form = SignupForm(request.POST)
        if form.is_valid():
            user = form.save(commit=False)
            # Said outright rather than left to the model's defaults: a sign-up never
            # opens the admin.
            user.is_staff = False
            user.is_superuser = False
            user.save()
            login(request, user, backend="django.contrib.auth.backends.ModelBackend")
            return HttpResponseRedirect(safe_next(request) or review_url())
    else:
        form = SignupForm()
    return render(request, "registration/signup.html", {"form": form, "next": safe_next(request)})


class ReaderLoginView(auth_views.LoginView):
    redirect_authenticated_user = True
    # Readers sign in to review; the admin's own login keeps LOGIN_REDIRECT_URL.
    next_page = "notes:review"

    def get_context_data(self, **kwargs: object) -> dict[str, object]:
        context = super().get_context_data(**kwargs)
        context["signup_open"] = settings.READER_SIGNUP
        return context


class ReaderPasswordResetView(auth_views.PasswordResetView):
    """Django's reset form, refused with 429 once an address has sent too many."""

    def post(self, request: HttpRequest, *args: object, **kwargs: object) -> HttpResponse:
        if not within_limit(request, "password-reset"):
            form = self.get_form_class()(initial={"email": request.POST.get("email", "")})
            context = self.get_context_data(form=form, refusal=TOO_MANY_ATTEMPTS)
            return self.render_to_response(context, status=429)
        return super().post(request, *args, **kwargs)


@login_required
def account(request: HttpRequest) -> HttpResponse:
    return render(request, "registration/account.html", {"review_url": review_url()})
