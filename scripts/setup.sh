#!/usr/bin/env bash
# Create .venv and install DPS with its dev tools; idempotent and quick when nothing changed.
set -euo pipefail
cd "$(dirname "$0")/.."
VENV="${VENV:-.venv}"
PYTHON="${PYTHON:-python3}"

if [ ! -x "$VENV/bin/python" ]; then
  echo "setup: creating $VENV"
  "$PYTHON" -m venv "$VENV"
fi
stamp="$VENV/.dps-installed"
if [ ! -f "$stamp" ] || [ pyproject.toml -nt "$stamp" ]; then
  echo "setup: installing Python packages (pyproject.toml)"
  "$VENV/bin/python" -m pip install --quiet --upgrade pip
  "$VENV/bin/python" -m pip install --quiet -e '.[dev]'
  touch "$stamp"
fi
# Debian packages (scripts/debian-packages.txt: chromium for the UI tests, tesseract-ocr + jpn/jpn_vert/eng/osd
# data for `dps cards read`, ...): `make test` installs them; run `scripts/setup.sh --with-test-tools` as root
# on a machine that reads business cards.
if [ "${1:-}" = "--with-test-tools" ] && [ -f scripts/debian-packages.txt ]; then
  missing=()
  while read -r pkg; do
    [ -z "$pkg" ] || [[ "$pkg" == \#* ]] && continue
    dpkg -s "$pkg" >/dev/null 2>&1 || missing+=("$pkg")
  done < scripts/debian-packages.txt
  if [ "${#missing[@]}" -gt 0 ]; then
    if [ "$(id -u)" = 0 ]; then
      echo "setup: installing Debian packages: ${missing[*]}"
      apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
    else
      echo "setup: please install Debian packages: ${missing[*]} (sudo apt-get install ...)" >&2
      exit 1
    fi
  fi
fi
