"""`CorporateRegistry` over the NTA 法人番号システム Web-API Ver.4 (`/num`, `/name`, `/diff`).

Wire format: shared/reference/external-apis.md §1. Every request is a GET whose query carries the
application id (`id=`); the terms forbid disclosing it, so it never appears in an exception message, a
log line (httpx's own request log is redacted below) or a repr. Answers are CSV (type 01 Shift_JIS /
02 UTF-8, no column-name row, one 4-value header line) or XML (type 12); 02 is the default because it
covers JIS level 1-4. CSV goes through the shared reader `nta_csv` (the offline loader's); XML is mapped
onto the same 30 fields. Failures become `RegistryUnavailable`; a 400 for bad input becomes `Invalid`.

Status codes (§1.7, [SPEC2]): 400 bad parameter (`NNN,message` body), 403 throttled (too many requests
for one id; the NTA asks clients to back off for 30 s and more, so it is not retried here), 404 an unknown
or suspended application id, 5xx a system error. Unknown corporate numbers are not an error: they are
simply absent from a 200 answer.

The retry policy and the query folding live in `online`, shared with the gBizINFO client.
"""

from __future__ import annotations

import io
import logging
import re
import xml.etree.ElementTree as ET
from collections.abc import Callable, Iterable, Mapping, Sequence
from datetime import date, timedelta
from typing import Literal

import httpx
from attrs import frozen

from dps.adapters.registry.nta_csv import NtaCsvError, NtaCsvReader, NtaHeader, NtaRow, parse_date, parse_fields
from dps.adapters.registry.online import OnlineCall, make_client, strip_corporate_form, to_full_width, valid_numbers
from dps.application.registry.ports import CorporateRecord, RegistrySource
from dps.application.shared.errors import Invalid
from dps.domain.registry.names import corporate_name_key

log = logging.getLogger(__name__)

ResponseType = Literal["01", "02", "12"]
NUMBERS_PER_REQUEST = 10
"""`/num` accepts 1-10 numbers per request (§1.2)."""
DIFF_EARLIEST = date(2015, 12, 1)
DIFF_MAX_DAYS = 50

FIELDS: tuple[str, ...] = (
    "sequenceNumber", "corporateNumber", "process", "correct", "updateDate", "changeDate", "name",
    "nameImageId", "kind", "prefectureName", "cityName", "streetNumber", "addressImageId", "prefectureCode",
    "cityCode", "postCode", "addressOutside", "addressOutsideImageId", "closeDate", "closeCause",
    "successorCorporateNumber", "changeCause", "assignmentDate", "latest", "enName", "enPrefectureName",
    "enCityName", "enAddressOutside", "furigana", "hihyoji",
)
"""The 30 columns of a Ver.4 record, in CSV order; the XML element names are the same (§1.4, §1.5)."""

_LABEL = "国税庁法人番号システム / NTA corporate number API"


# --- parsing (CSV through the shared `nta_csv` reader; XML mapped onto the same 30 fields) ----------------


class BadResponse(ValueError):
    """The body is not the documented CSV/XML (an HTML maintenance page, a truncated or changed layout)."""


@frozen
class NtaPage:
    """One answer (chunk) of the API: the header values and the rows."""

    header: NtaHeader
    rows: tuple[NtaRow, ...]

    @property
    def records(self) -> list[CorporateRecord]:
        """The current records: deletions (process 99) and change-history rows (latest=0) left out."""
        return [row.record for row in self.rows if row.latest and not row.is_deletion]


@frozen
class NtaChange:
    """One row of a `/diff` answer: what happened (処理区分 `process`) and the record after it. A deletion
    (`99`) carries no record (the NTA blanks every field but the number and the update date)."""

    process: str
    corporate_number: str
    update_date: date | None
    record: CorporateRecord | None


