"""Loopback fakes of the NTA 法人番号システム Web-API Ver.4 and the gBizINFO REST API v2 that speak the real
wire formats and quirks (shared/reference/external-apis.md §1.11 and §2.9 checklists): Shift_JIS CSV with
CRLF, UTF-8 CSV with LF, single-line XML, the `NNN,message` 400 bodies, divide paging, 404 for an unknown
NTA application id, the gBizINFO envelope with v1 omissions / v2 nulls / the string "Null", 401 for a bad
token, 404 for unknown numbers and empty searches.

Each server is a `ThreadingHTTPServer` on 127.0.0.1 and a free port, in a daemon thread. `fail_next(n,
kind)` makes the next n requests fail: "503", "500", "429", "403" (the NTA's throttling), "hang" (answer
only after `hang_seconds`, so a client with a shorter timeout times out), "reset" (close the connection
without answering) or "html" (a 200 maintenance page). Every request is kept in `requests`.
"""

from __future__ import annotations

import json
import re
import threading
import unicodedata
from collections import deque
from collections.abc import Iterable, Mapping, Sequence
from datetime import date, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Self
from urllib.parse import parse_qs, urlsplit
from xml.sax.saxutils import escape

from attrs import frozen

from dps.domain.registry.corporate_number import CorporateNumber

NTA_APP_ID = "FAKEAPPID0001"
"""13 alphanumerics, like a real application id (§1.1)."""
GBIZ_TOKEN = "fake-gbizinfo-token-0123456789"

# The official NTA Ver.4 sample `num` response (N-SAMPLE), byte for byte: type=02 (UTF-8, LF) and type=01
# (Shift_JIS, CRLF). tests/integration/registry checks them against the vendored files when present.
OFFICIAL_SAMPLE_UTF8 = (
    "2019-04-05,1,1,1\n"
    '1,5111101000006,01,1,2019-04-03,2015-10-05,"株式会社検索対象除外",,301,"東京都","千代田区",'
    '"（東京市神田区小川町一丁目１０番地）",,13,101,1000000,,,,,,,2015-10-05,1,,,,,,1\n'
).encode()
OFFICIAL_SAMPLE_SJIS = OFFICIAL_SAMPLE_UTF8.decode().replace("\n", "\r\n").encode("cp932")

# The real v1 basic-profile body of 経済産業省 (G-VCR1, 2021): v1 omits empty fields, kana is hiragana.
GBIZ_V1_METI_BODY = (
    '{"id": "4000012090001", "errors": null, "message": "200 - OK.", "hojin-infos": [{"corporate_number": '
    '"4000012090001", "postal_code": "1000013", "location": "東京都千代田区霞が関１丁目３－１", "name": "経済産業省", '
    '"kana": "けいざいさんぎょうしょう", "name_en": "Ministry of Economy, Trade and Industry", "status": "-", '
    '"update_date": "2018-04-02T00:00:00+09:00"}]}'
)

FIELDS: tuple[str, ...] = (
    "sequenceNumber", "corporateNumber", "process", "correct", "updateDate", "changeDate", "name",
    "nameImageId", "kind", "prefectureName", "cityName", "streetNumber", "addressImageId", "prefectureCode",
    "cityCode", "postCode", "addressOutside", "addressOutsideImageId", "closeDate", "closeCause",
    "successorCorporateNumber", "changeCause", "assignmentDate", "latest", "enName", "enPrefectureName",
    "enCityName", "enAddressOutside", "furigana", "hihyoji",
)
_TEXT_FIELDS = {"name", "prefectureName", "cityName", "streetNumber", "addressOutside", "changeCause", "enName",
                "enPrefectureName", "enCityName", "enAddressOutside", "furigana"}
_FORMS = ("株式会社", "有限会社", "合同会社", "合資会社", "合名会社", "一般社団法人", "一般財団法人")


def number(base12: str) -> str:
    """A valid corporate number built from 12 base digits (the check digit in front)."""
    return CorporateNumber.from_base(base12).value


def full_width(text: str) -> str:
    return "".join(chr(ord(c) + 0xFEE0) if "!" <= c <= "~" else c for c in text)


