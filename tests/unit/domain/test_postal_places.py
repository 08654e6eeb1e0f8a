"""The start of an address put right by its postal code: a few misread glyphs in the prefecture, city or town
are replaced by the directory's spelling; a start far from it (another town, a Kyoto street name before the
town) and an address already right are left as read."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from dps.domain.cards.postal_places import PostalPlace, edit_distance, repair_by_postal

SHIBUYA = PostalPlace("東京都", "渋谷区", "渋谷")
TEARAIMIZU = PostalPlace("京都府", "京都市中京区", "手洗水町")


@pytest.mark.parametrize(("read", "places", "fixed"), [
    ("東京都渋谷区小谷2-21-1", [SHIBUYA], "東京都渋谷区渋谷2-21-1"),       # a town glyph misread
    ("東京都谷区渋谷2-21-1", [SHIBUYA], "東京都渋谷区渋谷2-21-1"),          # a glyph dropped
    ("東京都渋谷区濯谷 2-21-1 丸の内ビル5F", [SHIBUYA], "東京都渋谷区渋谷 2-21-1 丸の内ビル5F"),
    ("渋谷区波谷2-21-1", [SHIBUYA], "渋谷区渋谷2-21-1"),                    # no prefecture printed
    ("東京都渋谷区渋谷2-21-1", [SHIBUYA], "東京都渋谷区渋谷2-21-1"),        # right as read
    ("京都府京都市中京区烏丸通蛸薬師下ル手洗水町645", [TEARAIMIZU],         # a street before the town
     "京都府京都市中京区烏丸通蛸薬師下ル手洗水町645"),
    ("京都府京都市中京匡烏丸通蛸薬師下ル手洗水町645", [TEARAIMIZU],
     "京都府京都市中京区烏丸通蛸薬師下ル手洗水町645"),
    ("東京都渋谷区神南1-2-3", [SHIBUYA], "東京都渋谷区神南1-2-3"),          # another town: a wrong code
    ("東京都新宿区西新宿2-8-1", [SHIBUYA], "東京都新宿区西新宿2-8-1"),      # another city
    ("東京都渋谷区小谷2-21-1", [], "東京都渋谷区小谷2-21-1"),               # unknown code
    ("大阪府大阪市北区海田2-4-9", [SHIBUYA, PostalPlace("大阪府", "大阪市北区", "梅田")],
     "大阪府大阪市北区梅田2-4-9"),                                           # the code's towns in turn
])
def test_the_start_of_an_address_by_its_postal_code(read: str, places: list[PostalPlace], fixed: str) -> None:
    assert repair_by_postal(read, places) == fixed


@given(st.text(min_size=0, max_size=12), st.text(min_size=0, max_size=12))
def test_edit_distance_is_a_distance(a: str, b: str) -> None:
    d = edit_distance(a, b)
    assert d == edit_distance(b, a)
    assert (d == 0) == (a == b)
    assert abs(len(a) - len(b)) <= d <= max(len(a), len(b))


@given(st.sampled_from(["東京都渋谷区渋谷", "大阪府大阪市北区梅田", "北海道札幌市中央区北一条西"]),
       st.text(alphabet="0123456789-", min_size=1, max_size=8), st.data())
def test_one_misread_glyph_in_the_start_is_put_right(start: str, rest: str, data: st.DataObject) -> None:
    place = {"東京都渋谷区渋谷": PostalPlace("東京都", "渋谷区", "渋谷"),
             "大阪府大阪市北区梅田": PostalPlace("大阪府", "大阪市北区", "梅田"),
             "北海道札幌市中央区北一条西": PostalPlace("北海道", "札幌市中央区", "北一条西")}[start]
    at = data.draw(st.integers(0, len(start) - 1))
    wrong = data.draw(st.sampled_from("濯小波海匡亜"))
    read = start[:at] + wrong + start[at + 1:] + rest
    assert repair_by_postal(read, [place]) == start + rest
