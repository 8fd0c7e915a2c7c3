"""Production mode, chosen by environment variables, in a fresh process each time."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def manage(*args: str, **env: str) -> subprocess.CompletedProcess:
    environment = {key: value for key, value in os.environ.items() if not key.startswith("DJANGO_")}
    environment.update(env)
    return subprocess.run(  # noqa: S603
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=60,
    )


PRODUCTION = {
    "DJANGO_ENV": "production",
    "DJANGO_SECRET_KEY": "a-production-secret-that-is-long-and-random-0123456789-abcdefghij",
    "DJANGO_ALLOWED_HOSTS": "notes.example.com",
}


def test_deploy_check_passes_with_no_warnings_in_production():
    result = manage("check", "--deploy", "--fail-level", "WARNING", **PRODUCTION)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


def test_production_refuses_to_start_without_a_secret_key():
    env = {key: value for key, value in PRODUCTION.items() if key != "DJANGO_SECRET_KEY"}
    result = manage("check", **env)
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY must be set" in result.stderr


def test_development_defaults_keep_debug_off():
    result = manage("shell", "-c", "from django.conf import settings; print(settings.DEBUG)")
    assert result.stdout.strip().splitlines()[-1] == "False"


def test_trusted_proxies_come_from_the_environment_and_default_to_none():
    show = "from django.conf import settings; print(settings.TRUSTED_PROXIES)"
    assert manage("shell", "-c", show).stdout.strip().splitlines()[-1] == "0"
    behind = manage("shell", "-c", show, DJANGO_TRUSTED_PROXIES="1", **PRODUCTION)
    assert behind.stdout.strip().splitlines()[-1] == "1", behind.stderr
