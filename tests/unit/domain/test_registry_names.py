"""The name-search key of the corporate registry: width, kana and corporate forms fold away."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from dps.domain.registry.names import corporate_name_key
from tests.text_variants import full_width, half_width, hiragana

KATAKANA = "".join(chr(c) for c in range(0x30A1, 0x30F7))
FORMS = ["株式会社", "有限会社", "合同会社", "一般社団法人", "(株)", "（株）", "㈱"]








core_names = st.text(alphabet=KATAKANA + "ABCXYZabc0123山田商事工業", min_size=1, max_size=12)


@given(st.text(max_size=30))
def test_the_key_is_idempotent(name: str) -> None:
    key = corporate_name_key(name)
    assert corporate_name_key(key) == key


@given(st.text(min_size=1, max_size=30).filter(lambda s: s.strip()))
def test_never_empty_for_a_name_with_visible_characters(name: str) -> None:
    assert corporate_name_key(name)


@given(core_names)
def test_width_and_kana_variants_give_one_key(core: str) -> None:
    key = corporate_name_key(core)
    assert corporate_name_key(half_width(core)) == key
    assert corporate_name_key(full_width(core)) == key
    assert corporate_name_key(hiragana(core)) == key
    assert corporate_name_key(half_width(full_width(core))) == key


@given(core_names, st.sampled_from(FORMS), st.booleans(), st.sampled_from(["", " ", "　"]))
def test_a_corporate_form_in_front_or_behind_is_ignored(core: str, form: str, front: bool, space: str) -> None:
    name = f"{form}{space}{core}" if front else f"{core}{space}{form}"
    assert corporate_name_key(name) == corporate_name_key(core)


@pytest.mark.parametrize("form", ["株式会社", "有限会社", "合同会社", "一般社団法人", "(株)"])
def test_a_name_made_only_of_a_form_keeps_it(form: str) -> None:
    assert corporate_name_key(form) == corporate_name_key(form).strip()
    assert corporate_name_key(form) == form
    assert corporate_name_key(f" {form} ") == form


@pytest.mark.parametrize(("name", "key"), [
    ("株式会社日立製作所", "日立製作所"),
    ("日立製作所株式会社", "日立製作所"),
    ("ｶﾌﾞｼｷｶﾞｲｼｬ ﾋﾀﾁ", "ヒタチ"),
    ("Hitachi, Ltd.", "hitachi"),
    ("ACME Co., Ltd.", "acme"),
    ("Acme Inc.", "acme"),
    ("ＢＭ　ＳＱＵＡＲＥ株式会社", "bmsquare"),
    ("一般社団法人 日本ＡＢＣ協会", "日本abc協会"),
    ("㈱サンプル", "サンプル"),
    ("かぶしきがいしゃ ひたち", "ヒタチ"),
    ("株式会社みずほ銀行", "ミズホ銀行"),
    ("Zinc", "zinc"),  # "inc" only as a word of its own
    ("山田商事株式会社東京支店", "山田商事株式会社東京支店"),  # a form in the middle stays
])
def test_known_names(name: str, key: str) -> None:
    assert corporate_name_key(name) == key
