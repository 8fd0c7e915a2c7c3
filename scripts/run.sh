#!/usr/bin/env bash
# Run the knowledge base locally: virtual environment, dependencies, database,
# sample content, an admin login, then the development server.
set -euo pipefail
cd "$(dirname "$0")/.."

PYTHON=${PYTHON:-python3}
HOST=${HOST:-127.0.0.1}
PORT=${PORT:-8000}

if [ ! -x .venv/bin/python ]; then
  echo "Creating the virtual environment in .venv"
  "$PYTHON" -m venv .venv
fi
.venv/bin/python -m pip install --quiet --upgrade pip
.venv/bin/python -m pip install --quiet -e .
bash scripts/static_deps.sh

.venv/bin/python manage.py migrate --noinput -v 0
# The Python documentation's index that notes link to, on the first run only: read from
# python3-doc's objects.inv when it is installed, else from this interpreter. Before the
# starter notes, so that they are rendered with their links.
.venv/bin/python manage.py load_python_docs --if-empty
.venv/bin/python manage.py load_sample_content
.venv/bin/python manage.py ensure_local_admin

echo
echo "Python Notes is running at http://$HOST:$PORT/"
echo "Admin: http://$HOST:$PORT/admin/"
echo
exec .venv/bin/python manage.py runserver "$HOST:$PORT"
