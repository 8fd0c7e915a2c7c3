"""The ceiling bench/load.py compares pages with: Django with no middleware and one view
returning a constant string, served by the same gunicorn on the same machine."""

SECRET_KEY = "bench-ceiling-only-not-a-site"  # noqa: S105 - never serves anything real
DEBUG = False
ALLOWED_HOSTS = ["127.0.0.1", "localhost"]
ROOT_URLCONF = "bench.ceiling.urls"
INSTALLED_APPS: list[str] = []
MIDDLEWARE: list[str] = []
DATABASES: dict = {}
USE_I18N = False
