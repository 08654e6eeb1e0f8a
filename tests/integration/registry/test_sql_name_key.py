"""The search key computed in SQL by the PostgreSQL loader equals `corporate_name_key`, for generated
names: full and half width, katakana and hiragana, kanji, Latin, corporate forms in front and behind,
spaces. PostgreSQL only (the SQLite path computes keys in Python); without a server this fails in CI.

The generator sticks to text the NTA publishes (JIS X 0208 kanji and kana, ASCII and its full-width
forms, the half-width katakana users type, the symbols trade names may contain). Outside it the two
implementations may differ, and the difference is documented in ADR 0018: PostgreSQL's `lower()`
follows the database's LC_CTYPE (Python lower-cases every script, including the final sigma rule),
and Python's fixpoint loop is only approximated where `lower()` un-normalises NFKC text.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import sqlalchemy as sa
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from dps.adapters.registry.pg_name_key import function_ddl, key_levels
from dps.domain.registry.names import JAPANESE_FORMS, corporate_name_key
from tests.text_variants import full_width, half_width

KATAKANA = "".join(chr(c) for c in range(0x30A1, 0x30F7)) + "ー"
HIRAGANA = "".join(chr(c) for c in range(0x3041, 0x3097))
KANJI = "山田中日本東京大阪商事工業電機建設産業技研製作所興業不動産第一新光栄社会法人団組合協同事業医療財"
LATIN = "ABCXYZabcxyzKkLlTtDdOoCcIiNn0123456789"
SYMBOLS = "&・-.,'()（）＆"
FORMS = [*JAPANESE_FORMS, "（株）", "㈱", "(株)", "ｶﾌﾞｼｷｶﾞｲｼｬ", "カブシキガイシャ", "ユウゲンガイシャ", "Co., Ltd.",
         "CO.,LTD.", "Co.,Ltd", "Inc.", "INC", "Corporation", "Corp.", "K.K.", "KK", "LLC", "L.L.C.", "Limited",
         "Company Limited", "G.K.", "Co."]
SPACES = ["", " ", "　", "  ", "\t"]

# names mixing every script, and names in one kana script only (as most are)
cores = (st.text(alphabet=KATAKANA + HIRAGANA + KANJI + LATIN + SYMBOLS + " 　", min_size=1, max_size=14)
         | st.text(alphabet=KATAKANA + KANJI + LATIN + SYMBOLS, min_size=1, max_size=14)
         | st.text(alphabet=HIRAGANA + KANJI + SYMBOLS, min_size=1, max_size=14))


@st.composite
def names(draw: st.DrawFn) -> str:
    core = draw(cores)
    core = draw(st.sampled_from([core, full_width(core), half_width(core), half_width(full_width(core))]))
    front = draw(st.sampled_from(["", *FORMS])) if draw(st.booleans()) else ""
    back = draw(st.sampled_from(["", *FORMS])) if draw(st.booleans()) else ""
    return (draw(st.sampled_from(SPACES)) + front + draw(st.sampled_from(SPACES)) + core
            + draw(st.sampled_from(SPACES)) + back + draw(st.sampled_from(SPACES)))


@pytest.fixture(scope="module")
def pg(_pg_engine: sa.Engine) -> Iterator[sa.Connection]:
    """One connection with the loader's session functions (they live in pg_temp)."""
    with _pg_engine.connect() as conn:
        for ddl in function_ddl():
            conn.exec_driver_sql(ddl)
        conn.commit()
        yield conn


def sql_keys(conn: sa.Connection, values: list[str]) -> tuple[list[str], list[str]]:
    """(the loader's key expression, the exact PL/pgSQL function) for each name, in order."""
    inner = "SELECT n AS c6, i FROM unnest(CAST(%(names)s AS text[])) WITH ORDINALITY AS u(n, i)"
    rows = conn.exec_driver_sql(
        f"SELECT name_key, pg_temp.registry_name_key(c6) FROM ({key_levels(inner)}) k ORDER BY i",  # noqa: S608
        {"names": values}).all()
    return [r[0] for r in rows], [r[1] for r in rows]


def check(conn: sa.Connection, values: list[str]) -> None:
    inline, exact = sql_keys(conn, values)
    expected = [corporate_name_key(v) for v in values]
    assert list(zip(values, inline, strict=True)) == list(zip(values, expected, strict=True))
    assert list(zip(values, exact, strict=True)) == list(zip(values, expected, strict=True))


_SETTINGS = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])


@_SETTINGS
@given(st.lists(names(), min_size=1, max_size=40))
@example(["株式会社サンプル商事", "サンプル商事 株式会社", "(株)サンプル", "㈱サンプル", "ｶﾌﾞｼｷｶﾞｲｼｬ ｻﾝﾌﾟﾙ",
          "ＡＢＣ　Ｈｏｌｄｉｎｇｓ株式会社", "ABC Holdings Co., Ltd.", "株式会社", "株式会社(株)", "医療法人社団",
          "株式会社医療法人社団", "株 式会社サンプル", "サンプル株式会社 Co., Ltd.", "zinc", "・", " , ", "Co.",
          "株式会社 、サンプル、", "一般社団法人 (株) テスト 株式会社 Inc.", "カブシキガイシャサンプル",
          "サンプルカブシキガイシャ", "カブシキがいしゃサンプル", "さんぷるカブシキガイシャ", "ゴウドウガイシャ",
          "ユウゲンガイシャ　テクノ", "ヴァーチャル株式会社", "ヵヶ工業"])
def test_the_sql_key_is_the_python_key(pg: sa.Connection, values: list[str]) -> None:
    check(pg, values)


@_SETTINGS
@given(st.lists(st.text(alphabet=KATAKANA + HIRAGANA + KANJI + LATIN + SYMBOLS + " 　\t", max_size=20),
                min_size=1, max_size=40))
def test_any_realistic_text(pg: sa.Connection, values: list[str]) -> None:
    check(pg, values)
