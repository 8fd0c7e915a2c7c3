#!/usr/bin/env bash
# Static files that come from npm: Pyodide, which runs a note's Python blocks in the
# reader's browser. Installs package-lock.json's versions and copies only the files a
# browser loads into static/vendor/pyodide/ (ignored by git, served like any static
# file). Without npm the site works as before, with no Run button.
set -euo pipefail
cd "$(dirname "$0")/.."

if ! command -v npm >/dev/null 2>&1; then
  echo "npm is not installed, so Pyodide is not: code blocks get no Run button (apt-get install npm adds it)."
  exit 0
fi
npm ci --omit=dev --no-audit --no-fund --loglevel=error >/dev/null

target=static/vendor/pyodide
rm -rf "$target"
mkdir -p "$target"
for name in pyodide.mjs pyodide.asm.mjs pyodide.asm.wasm python_stdlib.zip pyodide-lock.json; do
  cp "node_modules/pyodide/$name" "$target/"
done