@frozen
class Recorded:
    method: str
    path: str
    query: Mapping[str, str]
    headers: Mapping[str, str]


@frozen
class Reply:
    status: int
    body: bytes
    content_type: str


class FaultyServer:
    """The loopback HTTP server shared by both fakes, with scripted faults and a request log."""

    hang_seconds = 2.0

    def __init__(self) -> None:
        self.requests: list[Recorded] = []
        self._faults: deque[str] = deque()
        self._lock = threading.Lock()
        self._release = threading.Event()
        self._server: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None

    # -- control ------------------------------------------------------------------------------------------

    def fail_next(self, n: int, kind: str) -> None:
        assert kind in ("503", "500", "429", "403", "hang", "reset", "html"), kind
        with self._lock:
            self._faults.extend([kind] * n)

    @property
    def port(self) -> int:
        assert self._server is not None
        return int(self._server.server_address[1])

    def start(self) -> Self:
        fake = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_GET(self) -> None:
                fake._serve(self)

            def log_message(self, format: str, *args: object) -> None:
                return None

        server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        server.daemon_threads = True
        self._server = server
        self._thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.02},
                                        name=type(self).__name__, daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        self._release.set()
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
        if self._thread is not None:
            self._thread.join(timeout=5)

    # -- serving ------------------------------------------------------------------------------------------

    def handle(self, path: str, query: Mapping[str, str], headers: Mapping[str, str]) -> Reply:
        raise NotImplementedError

    def _serve(self, request: BaseHTTPRequestHandler) -> None:
        split = urlsplit(request.path)
        query = {k: v[0] for k, v in parse_qs(split.query, keep_blank_values=True).items()}
        headers = {k.lower(): v for k, v in request.headers.items()}
        with self._lock:
            self.requests.append(Recorded("GET", split.path, query, headers))
            fault = self._faults.popleft() if self._faults else None
        if fault == "reset":
            request.close_connection = True
            request.connection.close()
            return
        if fault == "hang":
            self._release.wait(self.hang_seconds)
        if fault in ("503", "500"):
            reply = Reply(int(fault), b"<html><body>Service Unavailable</body></html>", "text/html")
        elif fault == "429":
            reply = Reply(429, b"Too Many Requests", "text/plain")
        elif fault == "403":
            reply = Reply(403, b"<html><body>403 Forbidden</body></html>", "text/html")
        elif fault == "html":
            reply = Reply(200, "<!DOCTYPE html><html><body>メンテナンス中です</body></html>".encode(), "text/html")
        else:
            try:
                reply = self.handle(split.path, query, headers)
            except Exception as e:  # a bug in the fake must show, not hang the client
                reply = Reply(599, f"fake server error: {e!r}".encode(), "text/plain")
        try:
            request.send_response(reply.status)
            request.send_header("Content-Type", reply.content_type)
            request.send_header("Content-Length", str(len(reply.body)))
            request.send_header("Set-Cookie", "JSESSIONID=fake; Path=/")
            request.end_headers()
            request.wfile.write(reply.body)
        except OSError:
            pass  # the client gave up (timeout test)


# ---------------------------------------------------------------------------------------------------------
# NTA 法人番号システム Web-API Ver.4


def nta_row(**values: str) -> dict[str, str]:
    """A 30-field record with the given fields (XML element names) and sensible defaults."""
    row = dict.fromkeys(FIELDS, "")
    row.update({"process": "01", "correct": "0", "updateDate": "2024-04-05", "changeDate": "2015-10-05",
                "kind": "301", "prefectureName": "東京都", "cityName": "千代田区", "prefectureCode": "13",
                "cityCode": "101", "assignmentDate": "2015-10-05", "latest": "1", "hihyoji": "0"})
    row.update(values)
    return row


SAMPLE_SHOJI = number("010001234567")  # 4010001234567, as in the reference §1.10
OLD_SAMPLE = number("010401999999")  # 3010401999999, closed by merger into SAMPLE_SHOJI
FOREIGN = number("120001555555")  # 4120001555555, kind 401 with a foreign address
IMAGE_NAME = number("011101000001")  # 3011101000001, a name outside JIS level 1-2 (nameImageId)
DELETED = number("010001000099")  # only in /diff, as a process 99 row
OFFICIAL = "5111101000006"  # the official sample (hihyoji=1)


