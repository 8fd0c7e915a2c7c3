#!/usr/bin/env bash
# Serve the documentation site (MkDocs with the Material theme, from docs/) at
# http://127.0.0.1:8001/, rebuilt on every change. `.venv/bin/mkdocs build` writes it
# to site/ instead.
set -euo pipefail
cd "$(dirname "$0")/.."

PYTHON=${PYTHON:-python3}
HOST=${HOST:-127.0.0.1}
PORT=${PORT:-8001}

if [ ! -x .venv/bin/mkdocs ]; then
  if [ ! -x .venv/bin/python ]; then
    echo "Creating the virtual environment in .venv"
    "$PYTHON" -m venv .venv
  fi
  echo "Installing MkDocs and the app's test dependencies"
  .venv/bin/python -m pip install --quiet --upgrade pip
  .venv/bin/python -m pip install --quiet -e ".[test]"
fi

echo
echo "The documentation is at http://$HOST:$PORT/"
echo
exec .venv/bin/mkdocs serve -a "$HOST:$PORT"
