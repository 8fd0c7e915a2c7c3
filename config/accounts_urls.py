"""Readers' accounts, under /accounts/, with Django's standard URL names ("login",
"password_reset", ...) so that its views and templates find each other.

Every page here is wrapped in ``never_cache`` and none in ``cache_for_readers``: they
hold a CSRF token or one reader's details, so neither the readers' page cache nor a
browser or proxy may keep them.
"""

from django.contrib.auth import views as auth_views
from django.urls import path
from django.views.decorators.cache import never_cache

from notes.views import accounts

# The admin renders its own password-change pages with Django's default template names;
# the readers' pages take other names so that the admin keeps its look.
CHANGE_TEMPLATE = "registration/account_password_change.html"
CHANGED_TEMPLATE = "registration/account_password_change_done.html"

urlpatterns = [
    path("", never_cache(accounts.account), name="account"),
    path("signup/", never_cache(accounts.signup), name="signup"),
    path("login/", never_cache(accounts.ReaderLoginView.as_view()), name="login"),
    # POST only, as Django's LogoutView is: a link or an image could not sign anyone out.
    path("logout/", never_cache(auth_views.LogoutView.as_view()), name="logout"),
    path(
        "password_reset/",
        never_cache(accounts.ReaderPasswordResetView.as_view()),
        name="password_reset",
    ),
    path(
        "password_reset/done/",
        never_cache(auth_views.PasswordResetDoneView.as_view()),
        name="password_reset_done",
    ),
    path(
        "reset/<uidb64>/<token>/",
        never_cache(auth_views.PasswordResetConfirmView.as_view()),
        name="password_reset_confirm",
    ),
    path(
        "reset/done/",
        never_cache(auth_views.PasswordResetCompleteView.as_view()),
        name="password_reset_complete",
    ),
    path(
        "password_change/",
        never_cache(auth_views.PasswordChangeView.as_view(template_name=CHANGE_TEMPLATE)),
        name="password_change",
    ),
    path(
        "password_change/done/",
        never_cache(auth_views.PasswordChangeDoneView.as_view(template_name=CHANGED_TEMPLATE)),
        name="password_change_done",
    ),
]
