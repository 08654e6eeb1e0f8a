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
# Debian packages: scripts/debian-packages.txt is what DPS itself runs with (tesseract-ocr and its jpn/jpn_vert/
# eng/osd data for reading business cards, poppler-utils for PDF scans); scripts/debian-test-packages.txt adds
# what the tests need (chromium, fonts to render card fixtures). Installed when missing, as root; otherwise the
# missing ones are named (`make run` goes on without them: card reading says the OCR engine is unavailable).
install_debian() {
  local list="$1" strict="$2"
  local missing=()
  [ -f "$list" ] || return 0
  while read -r pkg; do
    [ -z "$pkg" ] || [[ "$pkg" == \#* ]] && continue
    dpkg -s "$pkg" >/dev/null 2>&1 || missing+=("$pkg")
  done < "$list"
  [ "${#missing[@]}" -gt 0 ] || return 0
  if [ "$(id -u)" = 0 ]; then
    echo "setup: installing Debian packages: ${missing[*]}"
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
  elif [ "$strict" = 1 ]; then
    echo "setup: please install Debian packages: ${missing[*]} (sudo apt-get install ...)" >&2
    exit 1
  else
    echo "setup: Debian packages missing (card reading needs them): ${missing[*]} (sudo apt-get install ...)" >&2
  fi
}
if command -v dpkg >/dev/null 2>&1; then
  if [ "${1:-}" = "--with-test-tools" ]; then
    install_debian scripts/debian-packages.txt 1
    install_debian scripts/debian-test-packages.txt 1
  else
    install_debian scripts/debian-packages.txt 0
  fi
fi
# Python packages after the Debian ones: tesserocr (the card reader's worker processes) is built against Debian's
# libtesseract when its headers are there, so the workers run the same engine as the `tesseract` command;
# elsewhere pip takes the wheel, which brings its own copy of the library.
stamp="$VENV/.dps-installed"
if [ ! -f "$stamp" ] || [ pyproject.toml -nt "$stamp" ]; then
  echo "setup: installing Python packages (pyproject.toml)"
  "$VENV/bin/python" -m pip install --quiet --upgrade pip
  binary=()
  if command -v pkg-config >/dev/null 2>&1 && pkg-config --exists tesseract lept; then
    binary=(--no-binary tesserocr)
  fi
  "$VENV/bin/python" -m pip install --quiet "${binary[@]}" -e '.[dev]'
  touch "$stamp"
fi
