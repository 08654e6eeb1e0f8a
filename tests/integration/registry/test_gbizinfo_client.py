"""The gBizINFO v2 client against the loopback fake: the token header, v1 omissions / v2 nulls / "Null",
404 as "absent", the profile, search, retries only where they help, and the token kept secret."""

from __future__ import annotations

import logging
from datetime import date

import httpx
import pytest

from dps.adapters.registry import gbizinfo
from dps.adapters.registry.gbizinfo import GbizinfoProfile, GbizinfoRegistry
from dps.application.registry.ports import RegistrySource, RegistryUnavailable
from dps.application.shared.errors import Invalid
from tests.fakes.registry_servers import GBIZ_TOKEN, IMAGE_NAME, OLD_SAMPLE, SAMPLE_SHOJI, FakeGbizinfo

METI = "4000012090001"  # served as the real v1 body captured in 2021
UNKNOWN = "7010001008844"


def client(server: FakeGbizinfo, **kwargs: object) -> GbizinfoRegistry:
    options: dict[str, object] = {"backoff": 0.0, **kwargs}
    return GbizinfoRegistry(server.base_url, GBIZ_TOKEN, **options)  # type: ignore[arg-type]


def test_the_fake_answers_like_the_service(gbiz_server: FakeGbizinfo) -> None:
    url = f"{gbiz_server.base_url}/v2/hojin"
    token = {"X-hojinInfo-api-token": GBIZ_TOKEN}
    assert httpx.get(f"{url}/{SAMPLE_SHOJI}").status_code == 500  # no token header at all
    assert httpx.get(f"{url}/{SAMPLE_SHOJI}", headers={"X-hojinInfo-api-token": "nope"}).status_code == 401
    assert httpx.get(f"{url}/", headers=token).status_code == 500  # trailing slash
    missing = httpx.get(f"{url}/{UNKNOWN}", headers=token)
    assert (missing.status_code, missing.json()) == (404, {"id": None, "errors": [], "message": "404 - Not Found."})
    found = httpx.get(f"{url}/{SAMPLE_SHOJI}", headers=token).json()
    assert (found["id"], found["message"], found["errors"]) == (SAMPLE_SHOJI, "200 - OK.", None)
    page = httpx.get(url, params={"name": "サンプル", "page": "11"}, headers=token)
    assert page.status_code == 400
    assert page.json()["errors"] == [{"item": "page", "message": "1以上、10以内で入力してください。"}]


def test_by_numbers_maps_v2_v1_and_null_records(gbiz_server: FakeGbizinfo) -> None:
    records = client(gbiz_server).by_numbers([SAMPLE_SHOJI, UNKNOWN, METI, OLD_SAMPLE, IMAGE_NAME])

    assert [r.corporate_number for r in records] == [SAMPLE_SHOJI, METI, OLD_SAMPLE, IMAGE_NAME]  # unknown absent
    shoji, meti, old, nulls = records
    assert shoji.source is RegistrySource.GBIZINFO
    assert (shoji.name, shoji.furigana, shoji.kind, shoji.postal_code) == ("株式会社サンプル商事", "サンプルショウジ",
                                                                           "301", "1000005")
    assert shoji.address == "東京都千代田区丸の内1丁目6番6号"  # full-width digits folded
    assert shoji.prefecture == "東京都"
    assert shoji.en_name == ""  # v2 null
    assert shoji.update_date == date(2024, 4, 8)
    assert not shoji.is_closed
    assert meti.furigana == "ケイザイサンギョウショウ"  # v1 hiragana -> katakana
    assert meti.en_name == "Ministry of Economy, Trade and Industry"
    assert meti.kind == ""  # v1 omitted the field
    assert old.name == "株式会社旧サンプル"  # v1's （閉鎖） suffix dropped
    assert old.is_closed
    assert (old.close_date, old.close_cause) == (date(2024, 3, 29), "合併による解散等")
    assert nulls.en_name == ""  # the string "Null"
    assert nulls.close_date is None  # "Null" as a date
    assert nulls.name == "株式会社𠮷野サンプル"


def test_one_request_per_number_with_the_token_header(gbiz_server: FakeGbizinfo) -> None:
    client(gbiz_server).by_numbers([f"T{SAMPLE_SHOJI}", SAMPLE_SHOJI, UNKNOWN])
    assert [r.path for r in gbiz_server.requests] == [f"/hojin/v2/hojin/{SAMPLE_SHOJI}", f"/hojin/v2/hojin/{UNKNOWN}"]
    assert all(r.headers["x-hojininfo-api-token"] == GBIZ_TOKEN for r in gbiz_server.requests)
    assert all(r.headers["accept"] == "application/json" for r in gbiz_server.requests)


def test_a_wrong_check_digit_is_invalid_and_nothing_is_sent(gbiz_server: FakeGbizinfo) -> None:
    with pytest.raises(Invalid) as caught:
        client(gbiz_server).by_numbers(["1234567890123"])
    assert "1234567890123" in caught.value.errors["corporate_number"]
    with pytest.raises(Invalid):
        client(gbiz_server).profile("2180001015846")
    assert gbiz_server.requests == []


