"""`dps cards import` end to end with the real Tesseract on rendered cards (horizontal, vertical, English-only):
staged, read, imported with --yes (persons, accounts, business cards with their images), a non-image
reported (exit 2); a light user is refused (exit 5); an unknown campaign or user is exit 3."""

from __future__ import annotations

import random
from pathlib import Path

import pytest
import sqlalchemy as sa

import tests.integration.cli.conftest as cli_fixtures
from dps.adapters.db.tables.card_imports import card_imports
from dps.adapters.db.tables.sales_accounts import accounts, business_cards, persons
from dps.bootstrap.container import Container
from tests.fixtures.cards.pools import random_card
from tests.fixtures.cards.render import render_card
from tests.integration.cli.conftest import Dps

_clean_env_and_logging = cli_fixtures._clean_env_and_logging
cli_env, dps, migrated, acme, cli_db = (cli_fixtures.cli_env, cli_fixtures.dps, cli_fixtures.migrated,
                                        cli_fixtures.acme, cli_fixtures.cli_db)

pytestmark = pytest.mark.usefixtures("ocr_tools")



def _count(container: Container, table: sa.Table) -> int:
    with container.engine().connect() as conn:
        return int(conn.execute(sa.select(sa.func.count()).select_from(table)).scalar_one())


def test_cards_import_reads_with_tesseract_and_imports_with_yes(acme: Dps, tmp_path: Path, cli_db: Container
                                                                 ) -> None:
    """A horizontal Japanese card, a vertical one and an English-only one, plus a text file."""
    assert acme("user", "add", "--tenant", "acme", "sato", "--name", "佐藤 一郎").exit_code == 0
    paths, expected = [], {}
    for seed, layout in ((21, "horizontal"), (13, "vertical"), (5, "english")):
        rng = random.Random(seed)
        rendered = render_card(random_card(rng, layout), "clean", rng)  # type: ignore[arg-type]
        path = tmp_path / f"{layout}.png"
        path.write_bytes(rendered.image)
        paths.append(str(path))
        expected[rendered.content.fields.family_name] = rendered.content.fields.company
    notes = tmp_path / "notes.txt"
    notes.write_text("名刺ではありません", encoding="utf-8")

    result = acme("cards", "import", *paths, str(notes), "--tenant", "acme", "--as", "sato", "--yes")

    assert result.exit_code == 2, result.output
    assert "notes.txt" in result.stderr
    assert "not a card image" in result.stderr
    for layout in ("horizontal", "vertical", "english"):
        assert f"{layout}.png\tready" in result.stdout
    assert "imported: 名刺 cards 3" in result.stdout, result.stdout
    with cli_db.engine().connect() as conn:
        made = {r.last_name: r.name for r in conn.execute(
            sa.select(persons.c.last_name, accounts.c.name).join(accounts, sa.and_(
                accounts.c.tenant_id == persons.c.tenant_id, accounts.c.id == persons.c.account_id)))}
        card_rows = list(conn.execute(sa.select(business_cards)))
        staged = set(conn.execute(sa.select(card_imports.c.status)).scalars())
    assert made == expected
    assert all(c.image_key and c.source == "ocr" for c in card_rows)
    assert len(card_rows) == 3
    assert staged == {"imported"}
    assert _count(cli_db, accounts) == 3


def test_cards_import_refuses_light_users_and_unknown_campaigns(acme: Dps, tmp_path: Path) -> None:
    assert acme("user", "add", "--tenant", "acme", "suzuki", "--name", "鈴木", "--license", "light").exit_code == 0
    assert acme("user", "add", "--tenant", "acme", "sato", "--name", "佐藤").exit_code == 0
    image = tmp_path / "x.png"
    rng = random.Random(3)
    image.write_bytes(render_card(random_card(rng, "horizontal"), "clean", rng).image)
    light = acme("cards", "import", str(image), "--tenant", "acme", "--as", "suzuki")
    assert light.exit_code == 5, light.output
    unknown = acme("cards", "import", str(image), "--tenant", "acme", "--as", "sato", "--campaign", "存在しない")
    assert unknown.exit_code == 3, unknown.output
    nobody = acme("cards", "import", str(image), "--tenant", "acme", "--as", "ghost")
    assert nobody.exit_code == 3
