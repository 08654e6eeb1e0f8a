"""The NTA Web-API client against the loopback fake: the three response types, batching, the name-search
quirks, divide paging, the diff, retries only where they help, and the application id kept secret."""

from __future__ import annotations

import logging
import time
from datetime import date
from pathlib import Path

import httpx
import pytest
from hypothesis import given
from hypothesis import strategies as st

from dps.adapters.registry import nta
from dps.adapters.registry.nta import BadResponse, NtaRegistry, parse_response
from dps.adapters.registry.online import strip_corporate_form, to_full_width
from dps.application.registry.ports import RegistrySource, RegistryUnavailable
from dps.application.shared.errors import Invalid
from tests.fakes.registry_servers import (
    DELETED,
    FOREIGN,
    IMAGE_NAME,
    NTA_APP_ID,
    OFFICIAL,
    OFFICIAL_SAMPLE_SJIS,
    OFFICIAL_SAMPLE_UTF8,
    OLD_SAMPLE,
    SAMPLE_SHOJI,
    FakeNta,
    nta_dataset,
)

SAMPLES = Path("/work/shared/reference/samples")
UNKNOWN = "7010001008844"  # valid, not in the fake's data
RESPONSE_TYPES = ("01", "02", "12")


def client(server: FakeNta, **kwargs: object) -> NtaRegistry:
    options: dict[str, object] = {"backoff": 0.0, **kwargs}
    return NtaRegistry(server.base_url, NTA_APP_ID, **options)  # type: ignore[arg-type]


# --- the fake speaks the official format ----------------------------------------------------------------


@pytest.mark.skipif(not SAMPLES.is_dir(), reason="the vendored reference samples are not on this machine")
def test_the_embedded_official_samples_are_the_vendored_files() -> None:
    assert (SAMPLES / "nta-num-ver4-sample-utf8.csv").read_bytes() == OFFICIAL_SAMPLE_UTF8
    assert (SAMPLES / "nta-num-ver4-sample-sjis.csv").read_bytes() == OFFICIAL_SAMPLE_SJIS


@pytest.mark.parametrize(("kind", "official"), [("02", OFFICIAL_SAMPLE_UTF8), ("01", OFFICIAL_SAMPLE_SJIS)])
def test_the_fake_renders_the_official_sample_byte_for_byte(kind: str, official: bytes) -> None:
    server = FakeNta(rows=[r for r in nta_dataset() if r["corporateNumber"] == OFFICIAL]).start()
    try:
        server.last_update = "2019-04-05"
        response = httpx.get(f"{server.base_url}/num", params={"id": NTA_APP_ID, "number": OFFICIAL, "type": kind})
    finally:
        server.stop()
    assert response.status_code == 200
    assert response.content == official
    assert response.headers["content-type"] == ("text/csv;charset=Shift_JIS" if kind == "01" else
                                                "text/csv;charset=UTF-8")


@pytest.mark.parametrize(("body", "kind"), [(OFFICIAL_SAMPLE_UTF8, "02"), (OFFICIAL_SAMPLE_SJIS, "01")])
def test_the_official_samples_parse(body: bytes, kind: nta.ResponseType) -> None:
    page = parse_response(body, kind)
    assert (page.header.last_update_date, page.header.count, page.header.divide_size) == (date(2019, 4, 5), 1, 1)
    (record,) = page.records
    assert record.corporate_number == OFFICIAL
    assert record.name == "株式会社検索対象除外"
    assert record.street == "(東京市神田区小川町一丁目10番地)"  # full-width digits and brackets folded
    assert record.assignment_date == date(2015, 10, 5)
    assert page.rows[0].hihyoji


