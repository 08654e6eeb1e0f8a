"""`CorporateRegistry` over the gBizINFO REST API v2 (METI), plus the richer basic profile it offers.

Wire format: shared/reference/external-apis.md §2. The token travels in the `X-hojinInfo-api-token`
header; answers are the JSON envelope `{id, errors, message, hojin-infos[]}`. A 404 means "no such
corporation" for a number and "no hits" for a search, so neither is an error here. Null handling differs
by version (§2.5): v1 omits empty fields, v2 writes `null`, and some fields hold the string `"Null"`;
all three read as "no value". v1 gave `kana` in hiragana, v2 in katakana; records carry katakana.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Mapping, Sequence
from datetime import date, datetime
from typing import Any, TypeVar

import httpx
from attrs import frozen

from dps.adapters.registry.online import OnlineCall, make_client, strip_corporate_form, valid_numbers
from dps.application.registry.ports import CorporateRecord, RegistrySource, RegistryUnavailable
from dps.application.shared.errors import Invalid
from dps.domain.shared.text import to_katakana

_T = TypeVar("_T")
_LABEL = "gBizINFO"
MAX_LIMIT = 5000
"""`limit` accepts 0-5000 (§2.4)."""
_NULLS = (None, "", "Null", "null", "NULL")
_PREFECTURE = re.compile(r"^(東京都|北海道|(?:京都|大阪)府|.{2,3}県)")


@frozen
class GbizinfoProfile:
    """What gBizINFO knows beyond the NTA record, for the account screen: size, business, web site and
    representative. `None` / '' when gBizINFO has no value."""

    corporate_number: str
    capital_stock: int | None = None
    """Yen."""
    employee_number: int | None = None
    business_summary: str = ""
    company_url: str = ""
    representative_name: str = ""
    """As published: usually the title followed by the name, e.g. '代表取締役 山田 太郎'."""
    representative_position: str = ""
    """v1 only; v2 folds the title into `representative_name`."""
    date_of_establishment: date | None = None

    @property
    def extra(self) -> Mapping[str, str]:
        """The non-empty values as display strings keyed by field name."""
        values = {
            "capital_stock": "" if self.capital_stock is None else str(self.capital_stock),
            "employee_number": "" if self.employee_number is None else str(self.employee_number),
            "business_summary": self.business_summary, "company_url": self.company_url,
            "representative_name": self.representative_name, "representative_position": self.representative_position,
            "date_of_establishment": self.date_of_establishment.isoformat() if self.date_of_establishment else "",
        }
        return {k: v for k, v in values.items() if v}


def _text(item: Mapping[str, Any], key: str) -> str:
    value = item.get(key)
    if value in _NULLS:
        return ""
    return " ".join(unicodedata.normalize("NFKC", str(value)).split())


def _multiline(item: Mapping[str, Any], key: str) -> str:
    """Like `_text` but keeps the line breaks (`business_summary` has several lines)."""
    value = item.get(key)
    return "" if value in _NULLS else unicodedata.normalize("NFKC", str(value)).strip()


def _int(item: Mapping[str, Any], key: str) -> int | None:
    value = item.get(key)
    if value in _NULLS or isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    text = str(value).replace(",", "").strip()
    if not text.lstrip("-").isdigit():
        raise ValueError(f"{key} is not a number: {value!r}")
    return int(text)


def _date(item: Mapping[str, Any], key: str) -> date | None:
    """`YYYY-MM-DD` or an ISO 8601 date-time with offset (`update_date`)."""
    text = _text(item, key)
    if not text:
        return None
    return datetime.fromisoformat(text).date() if "T" in text else date.fromisoformat(text[:10])


def to_record(item: Mapping[str, Any]) -> CorporateRecord:
    """A `CorporateRecord` from a `hojin-infos[]` item (basic profile or search item, v1 or v2).
    `location` is one string: the prefecture is split off, the rest kept as the street."""
    number = _text(item, "corporate_number")
    if len(number) != 13 or not number.isdigit():
        raise ValueError(f"bad corporate_number {number!r}")
    location = _text(item, "location")
    prefecture_match = _PREFECTURE.match(location)
    prefecture = prefecture_match.group(1) if prefecture_match else ""
    name = _text(item, "name")
    if _text(item, "status") == "閉鎖":
        name = name.removesuffix("(閉鎖)")  # v1 appended （閉鎖） to closed names (NFKC folds the brackets)
    return CorporateRecord(
        corporate_number=number, name=name, source=RegistrySource.GBIZINFO,
        furigana=to_katakana(_text(item, "kana")), kind=_text(item, "kind"),
        prefecture=prefecture, street=location[len(prefecture):],
        postal_code=_text(item, "postal_code").replace("-", ""),
        en_name=_text(item, "name_en"), close_date=_date(item, "close_date"), close_cause=_text(item, "close_cause"),
        update_date=_date(item, "update_date"),
    )


def to_profile(item: Mapping[str, Any]) -> GbizinfoProfile:
    return GbizinfoProfile(
        corporate_number=_text(item, "corporate_number"), capital_stock=_int(item, "capital_stock"),
        employee_number=_int(item, "employee_number"),
        business_summary=_multiline(item, "business_summary"),
        company_url=_text(item, "company_url"), representative_name=_text(item, "representative_name"),
        representative_position=_text(item, "representative_position"),
        date_of_establishment=_date(item, "date_of_establishment"),
    )


class GbizinfoRegistry:
    """gBizINFO v2 as a `CorporateRegistry` (one request per number: the API has no batch lookup),
    and `profile(number)` for capital, employees, business summary, URL and representative."""

    source = RegistrySource.GBIZINFO

    def __init__(self, base_url: str, token: str, *, timeout: float = 5.0, retries: int = 3,
                 client: httpx.Client | None = None, backoff: float = 0.5) -> None:
        if not token:
            raise ValueError("the gBizINFO token is required")
        self.base_url = base_url.rstrip("/")
        self._token = token
        self._owns_client = client is None
        self._call = OnlineCall(RegistrySource.GBIZINFO, _LABEL, make_client(client, timeout), timeout=timeout,
                                retries=retries, backoff=backoff)

    def __repr__(self) -> str:
        return f"GbizinfoRegistry({self.base_url!r})"

    def close(self) -> None:
        """Close the HTTP client this registry created (a client passed in belongs to the caller)."""
        if self._owns_client:
            self._call.client.close()

    def by_numbers(self, numbers: Sequence[str]) -> Sequence[CorporateRecord]:
        records: list[CorporateRecord] = []
        for number in valid_numbers(numbers):
            item = self._item(number)
            if item is not None:
                records.append(self._parsed(to_record, item))
        return records

    def profile(self, number: str) -> GbizinfoProfile | None:
        """The richer basic profile of one corporation; None when gBizINFO does not know the number."""
        (valid,) = valid_numbers([number])
        item = self._item(valid)
        return None if item is None else self._parsed(to_profile, item)

    def search_name(self, name: str, *, limit: int = 20) -> Sequence[CorporateRecord]:
        if not 1 <= limit <= MAX_LIMIT:
            raise Invalid.field("limit", f"1〜{MAX_LIMIT} を指定してください / limit must be 1-{MAX_LIMIT}")
        query = strip_corporate_form(name)
        if not query:
            raise Invalid.field("name", "法人名を入力してください (法人格のみでは検索できません) / "
                                        "enter a name (a corporate form alone cannot be searched)")
        body = self._get("/v2/hojin", {"name": query, "limit": str(limit), "page": "1"}, field="name")
        return [self._parsed(to_record, item) for item in body or []][:limit]

    def _item(self, number: str) -> Mapping[str, Any] | None:
        items = self._get(f"/v2/hojin/{number}", {}, field="corporate_number")
        matching = [item for item in items or [] if _text(item, "corporate_number") == number]
        return matching[0] if matching else None

    def _parsed(self, parse: Callable[[Mapping[str, Any]], _T], item: Mapping[str, Any]) -> _T:
        try:
            return parse(item)
        except (ValueError, TypeError) as e:
            raise self._bad(f"unexpected record: {e}") from None

    def _bad(self, detail: str) -> RegistryUnavailable:
        return self._call.unavailable("bad_response", "応答を解釈できません", detail)

    def _get(self, path: str, params: Mapping[str, str], *, field: str) -> list[Mapping[str, Any]] | None:
        """The `hojin-infos` of one answer; None for a 404 (unknown number, no hits)."""
        response = self._call.get(f"{self.base_url}{path}", params=params,
                                  headers={"X-hojinInfo-api-token": self._token, "Accept": "application/json"})
        status = response.status_code
        if status == 404:
            return None
        if status == 400:
            raise Invalid.field(field, f"gBizINFO が入力を受け付けませんでした / gBizINFO refused the input: "
                                       f"{_error_text(response)}")
        if status in (401, 403):
            raise self._call.unavailable("unauthorized", "APIトークンが無効です",
                                         f"the API token was refused (HTTP {status})")
        if status != 200:
            raise self._call.unavailable("bad_response", "予期しない応答です", f"unexpected HTTP {status}")
        try:
            body = response.json()
        except ValueError:
            raise self._bad("the body is not JSON") from None
        if not isinstance(body, dict):
            raise self._bad("the body is not the JSON envelope")
        items = body.get("hojin-infos")
        if items is None and str(body.get("message", "")).startswith("200"):
            return []  # an OK envelope without items
        if not isinstance(items, list) or not all(isinstance(i, dict) for i in items):
            raise self._bad("no hojin-infos list in the answer")
        return items


def _error_text(response: httpx.Response) -> str:
    """The envelope's `errors[]` (`item: message`) or `message`; the raw text otherwise."""
    try:
        body = response.json()
    except ValueError:
        return response.text.strip()[:200] or f"HTTP {response.status_code}"
    if not isinstance(body, dict):
        return str(body)[:200]
    errors = [f"{e.get('item', '')}: {e.get('message', '')}" for e in body.get("errors") or [] if isinstance(e, dict)]
    return "; ".join(errors) or str(body.get("message") or f"HTTP {response.status_code}")
