"""DPS_OCR_WORKERS: one Tesseract worker per core by default (at most 4), 0 for the command line, bad values named."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from dps.bootstrap.settings import Settings, SettingsError, load_settings


def _load(tmp_path: Path, **env: str) -> Settings:
    return load_settings({"DPS_DATA_DIR": str(tmp_path), "DPS_SECRET_KEY": "k" * 32, **env})


def test_default_is_one_worker_per_core_up_to_four(tmp_path: Path) -> None:
    assert _load(tmp_path).ocr_workers == min(4, os.cpu_count() or 1)
    assert _load(tmp_path, DPS_OCR_WORKERS="0").ocr_workers == 0
    assert _load(tmp_path, DPS_OCR_WORKERS="6").ocr_workers == 6


@pytest.mark.parametrize("raw", ["-1", "65", "two"])
def test_bad_counts_name_the_variable(tmp_path: Path, raw: str) -> None:
    with pytest.raises(SettingsError, match="DPS_OCR_WORKERS"):
        _load(tmp_path, DPS_OCR_WORKERS=raw)