@pytest.mark.parametrize("kind", RESPONSE_TYPES)
def test_history_rows_and_deletions_are_not_current_records(kind: nta.ResponseType) -> None:
    rows = [r for r in nta_dataset() if r["corporateNumber"] in (SAMPLE_SHOJI, DELETED)]
    reply = FakeNta().render(kind, rows, count=len(rows), divide=1, size=1)  # as /num?history=1 would answer
    page = parse_response(reply.body, kind)
    assert [(r.record.name, r.latest) for r in page.rows][:2] == [("株式会社サンプル", False),
                                                                  ("株式会社サンプル商事", True)]
    assert [r.name for r in page.records] == ["株式会社サンプル商事"]
    assert page.rows[-1].is_deletion


# --- /num -----------------------------------------------------------------------------------------------


@pytest.mark.parametrize("kind", RESPONSE_TYPES)
def test_by_numbers_maps_every_kind_of_record(nta_server: FakeNta, kind: nta.ResponseType) -> None:
    records = client(nta_server, response_type=kind).by_numbers([FOREIGN, UNKNOWN, SAMPLE_SHOJI, OLD_SAMPLE])

    assert [r.corporate_number for r in records] == [FOREIGN, SAMPLE_SHOJI, OLD_SAMPLE]  # asked order, unknown absent
    foreign, shoji, old = records
    assert shoji.source is RegistrySource.NTA
    assert shoji.name == "株式会社サンプル商事"  # the latest row, not the history row 株式会社サンプル
    assert (shoji.prefecture, shoji.city, shoji.street) == ("東京都", "千代田区", "丸の内1丁目6番6号サンプルビル3階")
    assert shoji.postal_code == "1000005"
    assert shoji.furigana == "サンプルショウジ"
    assert shoji.kind == "301"
    assert shoji.en_name == "Sample Shoji Co., Ltd."
    assert shoji.en_address == "6-6, Marunouchi 1-chome, Chiyoda-ku, Tokyo"
    assert (shoji.update_date, shoji.change_date) == (date(2024, 4, 5), date(2024, 4, 1))
    assert not shoji.is_closed
    assert old.is_closed
    assert (old.close_date, old.close_cause, old.successor_number) == (date(2024, 3, 29), "11", SAMPLE_SHOJI)
    assert foreign.kind == "401"
    assert foreign.address == "アメリカ合衆国カリフォルニア州サンノゼ市サンプル通り100"
    assert foreign.en_address == "100 Sample St., San Jose, California, U.S.A."
    (request,) = nta_server.requests
    assert request.path == "/4/num"
    assert request.query["type"] == kind
    assert request.query["history"] == "0"


@pytest.mark.parametrize(("kind", "name"), [("01", "株式会社〓野サンプル"), ("02", "株式会社𠮷野サンプル"),
                                            ("12", "株式会社𠮷野サンプル")])
def test_shift_jis_loses_characters_beyond_jis_level_2(nta_server: FakeNta, kind: nta.ResponseType,
                                                       name: str) -> None:
    (record,) = client(nta_server, response_type=kind).by_numbers([IMAGE_NAME])
    assert record.name == name


def test_numbers_go_in_batches_of_ten_after_normalising(nta_server: FakeNta) -> None:
    bulk = nta_server.add_bulk("バッチ", 23)
    typed = [f"T{bulk[0]}", "".join(chr(ord(c) + 0xFEE0) for c in bulk[1]), f"{bulk[2][:4]}-{bulk[2][4:]}", *bulk[3:],
             bulk[0]]

    records = client(nta_server).by_numbers(typed)

    assert [r.corporate_number for r in records] == bulk
    sent = [r.query["number"].split(",") for r in nta_server.requests]
    assert [len(s) for s in sent] == [10, 10, 3]
    assert [n for s in sent for n in s] == bulk


def test_a_wrong_check_digit_is_invalid_and_nothing_is_sent(nta_server: FakeNta) -> None:
    with pytest.raises(Invalid) as caught:
        client(nta_server).by_numbers([SAMPLE_SHOJI, "1234567890123", "2180001015846"])
    assert set(caught.value.errors) == {"corporate_number"}
    assert "1234567890123" in caught.value.errors["corporate_number"]
    assert "2180001015846" in caught.value.errors["corporate_number"]
    assert nta_server.requests == []


