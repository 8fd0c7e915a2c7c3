#!/usr/bin/env bash
# Run every check and test: lint, missing migrations, then the pytest suite
# (including the real-browser tests in Debian's Chromium) twice: on the embedded
# SQLite and on a throwaway PostgreSQL cluster started on loopback for the run.
set -euo pipefail
cd "$(dirname "$0")/.."

PYTHON=${PYTHON:-python3}
PG_PORT=${PG_PORT:-54329}

as_root() {
  if [ "$(id -u)" = "0" ]; then
    "$@"
  elif command -v sudo >/dev/null 2>&1; then
    sudo "$@"
  else
    echo "Debian's ${packages[*]} must be installed: run this as root, install sudo," >&2
    echo "or install them yourself (apt-get install ${packages[*]})." >&2
    exit 1
  fi
}

pg_bin() {
  # Debian installs each major version side by side; the newest one runs the tests.
  find /usr/lib/postgresql -mindepth 2 -maxdepth 2 -name bin -type d 2>/dev/null | sort -V | tail -n 1
}

packages=()
if [ ! -x /usr/bin/chromium ]; then packages+=(chromium); fi
if [ -z "$(pg_bin)" ]; then packages+=(postgresql); fi
if [ "${#packages[@]}" -gt 0 ]; then
  echo "Installing Debian's ${packages[*]} for the tests"
  as_root apt-get update -qq
  DEBIAN_FRONTEND=noninteractive as_root apt-get install -y -qq "${packages[@]}" >/dev/null
fi

if [ ! -x .venv/bin/python ]; then
  "$PYTHON" -m venv .venv
fi
.venv/bin/python -m pip install --quiet --upgrade pip
.venv/bin/python -m pip install --quiet -e ".[test]"
bash scripts/static_deps.sh
# axe-core, a devDependency, for the accessibility tests (tests/test_accessibility.py
# skip without it). static_deps.sh installs the site's packages only.
if command -v npm >/dev/null 2>&1; then
  npm ci --include=dev --no-audit --no-fund --loglevel=error >/dev/null
fi

.venv/bin/ruff check .
.venv/bin/ruff format --check .
.venv/bin/lint-imports --no-cache
# Types: django-stubs over notes/ and config/, the pure modules held to --strict's checks.
.venv/bin/mypy
# The documentation site: a broken link, a missing page or an undocumented setting fails.
NO_MKDOCS_2_WARNING=1 .venv/bin/mkdocs build --strict --quiet --site-dir "$(mktemp -d)"
env -u DATABASE_URL .venv/bin/python manage.py makemigrations --check --dry-run

# The PostgreSQL cluster lives in a temporary folder and is gone when the script ends.
# initdb refuses to run as root, so root runs it as Debian's postgres user.
PG_DIR=""
PG_AS=()
stop_postgres() {
  if [ -n "$PG_DIR" ]; then
    "${PG_AS[@]}" "$(pg_bin)/pg_ctl" -D "$PG_DIR/data" -m fast stop >/dev/null 2>&1 || true
    rm -rf "$PG_DIR"
  fi
}
trap stop_postgres EXIT

start_postgres() {
  local bin password
  bin=$(pg_bin)
  PG_DIR=$(mktemp -d "${TMPDIR:-/tmp}/pynotes-pg.XXXXXX")
  if [ "$(id -u)" = "0" ]; then
    chown postgres: "$PG_DIR"
    PG_AS=(runuser -u postgres --)
  fi
  password=$(od -An -N16 -tx1 /dev/urandom | tr -d ' \n')
  echo "$password" >"$PG_DIR/password"
  # The only role is the bootstrap superuser, so pytest-django may create the test
  # database and the pg_trgm extension. A UTF-8 locale lets pg_trgm see Chinese
  # characters as letters (under plain "C" it ignores them).
  "${PG_AS[@]}" "$bin/initdb" -D "$PG_DIR/data" -U pynotes --pwfile="$PG_DIR/password" \
    --auth=scram-sha-256 --encoding=UTF8 --locale=C.UTF-8 >/dev/null
  "${PG_AS[@]}" "$bin/pg_ctl" -D "$PG_DIR/data" -l "$PG_DIR/log" -w \
    -o "-h 127.0.0.1 -p $PG_PORT -k $PG_DIR" start >/dev/null
  PGPASSWORD=$password "$bin/createdb" -h 127.0.0.1 -p "$PG_PORT" -U pynotes pynotes
  PG_URL="postgres://pynotes:$password@127.0.0.1:$PG_PORT/pynotes"
}

# Both runs measure branch coverage (configured in pyproject.toml); the report at the
# end combines them.
.venv/bin/coverage erase
status=0
echo "== pytest on SQLite"
env -u DATABASE_URL .venv/bin/coverage run -m pytest "$@" || status=1

echo "== pytest on PostgreSQL"
start_postgres
DATABASE_URL=$PG_URL .venv/bin/coverage run -m pytest "$@" || status=1

echo "== coverage of both runs"
.venv/bin/coverage combine --quiet
.venv/bin/coverage report --skip-covered
# The pure modules are those of the "pure" import-linter contract in pyproject.toml.
echo "== coverage of the pure modules (each at least 95%)"
.venv/bin/python scripts/pure_modules.py --check 95 || status=1
exit "$status"
