#!/usr/bin/env bash
# Every check DPS has: layer contracts, lint, types, then unit and integration tests.
set -euo pipefail
cd "$(dirname "$0")/.."
VENV="${VENV:-.venv}"
export PATH="$PWD/$VENV/bin:$PATH"

echo "== import-linter (layer rule)"
lint-imports
echo "== ruff"
ruff check src tests bench
echo "== mypy"
mypy
echo "== pytest"
workers="${DPS_TEST_WORKERS:-2}"
pytest -n "$workers" --dist loadfile -q "$@"
