"""Real-Tesseract tests need the Debian packages of scripts/debian-packages.txt (tesseract-ocr with the jpn,
jpn_vert, eng and osd data) and fonts-noto-cjk of scripts/debian-test-packages.txt (for rendering). Without
them these tests skip, except in CI, where they fail: CI must prove the reader."""

from __future__ import annotations

import os
import shutil
import subprocess

import pytest

from tests.fixtures.cards.render import fonts_available


def _missing() -> str | None:
    binary = shutil.which("tesseract")
    if binary is None:
        return "tesseract not installed"
    langs = subprocess.run([binary, "--list-langs"], capture_output=True, text=True, check=False).stdout  # noqa: S603
    for lang in ("jpn", "jpn_vert", "eng", "osd"):
        if lang not in langs.split():
            return f"tesseract language data '{lang}' missing"
    if not fonts_available():
        return "fonts-noto-cjk missing"
    return None


@pytest.fixture(scope="session")
def ocr_tools() -> None:
    reason = _missing()
    if reason is not None:
        if os.environ.get("CI", "").lower() in ("1", "true", "yes"):
            pytest.fail(f"card OCR tools are required in CI: {reason} (scripts/setup.sh --with-test-tools)")
        pytest.skip(reason)


@pytest.fixture(scope="session")
def tesserocr_library(ocr_tools: None) -> None:
    """Tesseract's library for the worker processes (tesserocr, built by scripts/setup.sh against Debian's
    libtesseract); required in CI like the rest."""
    try:
        import tesserocr  # noqa: F401
    except ImportError as e:
        if os.environ.get("CI", "").lower() in ("1", "true", "yes"):
            pytest.fail(f"tesserocr is required in CI: {e} (scripts/setup.sh)")
        pytest.skip(f"tesserocr missing: {e}")
