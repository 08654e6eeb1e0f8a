"""Migration 0020 turns the stored name-search keys from the hiragana fold into the katakana fold (and
back on downgrade), on both engines; a key without kana is left as it is."""

from __future__ import annotations

import sqlalchemy as sa

from dps.adapters.db.migrations_runner import downgrade, upgrade
from dps.adapters.db.tables.registry import registry_corporations as t
from dps.domain.registry.corporate_number import check_digit
from dps.domain.registry.names import corporate_name_key


def _row(base12: str, name: str) -> dict[str, object]:
    return {"corporate_number": f"{check_digit(base12)}{base12}", "name": name,
            "name_search": corporate_name_key(name), "furigana": "", "kind": "301", "prefecture": "",
            "city": "", "street": "", "postal_code": "", "address_outside": "", "en_name": "",
            "en_address": "", "close_cause": "", "successor_number": "", "hihyoji": False}


def _keys(engine: sa.Engine) -> dict[str, str]:
    with engine.connect() as conn:
        return dict(conn.execute(sa.select(t.c.name, t.c.name_search)).all())


def test_keys_change_fold_both_ways(engine: sa.Engine) -> None:
    rows = [_row("010001234567", "株式会社サンプル商事"), _row("010001234568", "ひまわり合同会社"),
            _row("010001234569", "ABC Holdings Co., Ltd."), _row("010001234570", "山田工業株式会社")]
    with engine.begin() as conn:
        conn.execute(t.insert(), rows)
    try:
        assert _keys(engine) == {"株式会社サンプル商事": "サンプル商事", "ひまわり合同会社": "ヒマワリ",
                                 "ABC Holdings Co., Ltd.": "abcholdings", "山田工業株式会社": "山田工業"}
        downgrade(engine, "0019")
        assert _keys(engine) == {"株式会社サンプル商事": "さんぷる商事", "ひまわり合同会社": "ひまわり",
                                 "ABC Holdings Co., Ltd.": "abcholdings", "山田工業株式会社": "山田工業"}
        upgrade(engine)
        assert _keys(engine) == {row["name"]: row["name_search"] for row in rows}
    finally:
        upgrade(engine)
        with engine.begin() as conn:
            conn.execute(t.delete())