def nta_dataset() -> list[dict[str, str]]:
    """The constructed records of §1.10/§1.11 plus the official sample; history rows included."""
    return [
        nta_row(corporateNumber=OFFICIAL, process="01", correct="1", updateDate="2019-04-03", changeDate="2015-10-05",
                name="株式会社検索対象除外", streetNumber="（東京市神田区小川町一丁目１０番地）", postCode="1000000",
                hihyoji="1"),
        nta_row(corporateNumber=SAMPLE_SHOJI, process="01", updateDate="2015-11-13", name="株式会社サンプル",
                streetNumber="丸の内１丁目１番１号", postCode="1000005", latest="0", furigana="サンプル"),
        nta_row(corporateNumber=SAMPLE_SHOJI, process="12", updateDate="2024-04-05", changeDate="2024-04-01",
                name="株式会社サンプル商事", streetNumber="丸の内１丁目６番６号サンプルビル３階", postCode="1000005",
                enName="Sample Shoji Co., Ltd.", enPrefectureName="Tokyo",
                enCityName="6-6, Marunouchi 1-chome, Chiyoda-ku", furigana="サンプルショウジ"),
        nta_row(corporateNumber=OLD_SAMPLE, process="21", updateDate="2024-04-05", changeDate="2024-03-29",
                name="株式会社旧サンプル", cityName="港区", streetNumber="赤坂７丁目９番７号", cityCode="103",
                postCode="1070052", closeDate="2024-03-29", closeCause="11", successorCorporateNumber=SAMPLE_SHOJI,
                changeCause=f"令和６年３月１日東京都千代田区丸の内１丁目６番６号株式会社サンプル商事（{SAMPLE_SHOJI}）"
                            "に合併し解散"),
        nta_row(corporateNumber=FOREIGN, process="13", updateDate="2024-04-08", kind="401", name="サンプル・インク",
                prefectureName="", cityName="", prefectureCode="", cityCode="",
                addressOutside="アメリカ合衆国カリフォルニア州サンノゼ市サンプル通り１００",
                enName="Sample Inc.", enAddressOutside="100 Sample St., San Jose, California, U.S.A."),
        nta_row(corporateNumber=IMAGE_NAME, process="01", updateDate="2024-04-08", name="株式会社𠮷野サンプル",
                nameImageId="00106474", streetNumber="神田小川町１丁目１０番地", postCode="1010052",
                furigana="ヨシノサンプル"),
        nta_row(corporateNumber=DELETED, process="99", correct="", updateDate="2024-04-05", changeDate="", kind="",
                prefectureName="", cityName="", prefectureCode="", cityCode="", assignmentDate="", latest="",
                hihyoji=""),
    ]


def _quote(field: str, value: str) -> str:
    if field in _TEXT_FIELDS and value:
        return '"' + value.replace('"', '""') + '"'
    return value


def _fold(text: str) -> str:
    """target=1 fuzzy matching: hiragana to katakana, lower to upper case, ・ and full-width spaces dropped."""
    text = "".join(chr(ord(c) + 0x60) if "ぁ" <= c <= "ゖ" else c for c in text)
    return text.upper().replace("・", "").replace("\u3000", "")


def _strip_form(name: str) -> str:
    for form in _FORMS:
        name = name.removeprefix(form).removesuffix(form)
    return name


