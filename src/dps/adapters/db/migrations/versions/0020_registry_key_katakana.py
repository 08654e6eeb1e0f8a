"""Registry name-search keys fold kana to katakana (they folded to hiragana)

The key of every stored name is the old key with its hiragana turned into katakana: both folds map
the same characters one to one, and the corporate forms were changed with them (ADR 0018). On
PostgreSQL one UPDATE of the keys that hold hiragana (about 2 minutes for a registry of 5 million
rows); on SQLite (no `translate()`) in Python.

Revision ID: 0020
Revises: 0019
Create Date: 2026-11-26
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0020'
down_revision: str | None = '0019'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

HIRAGANA = "".join(chr(c) for c in range(0x3041, 0x3097))  # ぁ..ゖ
KATAKANA = "".join(chr(c + 0x60) for c in range(0x3041, 0x3097))  # ァ..ヶ


def _refold(source: str, target: str) -> None:
    bind = op.get_bind()
    if bind.dialect.name == "postgresql":
        bind.execute(sa.text("UPDATE registry_corporations SET name_search = translate(name_search, :s, :t) "
                             "WHERE name_search ~ :any"),
                     {"s": source, "t": target, "any": f"[{source[0]}-{source[-1]}]"})
        return
    table = str.maketrans(source, target)
    rows = bind.execute(sa.text("SELECT corporate_number, name_search FROM registry_corporations")).all()
    changed = [{"n": n, "k": k.translate(table)} for n, k in rows if k.translate(table) != k]
    if changed:
        bind.execute(sa.text("UPDATE registry_corporations SET name_search = :k WHERE corporate_number = :n"),
                     changed)


def upgrade() -> None:
    _refold(HIRAGANA, KATAKANA)


def downgrade() -> None:
    _refold(KATAKANA, HIRAGANA)