def parse_response(body: bytes, response_type: ResponseType) -> NtaPage:
    """Decode and parse one answer: CSV Shift_JIS (01, decoded as CP932), CSV UTF-8 (02) or XML (12)."""
    header: NtaHeader | None
    try:
        if response_type == "12":
            header, rows = _parse_xml(body)
        else:
            if body.lstrip()[:1] == b"<":
                raise BadResponse("an HTML/XML page instead of CSV")
            reader = NtaCsvReader(io.BytesIO(body), source=RegistrySource.NTA,
                                  encoding="cp932" if response_type == "01" else "utf-8-sig")
            rows = list(reader)
            header = reader.header
    except NtaCsvError as e:
        raise BadResponse(str(e)) from None
    if header is None:
        raise BadResponse("no header line (lastUpdateDate,count,divideNumber,divideSize)")
    return NtaPage(header, tuple(rows))


def _parse_xml(body: bytes) -> tuple[NtaHeader, list[NtaRow]]:
    if b"<!DOCTYPE" in body.upper() or b"<!ENTITY" in body.upper():
        raise BadResponse("the XML carries a DOCTYPE (an HTML page or an entity declaration)")
    try:
        root = ET.fromstring(body)  # noqa: S314 - no DOCTYPE/entities reach here (checked above)
    except ET.ParseError as e:
        raise BadResponse(f"not XML: {e}") from None
    if root.tag != "corporations":
        raise BadResponse(f"unexpected XML root <{root.tag}>")
    values = [(root.findtext(tag) or "").strip() for tag in ("lastUpdateDate", "count", "divideNumber", "divideSize")]
    try:
        header = NtaHeader(parse_date(values[0], 0, "lastUpdateDate"), *(int(v) for v in values[1:]))
    except ValueError:
        raise BadResponse(f"bad header {values!r}") from None
    rows = [parse_fields([(item.findtext(field) or "").strip() for field in FIELDS], n, RegistrySource.NTA)
            for n, item in enumerate(root.iter("corporation"), start=1)]
    return header, rows


# --- the client -----------------------------------------------------------------------------------------


