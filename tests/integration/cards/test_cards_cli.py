"""`dps cards read --json` in-process: one JSON line per image with exactly the 14 keys, a non-image
reported on stderr after the others were read (exit 2). No database, no tenant."""

from __future__ import annotations

import json
import os
import random
from collections.abc import Iterator
from pathlib import Path

import pytest
import structlog
from click.testing import CliRunner, Result

from dps.adapters.logs.channels import reset_logging
from dps.bootstrap.cli_main import cli, context_object
from dps.domain.cards import FIELD_NAMES
from tests.fixtures.cards.pools import random_card
from tests.fixtures.cards.render import render_card

pytestmark = pytest.mark.usefixtures("ocr_tools")


@pytest.fixture(autouse=True)
def _clean_env(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    for name in list(os.environ):
        if name.startswith("DPS_"):
            monkeypatch.delenv(name)
    structlog.contextvars.clear_contextvars()
    yield
    structlog.contextvars.clear_contextvars()
    reset_logging()


def dps(tmp_path: Path, *args: str) -> Result:
    # a database URL nobody listens on: reading cards must not touch the database
    env = {"DPS_DATA_DIR": str(tmp_path), "DPS_SECRET_KEY": "test",
           "DPS_DATABASE_URL": "postgresql+psycopg://nobody@127.0.0.1:1/none"}
    return CliRunner().invoke(cli, list(args), env=env, obj=context_object(), catch_exceptions=True)


def test_read_json_one_object_per_image_and_a_clear_error_for_a_non_image(tmp_path: Path) -> None:
    paths = []
    expected = []
    for seed, layout in ((21, "horizontal"), (13, "vertical")):
        rng = random.Random(seed)
        rendered = render_card(random_card(rng, layout), "clean", rng)  # type: ignore[arg-type]
        path = tmp_path / f"{layout}.png"
        path.write_bytes(rendered.image)
        paths.append(path)
        expected.append(rendered.content.fields)
    notes = tmp_path / "notes.txt"
    notes.write_text("これは名刺ではありません", encoding="utf-8")

    result = dps(tmp_path, "cards", "read", str(paths[0]), str(notes), str(paths[1]), "--json")

    assert result.exit_code == 2, result.output
    lines = result.stdout.splitlines()
    assert len(lines) == 2
    for line, fields in zip(lines, expected, strict=True):
        got = json.loads(line)
        assert list(got) == list(FIELD_NAMES)
        assert all(isinstance(v, str) for v in got.values())
        assert got["email"] == fields.email
        assert (got["family_name"], got["given_name"]) == (fields.family_name, fields.given_name)
    assert "notes.txt" in result.stderr
    assert "not an image" in result.stderr


def test_a_missing_file_is_reported(tmp_path: Path) -> None:
    result = dps(tmp_path, "cards", "read", str(tmp_path / "nope.jpg"), "--json")
    assert result.exit_code == 2
    assert "nope.jpg" in result.stderr
    assert result.stdout == ""