def test_no_numbers_no_request(nta_server: FakeNta) -> None:
    assert client(nta_server).by_numbers([]) == []
    assert nta_server.requests == []


# --- /name ----------------------------------------------------------------------------------------------


def test_the_fake_refuses_half_width_names_and_a_corporate_form_finds_nothing(nta_server: FakeNta) -> None:
    base = {"id": NTA_APP_ID, "type": "02", "mode": "2"}
    half = httpx.get(f"{nta_server.base_url}/name", params={**base, "name": "ABC商事"})
    assert half.status_code == 400
    assert half.text.startswith("101,")
    with_form = httpx.get(f"{nta_server.base_url}/name", params={**base, "name": "株式会社サンプル商事"})
    assert with_form.text.splitlines()[0].split(",")[1] == "0"


def test_search_sends_the_name_without_form_in_full_width(nta_server: FakeNta) -> None:
    registry = client(nta_server)
    registry.search_name("（株）サンプル商事")
    registry.search_name("ｻﾝﾌﾟﾙ")
    registry.search_name("ABC 1")
    sent = [r.query for r in nta_server.requests]
    assert [q["name"] for q in sent] == ["サンプル商事", "サンプル", "ＡＢＣ\u3000１"]
    assert all((q["mode"], q["target"], q["type"]) == ("2", "1", "02") for q in sent)


@pytest.mark.parametrize("kind", RESPONSE_TYPES)
def test_search_finds_active_before_closed_and_hides_excluded_records(nta_server: FakeNta,
                                                                       kind: nta.ResponseType) -> None:
    records = client(nta_server, response_type=kind).search_name("株式会社サンプル")
    numbers = [r.corporate_number for r in records]
    assert set(numbers) == {SAMPLE_SHOJI, FOREIGN, IMAGE_NAME, OLD_SAMPLE}
    assert numbers[-1] == OLD_SAMPLE  # closed last
    assert numbers[0] == SAMPLE_SHOJI  # name starts with the query
    assert OFFICIAL not in numbers  # hihyoji=1


def test_an_exact_name_comes_first(nta_server: FakeNta) -> None:
    nta_server.add_bulk("サンプル商事", 3)  # サンプル商事１.. match too; served before the exact one
    nta_server.rows = nta_server.rows[-3:] + nta_server.rows[:-3]
    records = client(nta_server).search_name("サンプル商事")
    assert records[0].corporate_number == SAMPLE_SHOJI
    assert len(records) == 4


def test_a_form_alone_or_a_bad_limit_is_invalid_and_nothing_is_sent(nta_server: FakeNta) -> None:
    with pytest.raises(Invalid) as caught:
        client(nta_server).search_name(" 株式会社 ")
    assert "name" in caught.value.errors
    with pytest.raises(Invalid) as caught:
        client(nta_server).search_name("サンプル", limit=0)
    assert "limit" in caught.value.errors
    assert nta_server.requests == []