class FakeNta(FaultyServer):
    """`/4/num`, `/4/name` and `/4/diff` over `rows` (latest and history rows, deletions)."""

    def __init__(self, *, application_id: str = NTA_APP_ID, chunk_size: int = 2000,
                 rows: Iterable[Mapping[str, str]] | None = None) -> None:
        super().__init__()
        self.application_id = application_id
        self.chunk_size = chunk_size
        self.last_update = "2025-01-31"
        self.rows: list[dict[str, str]] = [dict(r) for r in (nta_dataset() if rows is None else rows)]

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/4"

    def add_bulk(self, name: str, count: int, *, start: int = 500000) -> list[str]:
        """`count` active companies named 株式会社{name}{full-width index}; their numbers."""
        numbers = []
        for i in range(count):
            n = number(f"0100{start + i:08d}")
            numbers.append(n)
            self.rows.append(nta_row(corporateNumber=n, name=f"株式会社{name}{full_width(str(i + 1))}",
                                     streetNumber=f"大手町{full_width(str(i % 9 + 1))}丁目", postCode="1000004"))
        return numbers

    def handle(self, path: str, query: Mapping[str, str], headers: Mapping[str, str]) -> Reply:
        match = re.fullmatch(r"/4/(num|name|diff)", path)
        if match is None:
            return Reply(404, b"<html><body>Not Found</body></html>", "text/html")
        if query.get("id") != self.application_id:
            return Reply(404, b"<html><body>Not Found</body></html>", "text/html")  # §1.7: unknown id -> 404
        kind = query.get("type", "")
        if kind not in ("01", "02", "12"):
            return self.error("070", "応答形式を正しく指定してください")
        endpoint = match.group(1)
        found = getattr(self, f"_{endpoint}")(query)
        if isinstance(found, Reply):
            return found
        divide = query.get("divide", "1")
        if not divide.isdigit() or not 1 <= int(divide) <= 99999:
            return self.error("130", "分割番号を正しく指定してください")
        size = max(1, -(-len(found) // self.chunk_size))
        if int(divide) > size:
            return self.error("131", "分割番号が分割数を超えています")
        chunk = found[(int(divide) - 1) * self.chunk_size:int(divide) * self.chunk_size]
        return self.render(kind, chunk, count=len(found), divide=int(divide), size=size)

    @staticmethod
    def error(code: str, message: str) -> Reply:
        return Reply(400, f"{code},{message}".encode(), "text/plain;charset=UTF-8")

    def _num(self, query: Mapping[str, str]) -> list[dict[str, str]] | Reply:
        numbers = query.get("number", "").split(",")
        if not 1 <= len(numbers) <= 10:
            return self.error("040", "法人番号は１０件以内で指定してください")
        if any(len(n) != 13 or not n.isdigit() for n in numbers):
            return self.error("041", "法人番号は１３桁の数字で指定してください")
        history = query.get("history", "0") == "1"
        return [r for n in numbers for r in self.rows
                if r["corporateNumber"] == n and r["process"] != "99" and (history or r["latest"] == "1")]

    def _name(self, query: Mapping[str, str]) -> list[dict[str, str]] | Reply:
        name = query.get("name", "")
        if not name:
            return self.error("100", "商号又は名称を指定してください")
        if any(ord(c) < 0x80 or "\uff61" <= c <= "\uff9f" for c in name):
            return self.error("101", "商号又は名称には全角文字をUTF-8でエンコードして設定してください")
        wanted = _fold(name)
        mode = query.get("mode", "1")
        closed = query.get("close", "1") == "1"

        def hit(row: Mapping[str, str]) -> bool:
            key = _fold(_strip_form(row["name"]))
            matched = key.startswith(wanted) if mode == "1" else wanted in key
            return (matched and row["latest"] == "1" and row["hihyoji"] != "1" and row["process"] != "99"
                    and (closed or not row["closeDate"]))

        return [r for r in self.rows if hit(r)]

    def _diff(self, query: Mapping[str, str]) -> list[dict[str, str]] | Reply:
        try:
            start, end = date.fromisoformat(query["from"]), date.fromisoformat(query["to"])
        except (KeyError, ValueError):
            return self.error("050", "取得期間を正しく指定してください")
        if start < date(2015, 12, 1) or start > end or end - start > timedelta(days=50):
            return self.error("051", "取得期間は５０日以内で指定してください")
        return [r for r in self.rows if start <= date.fromisoformat(r["updateDate"]) <= end and r["latest"] != "0"]

    def render(self, kind: str, rows: Sequence[Mapping[str, str]], *, count: int, divide: int, size: int) -> Reply:
        if kind == "12":
            parts = ['<?xml version="1.0" encoding="UTF-8"?><corporations>',
                     f"<lastUpdateDate>{self.last_update}</lastUpdateDate><count>{count}</count>",
                     f"<divideNumber>{divide}</divideNumber><divideSize>{size}</divideSize>"]
            for seq, row in enumerate(rows, start=(divide - 1) * self.chunk_size + 1):
                values = {**row, "sequenceNumber": str(seq)}
                parts.append("<corporation>" + "".join(f"<{f}>{escape(values[f])}</{f}>" if values[f] else f"<{f}/>"
                                                       for f in FIELDS) + "</corporation>")
            parts.append("</corporations>")
            return Reply(200, "".join(parts).encode(), "application/xml;charset=UTF-8")
        lines = [f"{self.last_update},{count},{divide},{size}"]
        for seq, row in enumerate(rows, start=(divide - 1) * self.chunk_size + 1):
            values = {**row, "sequenceNumber": str(seq)}
            lines.append(",".join(_quote(f, values[f]) for f in FIELDS))
        if kind == "01":  # Shift_JIS, CRLF; characters beyond JIS level 1-2 become 〓 (the name image id tells)
            text = "".join(line + "\r\n" for line in lines)
            body = "".join(c if _cp932(c) else "〓" for c in text).encode("cp932")
            return Reply(200, body, "text/csv;charset=Shift_JIS")
        return Reply(200, "".join(line + "\n" for line in lines).encode(), "text/csv;charset=UTF-8")


def _cp932(char: str) -> bool:
    try:
        char.encode("cp932")
    except UnicodeEncodeError:
        return False
    return True


# ---------------------------------------------------------------------------------------------------------
# gBizINFO REST API v2

GBIZ_SAMPLE: dict[str, Any] = {  # §2.8, the v2 basic profile (explicit nulls)
    "corporate_number": SAMPLE_SHOJI, "name": "株式会社サンプル商事", "kana": "サンプルショウジ", "name_en": None,
    "postal_code": "1000005", "location": "東京都千代田区丸の内１丁目６番６号", "process": "12",
    "aggregated_year": "1", "status": "-", "close_date": None, "close_cause": None, "kind": "301",
    "representative_name": "代表取締役　山田　太郎", "capital_stock": 10000000, "employee_number": 48,
    "company_size_male": 30, "company_size_female": 18, "business_summary": "業務用機器の販売\n保守サービス",
    "company_url": "https://www.example.co.jp", "founding_year": 2010, "industry": ["I"],
    "date_of_establishment": "2010-04-01", "business_items": ["110", "306"], "qualification_grade": "C、C、C、C",
    "update_date": "2024-04-08T00:00:00+09:00",
}
GBIZ_NULLS: dict[str, Any] = {  # v2 with the literal string "Null" in some fields (§2.5, G-LIVE2 README)
    "corporate_number": IMAGE_NAME, "name": "株式会社𠮷野サンプル", "kana": "ヨシノサンプル", "name_en": "Null",
    "postal_code": "1010052", "location": "東京都千代田区神田小川町１丁目１０番地", "process": "01",
    "aggregated_year": "1", "status": "-", "close_date": "Null", "close_cause": None, "kind": "301",
    "representative_name": "Null", "capital_stock": None, "employee_number": "Null", "company_size_male": None,
    "company_size_female": None, "business_summary": None, "company_url": "Null", "founding_year": None,
    "industry": [], "date_of_establishment": None, "business_items": [], "qualification_grade": None,
    "update_date": "2024-04-08T00:00:00+09:00",
}
# v1 shape of a closed corporation: （閉鎖） in the name, the cause as text, the position apart
GBIZ_CLOSED_V1: dict[str, Any] = {
    "corporate_number": OLD_SAMPLE, "postal_code": "1070052", "location": "東京都港区赤坂７丁目９番７号",
    "name": "株式会社旧サンプル（閉鎖）", "kana": "きゅうさんぷる", "status": "閉鎖", "close_date": "2024-03-29",
    "close_cause": "合併による解散等", "representative_name": "佐　藤　尚　文", "representative_position": "代表取締役",
    "update_date": "2024-04-05T00:00:00+09:00",
}
_SEARCH_FIELDS = ("corporate_number", "name", "name_en", "postal_code", "location", "status", "update_date")


def _envelope(id_: str | None, message: str, items: list[Any] | None = None,
              errors: list[Mapping[str, str]] | None = None) -> bytes:
    body: dict[str, Any] = {"id": id_, "errors": errors, "message": message}
    if items is not None:
        body["hojin-infos"] = items
    return json.dumps(body, ensure_ascii=False).encode()


class FakeGbizinfo(FaultyServer):
    """`/hojin/v2/hojin/{number}` and `/hojin/v2/hojin?name=...` over `items` (basic profiles by number)."""

    def __init__(self, *, token: str = GBIZ_TOKEN) -> None:
        super().__init__()
        self.token = token
        self.items: dict[str, dict[str, Any]] = {
            item["corporate_number"]: item for item in (GBIZ_SAMPLE, GBIZ_NULLS, GBIZ_CLOSED_V1)}
        self.raw: dict[str, bytes] = {"4000012090001": GBIZ_V1_METI_BODY.encode()}

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/hojin"

    def _json(self, status: int, body: bytes) -> Reply:
        return Reply(status, body, "application/json;charset=UTF-8")

    def handle(self, path: str, query: Mapping[str, str], headers: Mapping[str, str]) -> Reply:
        token = headers.get("x-hojininfo-api-token")
        if token is None:
            return self._json(500, _envelope(None, "500 - Internal Server Error.", errors=[]))
        if token != self.token:
            return self._json(401, _envelope(None, "401 - Unauthorized.", errors=[]))
        if path.endswith("/"):
            return self._json(500, _envelope(None, "500 - Internal Server Error.", errors=[]))
        match = re.fullmatch(r"/hojin/v2/hojin(?:/([^/]+))?", path)
        if match is None:
            return Reply(404, b"<html><body>404 Not Found</body></html>", "text/html")
        if match.group(1) is not None:
            return self._by_number(match.group(1))
        return self._search(query)

    def _by_number(self, corporate_number: str) -> Reply:
        if not re.fullmatch(r"\d{13}", corporate_number):
            return self._json(400, _envelope(None, "400 - Bad Request.", errors=[
                {"item": "corporate_number", "message": "法人番号は13桁の数字で入力してください。"}]))
        if corporate_number in self.raw:
            return self._json(200, self.raw[corporate_number])
        item = self.items.get(corporate_number)
        if item is None:
            return self._json(404, _envelope(None, "404 - Not Found.", errors=[]))
        return self._json(200, _envelope(corporate_number, "200 - OK.", [item]))

    def _search(self, query: Mapping[str, str]) -> Reply:
        page, limit = query.get("page", "1"), query.get("limit", "1000")
        if not page.isdigit() or not 1 <= int(page) <= 10:
            return self._json(400, _envelope(None, "400 - Bad Request.", errors=[
                {"item": "page", "message": "1以上、10以内で入力してください。"}]))
        if not limit.isdigit() or not 0 <= int(limit) <= 5000:
            return self._json(400, _envelope(None, "400 - Bad Request.", errors=[
                {"item": "limit", "message": "0以上、5000以内で入力してください。"}]))
        name = unicodedata.normalize("NFKC", query.get("name", "")).lower()
        latin = bool(name) and name.isascii()
        everything = [*self.items.values(), *(json.loads(raw)["hojin-infos"][0] for raw in self.raw.values())]
        hits = [item for item in everything
                if name in unicodedata.normalize("NFKC", str(item.get("name_en" if latin else "name") or "")).lower()]
        start = (int(page) - 1) * int(limit)
        chunk = hits[start:start + int(limit)]
        if not chunk:
            return self._json(404, _envelope(None, "404 - Not Found.", errors=[]))
        found = [{**{k: item.get(k) for k in _SEARCH_FIELDS}, "number_of_activity": "0"} for item in chunk]
        return self._json(200, _envelope(None, "200 - OK.", found))