def test_profile_carries_the_richer_data(gbiz_server: FakeGbizinfo) -> None:
    registry = client(gbiz_server)
    profile = registry.profile(SAMPLE_SHOJI)
    assert profile == GbizinfoProfile(
        corporate_number=SAMPLE_SHOJI, capital_stock=10_000_000, employee_number=48,
        business_summary="業務用機器の販売\n保守サービス", company_url="https://www.example.co.jp",
        representative_name="代表取締役 山田 太郎", date_of_establishment=date(2010, 4, 1))
    assert profile.extra["capital_stock"] == "10000000"
    assert "representative_position" not in profile.extra

    nulls = registry.profile(IMAGE_NAME)
    assert nulls == GbizinfoProfile(corporate_number=IMAGE_NAME)  # null and "Null" alike read as no value
    assert nulls is not None
    assert nulls.extra == {}
    v1 = registry.profile(OLD_SAMPLE)
    assert v1 is not None
    assert (v1.representative_position, v1.representative_name) == ("代表取締役", "佐 藤 尚 文")
    assert registry.profile(UNKNOWN) is None


def test_search_strips_the_form_and_maps_search_items(gbiz_server: FakeGbizinfo) -> None:
    records = client(gbiz_server).search_name("（株）サンプル", limit=5)
    assert {r.corporate_number for r in records} == {SAMPLE_SHOJI, IMAGE_NAME, OLD_SAMPLE}
    (request,) = gbiz_server.requests
    assert (request.path, request.query) == ("/hojin/v2/hojin", {"name": "サンプル", "limit": "5", "page": "1"})
    old = next(r for r in records if r.corporate_number == OLD_SAMPLE)
    assert old.name == "株式会社旧サンプル"


def test_search_limits_and_latin_names(gbiz_server: FakeGbizinfo) -> None:
    registry = client(gbiz_server)
    assert len(registry.search_name("サンプル", limit=1)) == 1
    (meti,) = registry.search_name("Ministry of Economy")  # matched against name_en by the service
    assert meti.corporate_number == METI


def test_no_hits_404_is_an_empty_answer(gbiz_server: FakeGbizinfo) -> None:
    assert client(gbiz_server).search_name("存在しない名称") == []


def test_bad_input_is_invalid(gbiz_server: FakeGbizinfo, monkeypatch: pytest.MonkeyPatch) -> None:
    registry = client(gbiz_server)
    for name, limit in [("株式会社", 20), ("サンプル", 0), ("サンプル", 5001)]:
        with pytest.raises(Invalid):
            registry.search_name(name, limit=limit)
    assert gbiz_server.requests == []
    monkeypatch.setattr(gbizinfo, "MAX_LIMIT", 10_000)  # let an out-of-range limit reach the service
    with pytest.raises(Invalid) as caught:
        registry.search_name("サンプル", limit=6000)
    assert "limit: 0以上、5000以内" in caught.value.errors["name"]
    assert len(gbiz_server.requests) == 1  # a 400 is not retried


@pytest.mark.parametrize("fault", ["503", "500", "429", "reset"])
def test_transient_failures_are_retried_then_succeed(gbiz_server: FakeGbizinfo, fault: str) -> None:
    gbiz_server.fail_next(2, fault)
    assert client(gbiz_server, retries=2).by_numbers([SAMPLE_SHOJI])
    assert len(gbiz_server.requests) == 3


@pytest.mark.parametrize(("fault", "reason"), [("503", "unreachable"), ("429", "throttled"), ("hang", "timeout")])
def test_retries_stop_at_the_bound(gbiz_server: FakeGbizinfo, fault: str, reason: str) -> None:
    gbiz_server.fail_next(10, fault)
    with pytest.raises(RegistryUnavailable) as caught:
        client(gbiz_server, retries=2, timeout=0.2).search_name("サンプル")
    assert (caught.value.source, caught.value.reason) == (RegistrySource.GBIZINFO, reason)
    assert "gBizINFO" in caught.value.message
    assert len(gbiz_server.requests) == 3


@pytest.mark.parametrize(("setup", "reason"), [("bad-token", "unauthorized"), ("403", "unauthorized"),
                                               ("html", "bad_response")])
def test_refusals_are_not_retried(gbiz_server: FakeGbizinfo, setup: str, reason: str) -> None:
    if setup == "bad-token":
        registry = GbizinfoRegistry(gbiz_server.base_url, "not-the-token", backoff=0.0)
    else:
        gbiz_server.fail_next(1, setup)
        registry = client(gbiz_server)
    with pytest.raises(RegistryUnavailable) as caught:
        registry.by_numbers([SAMPLE_SHOJI])
    assert caught.value.reason == reason
    assert len(gbiz_server.requests) == 1


def test_an_unreachable_service(gbiz_server: FakeGbizinfo) -> None:
    registry = client(gbiz_server, retries=1)
    gbiz_server.stop()
    with pytest.raises(RegistryUnavailable) as caught:
        registry.profile(SAMPLE_SHOJI)
    assert caught.value.reason == "unreachable"


def test_the_token_never_leaks(gbiz_server: FakeGbizinfo, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    registry = client(gbiz_server, retries=1, timeout=0.2)
    messages = [repr(registry)]
    for fault in ("503", "429", "hang", "html", "reset"):
        gbiz_server.fail_next(2, fault)
        with pytest.raises(RegistryUnavailable) as caught:
            registry.by_numbers([SAMPLE_SHOJI])
        messages += [str(caught.value), caught.value.message]
    assert gbiz_server.requests[0].headers["x-hojininfo-api-token"] == GBIZ_TOKEN
    for text in [*messages, caplog.text]:
        assert GBIZ_TOKEN not in text