def test_a_400_from_the_service_is_invalid_with_its_code(nta_server: FakeNta, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(nta, "to_full_width", lambda text: text)  # let a half-width name reach the service
    with pytest.raises(Invalid) as caught:
        client(nta_server).search_name("ABC")
    assert "error 101" in caught.value.errors["name"]
    assert "全角文字" in caught.value.errors["name"]
    assert len(nta_server.requests) == 1  # a 400 is not retried


def test_no_hits_is_an_empty_answer(nta_server: FakeNta) -> None:
    assert client(nta_server).search_name("存在しない名称") == []


@pytest.mark.parametrize("kind", RESPONSE_TYPES)
def test_search_pages_through_divide_up_to_the_limit(nta_server: FakeNta, kind: nta.ResponseType) -> None:
    nta_server.add_bulk("サンプル物産", 4500)
    registry = client(nta_server, response_type=kind)

    assert len(registry.search_name("サンプル物産", limit=20)) == 20
    assert [r.query.get("divide") for r in nta_server.requests] == [None]

    nta_server.requests.clear()
    everything = registry.search_name("サンプル物産", limit=5000)
    assert len(everything) == 4500
    assert len({r.corporate_number for r in everything}) == 4500
    assert [r.query.get("divide") for r in nta_server.requests] == [None, "2", "3"]

    nta_server.requests.clear()
    assert len(registry.search_name("サンプル物産", limit=2500)) == 2500
    assert len(nta_server.requests) == 2


# --- /diff ----------------------------------------------------------------------------------------------


@pytest.mark.parametrize("kind", RESPONSE_TYPES)
def test_diff_lists_changes_with_deletions(nta_server: FakeNta, kind: nta.ResponseType) -> None:
    changes = client(nta_server, response_type=kind).diff(date(2024, 4, 1), date(2024, 4, 30))
    by_number = {c.corporate_number: c for c in changes}
    assert set(by_number) == {SAMPLE_SHOJI, OLD_SAMPLE, FOREIGN, IMAGE_NAME, DELETED}
    assert by_number[DELETED].process == "99"
    assert by_number[DELETED].record is None
    assert by_number[DELETED].update_date == date(2024, 4, 5)
    merged = by_number[OLD_SAMPLE].record
    assert merged is not None
    assert merged.successor_number == SAMPLE_SHOJI
    assert nta_server.requests[0].query["from"] == "2024-04-01"


def test_diff_period_rules_are_checked_before_asking(nta_server: FakeNta) -> None:
    for start, end in [(date(2024, 4, 1), date(2024, 5, 22)), (date(2015, 11, 30), date(2015, 12, 5)),
                       (date(2024, 4, 2), date(2024, 4, 1))]:
        with pytest.raises(Invalid) as caught:
            client(nta_server).diff(start, end)
        assert "period" in caught.value.errors
    assert nta_server.requests == []


# --- failures and retries -------------------------------------------------------------------------------


@pytest.mark.parametrize("fault", ["503", "500", "429", "reset"])
def test_transient_failures_are_retried_then_succeed(nta_server: FakeNta, fault: str) -> None:
    nta_server.fail_next(2, fault)
    records = client(nta_server, retries=3).by_numbers([SAMPLE_SHOJI])
    assert [r.corporate_number for r in records] == [SAMPLE_SHOJI]
    assert len(nta_server.requests) == 3


@pytest.mark.parametrize(("fault", "reason"), [("503", "unreachable"), ("429", "throttled"),
                                               ("reset", "unreachable")])
def test_retries_stop_at_the_bound(nta_server: FakeNta, fault: str, reason: str) -> None:
    nta_server.fail_next(10, fault)
    with pytest.raises(RegistryUnavailable) as caught:
        client(nta_server, retries=2).by_numbers([SAMPLE_SHOJI])
    assert (caught.value.source, caught.value.reason) == (RegistrySource.NTA, reason)
    assert len(nta_server.requests) == 3


def test_retries_back_off_exponentially_and_say_so(nta_server: FakeNta, caplog: pytest.LogCaptureFixture) -> None:
    nta_server.fail_next(2, "503")
    started = time.monotonic()
    client(nta_server, retries=2, backoff=0.1).by_numbers([SAMPLE_SHOJI])
    assert time.monotonic() - started >= 0.1 + 0.2  # waits of 0.1 and 0.2 s, plus up to 0.1 s of jitter each
    assert "registry nta: attempt 1 failed (unreachable), retrying" in caplog.text
    assert "attempt 2 failed" in caplog.text


def test_a_hanging_service_times_out_and_is_retried(nta_server: FakeNta) -> None:
    nta_server.fail_next(2, "hang")
    with pytest.raises(RegistryUnavailable) as caught:
        client(nta_server, timeout=0.2, retries=1).search_name("サンプル")
    assert caught.value.reason == "timeout"
    assert "timed out" in caught.value.message
    assert len(nta_server.requests) == 2
    nta_server.fail_next(1, "hang")
    assert client(nta_server, timeout=0.2, retries=1).search_name("サンプル商事")  # second attempt answers


@pytest.mark.parametrize(("setup", "reason"), [("403", "throttled"), ("wrong-id", "unauthorized"),
                                               ("html", "bad_response")])
def test_refusals_are_not_retried(nta_server: FakeNta, setup: str, reason: str) -> None:
    if setup == "wrong-id":
        registry = NtaRegistry(nta_server.base_url, "WRONGAPPID999", backoff=0.0)
    else:
        nta_server.fail_next(1, setup)
        registry = client(nta_server)
    with pytest.raises(RegistryUnavailable) as caught:
        registry.by_numbers([SAMPLE_SHOJI])
    assert caught.value.reason == reason
    assert len(nta_server.requests) == 1


def test_an_unreachable_service(nta_server: FakeNta) -> None:
    registry = client(nta_server, retries=1)
    nta_server.stop()
    with pytest.raises(RegistryUnavailable) as caught:
        registry.by_numbers([SAMPLE_SHOJI])
    assert caught.value.reason == "unreachable"
    assert "NTA" in caught.value.message


@pytest.mark.parametrize("body", [b"", b"<html><body>maintenance</body></html>", b"2025-01-31,1,1,1\n1,2,3\n",
                                  b"2025-01-31,one,1,1\n"])
def test_unparseable_csv_is_a_bad_response(body: bytes) -> None:
    with pytest.raises(BadResponse):
        parse_response(body, "02")


@pytest.mark.parametrize("body", [b"not xml", b"<html/>",
                                  b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "b">]><corporations/>'])
def test_unparseable_or_dangerous_xml_is_a_bad_response(body: bytes) -> None:
    with pytest.raises(BadResponse):
        parse_response(body, "12")


def test_the_application_id_never_leaks(nta_server: FakeNta, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    messages: list[str] = []
    registry = client(nta_server, retries=1, timeout=0.2)
    for fault in ("503", "429", "403", "hang", "html", "reset"):
        nta_server.fail_next(2, fault)
        with pytest.raises(RegistryUnavailable) as caught:
            registry.by_numbers([SAMPLE_SHOJI])
        messages += [str(caught.value), repr(caught.value), caught.value.message]
    for name in ("ABC", "サンプル商事"):
        try:
            registry.search_name(name)
        except (Invalid, RegistryUnavailable) as e:
            messages.append(str(e))
    wrong = NtaRegistry(nta_server.base_url, "WRONGAPPID999", backoff=0.0)
    with pytest.raises(RegistryUnavailable) as refused:
        wrong.by_numbers([SAMPLE_SHOJI])
    messages += [str(refused.value), repr(registry), repr(wrong)]

    assert all(r.query["id"] in (NTA_APP_ID, "WRONGAPPID999") for r in nta_server.requests)  # it was sent
    assert "HTTP Request" in caplog.text  # httpx logged the requests...
    assert "id=***" in caplog.text  # ...with the id redacted
    for text in [*messages, caplog.text]:
        assert NTA_APP_ID not in text
        assert "WRONGAPPID999" not in text


# --- pure helpers ---------------------------------------------------------------------------------------


@given(st.text(max_size=30))
def test_full_width_queries_never_hold_half_width_characters(text: str) -> None:
    query = to_full_width(text)
    assert not any(ord(c) < 0x80 or "\uff61" <= c <= "\uff9f" for c in query)
    assert to_full_width(query) == query


@given(st.sampled_from(["株式会社", "(株)", "㈱", "（株）", "有限会社", "一般社団法人", "合同会社"]),
       st.text(alphabet="サンプル商事ABCａｂ", min_size=1, max_size=8), st.booleans())
def test_the_corporate_form_goes_in_front_or_behind(form: str, name: str, behind: bool) -> None:
    text = f"{name}{form}" if behind else f"{form} {name}"
    assert strip_corporate_form(text) == strip_corporate_form(name)