class NtaRegistry:
    """The NTA Web-API as a `CorporateRegistry`; `diff` serves the daily update path."""

    source = RegistrySource.NTA

    def __init__(self, base_url: str, application_id: str, *, timeout: float = 5.0, retries: int = 3,
                 client: httpx.Client | None = None, backoff: float = 0.5, response_type: ResponseType = "02") -> None:
        if not application_id:
            raise ValueError("the NTA application id is required")
        self.base_url = base_url.rstrip("/")
        self._application_id = application_id
        self.response_type: ResponseType = response_type
        self._owns_client = client is None
        self._call = OnlineCall(RegistrySource.NTA, _LABEL, make_client(client, timeout), timeout=timeout,
                                retries=retries, backoff=backoff)

    def __repr__(self) -> str:
        return f"NtaRegistry({self.base_url!r}, type={self.response_type})"

    def close(self) -> None:
        """Close the HTTP client this registry created (a client passed in belongs to the caller)."""
        if self._owns_client:
            self._call.client.close()

    def by_numbers(self, numbers: Sequence[str]) -> Sequence[CorporateRecord]:
        wanted = valid_numbers(numbers)
        found: dict[str, CorporateRecord] = {}
        for start in range(0, len(wanted), NUMBERS_PER_REQUEST):
            batch = wanted[start:start + NUMBERS_PER_REQUEST]
            page = self._fetch("num", {"number": ",".join(batch), "history": "0"}, field="corporate_number")
            for record in page.records:
                if record.corporate_number in batch:
                    found[record.corporate_number] = record
        return [found[n] for n in wanted if n in found]

    def search_name(self, name: str, *, limit: int = 20) -> Sequence[CorporateRecord]:
        if limit < 1:
            raise Invalid.field("limit", "1 以上を指定してください / limit must be at least 1")
        stripped = strip_corporate_form(name)
        if not stripped:
            raise Invalid.field("name", "法人名を入力してください (法人格のみでは検索できません) / "
                                        "enter a name (a corporate form alone cannot be searched)")
        query = to_full_width(stripped)
        records: list[CorporateRecord] = []
        for page in self._pages("name", {"name": query, "mode": "2", "target": "1"}, field="name",
                                enough=lambda: len(records) >= limit):
            records.extend(page.records)
        return _best_first(records, stripped)[:limit]

    def diff(self, start: date, end: date) -> list[NtaChange]:
        """Every change the NTA published with an update date in [start, end] (at most 50 days)."""
        if start > end or start < DIFF_EARLIEST or end - start > timedelta(days=DIFF_MAX_DAYS):
            raise Invalid.field("period", f"期間は {DIFF_EARLIEST} 以降、{DIFF_MAX_DAYS} 日以内です / the period "
                                          f"starts on or after {DIFF_EARLIEST} and spans at most {DIFF_MAX_DAYS} days")
        changes: list[NtaChange] = []
        for page in self._pages("diff", {"from": start.isoformat(), "to": end.isoformat()}, field="period",
                                enough=lambda: False):
            changes.extend(NtaChange(row.process, row.record.corporate_number, row.record.update_date,
                                     None if row.is_deletion else row.record) for row in page.rows if row.latest)
        return changes

    def _pages(self, endpoint: str, params: Mapping[str, str], *, field: str,
               enough: Callable[[], bool]) -> Iterable[NtaPage]:
        divide = 1
        while True:
            page = self._fetch(endpoint, {**params, **({"divide": str(divide)} if divide > 1 else {})}, field=field)
            yield page
            if divide >= page.header.divide_size or enough():
                return
            divide += 1

    def _fetch(self, endpoint: str, params: Mapping[str, str], *, field: str) -> NtaPage:
        response = self._call.get(f"{self.base_url}/{endpoint}",
                                  params={"id": self._application_id, "type": self.response_type, **params})
        status = response.status_code
        if status == 400:
            raise Invalid.field(field, f"国税庁 API が入力を受け付けませんでした / the NTA refused the input: "
                                       f"{_error_text(response)}")
        if status == 403:
            # §1.7 [SPEC2]: the NTA's throttling answer. Retrying at once would prolong it (it asks for 30 s+).
            raise self._call.unavailable("throttled", "アクセスが制限されています。しばらく待って再試行してください",
                                         "refused (HTTP 403): too many requests in a short time for this "
                                         "application id; try again later")
        if status in (401, 404):
            raise self._call.unavailable("unauthorized", "アプリケーションIDが無効です",
                                         f"the application id was refused (HTTP {status}: unknown or suspended)")
        if status != 200:
            raise self._call.unavailable("bad_response", "予期しない応答です", f"unexpected HTTP {status}")
        try:
            return parse_response(response.content, self.response_type)
        except BadResponse as e:
            raise self._call.unavailable("bad_response", "応答を解釈できません", f"unexpected response: {e}") from None


_ERROR_BODY = re.compile(r"^\s*(\d{3}),(.*)$", re.DOTALL)


def _error_text(response: httpx.Response) -> str:
    """`NNN,message` (the NTA's CSV-style error) as 'error NNN: message'; anything else shortened."""
    text = response.content.decode("utf-8", errors="replace")
    if "\ufffd" in text:
        text = response.content.decode("cp932", errors="replace")
    match = _ERROR_BODY.match(text)
    if match:
        return f"error {match.group(1)}: {match.group(2).strip()}"
    return text.strip()[:200] or f"HTTP {response.status_code}"


def _best_first(records: list[CorporateRecord], query: str) -> list[CorporateRecord]:
    """Exact name (form ignored) first, then names starting with the query, then the rest; active before
    closed; the NTA's order otherwise (stable sort)."""
    wanted = corporate_name_key(query)

    def rank(record: CorporateRecord) -> tuple[int, bool]:
        name = corporate_name_key(record.name)
        return (0 if name == wanted else 1 if name.startswith(wanted) else 2), record.is_closed

    return sorted(records, key=rank)


class _RedactApplicationId(logging.Filter):
    """httpx logs every request URL at INFO; the NTA's carries the application id in `id=`."""

    _ID = re.compile(r"([?&]id=)[^&\s\"]*")

    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.args, tuple):
            record.args = tuple(self._ID.sub(r"\1***", str(a)) if isinstance(a, httpx.URL | str) else a
                                for a in record.args)
        record.msg = self._ID.sub(r"\1***", str(record.msg))
        return True


_REDACTION = _RedactApplicationId()
for _name in ("httpx", "httpcore"):
    logging.getLogger(_name).addFilter(_REDACTION)
