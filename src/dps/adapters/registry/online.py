"""What the online registry clients (NTA Web-API, gBizINFO) share: one GET with an explicit timeout and
bounded retries on transient failures only, corporate-number validation of a request, and the query
folding the NTA's name search needs (corporate forms stripped, full-width text)."""

from __future__ import annotations

import logging
import re
import unicodedata
from collections.abc import Iterable, Mapping

import httpx
from tenacity import RetryCallState, Retrying, retry_if_exception_type, stop_after_attempt, wait_exponential_jitter

from dps.application.registry.ports import RegistrySource, RegistryUnavailable
from dps.application.shared.errors import Invalid
from dps.domain.registry.corporate_number import CorporateNumber
from dps.domain.shared.errors import DomainError

log = logging.getLogger(__name__)


# --- the retry policy shared by the online clients ------------------------------------------------------


class _Transient(Exception):
    """A failure worth another attempt (timeout, connection error, 5xx, 429); carries what to raise."""

    def __init__(self, error: RegistryUnavailable) -> None:
        super().__init__(error.message)
        self.error = error


class OnlineCall:
    """One GET with an explicit timeout and bounded retries (exponential backoff with jitter) on timeouts,
    connection errors, 5xx and 429 only. Other statuses come back for the client to interpret. Messages
    name the service, never the URL (it may hold a credential)."""

    def __init__(self, source: RegistrySource, label: str, client: httpx.Client, *, timeout: float,
                 retries: int, backoff: float) -> None:
        if retries < 0:
            raise ValueError("retries must be >= 0")
        self.source = source
        self.label = label
        self.client = client
        self.timeout = httpx.Timeout(timeout)
        self.retries = retries
        self.backoff = backoff

    def get(self, url: str, *, params: Mapping[str, str], headers: Mapping[str, str] | None = None) -> httpx.Response:
        retrying = Retrying(
            stop=stop_after_attempt(self.retries + 1),
            wait=wait_exponential_jitter(multiplier=self.backoff, max=self.backoff * 16, jitter=self.backoff),
            retry=retry_if_exception_type(_Transient),
            before_sleep=self._log_retry,
            reraise=True,
        )
        try:
            return retrying(self._once, url, params, headers)
        except _Transient as e:
            raise e.error from None

    def unavailable(self, reason: str, detail_ja: str, detail_en: str) -> RegistryUnavailable:
        return RegistryUnavailable(self.source, reason, f"{self.label}: {detail_ja} / {detail_en}")

    def _once(self, url: str, params: Mapping[str, str], headers: Mapping[str, str] | None) -> httpx.Response:
        try:
            response = self.client.get(url, params=dict(params), headers=dict(headers or {}), timeout=self.timeout)
        except httpx.TimeoutException:
            raise _Transient(self.unavailable("timeout", "応答がありません", "timed out")) from None
        except httpx.TransportError as e:
            raise _Transient(self.unavailable("unreachable", "接続できません",
                                              f"unreachable ({type(e).__name__})")) from None
        except httpx.HTTPError as e:  # e.g. a body that fails to decode: not worth another attempt
            raise self.unavailable("bad_response", "応答を解釈できません",
                                   f"unexpected response ({type(e).__name__})") from None
        if response.status_code == 429:
            raise _Transient(self.unavailable("throttled", "アクセスが制限されています", "throttled (HTTP 429)"))
        if response.status_code >= 500:
            raise _Transient(self.unavailable("unreachable", "サービスが利用できません",
                                              f"service error (HTTP {response.status_code})"))
        return response

    def _log_retry(self, state: RetryCallState) -> None:
        error = state.outcome.exception() if state.outcome else None
        reason = error.error.reason if isinstance(error, _Transient) else "error"
        log.warning("registry %s: attempt %d failed (%s), retrying", self.source.value, state.attempt_number, reason)


def make_client(client: httpx.Client | None, timeout: float) -> httpx.Client:
    return client if client is not None else httpx.Client(timeout=httpx.Timeout(timeout), follow_redirects=False)


def valid_numbers(raw: Iterable[str]) -> list[str]:
    """The distinct valid corporate numbers, in the order given; `Invalid` naming every bad one."""
    numbers: dict[str, None] = {}
    problems: list[str] = []
    for item in raw:
        try:
            numbers[CorporateNumber.parse(item).value] = None
        except DomainError as e:
            problems.append(f"{item!r}: {e.message}")
    if problems:
        raise Invalid.field("corporate_number", "; ".join(problems))
    return list(numbers)


# --- names ----------------------------------------------------------------------------------------------

_FORMS = (
    "株式会社", "有限会社", "合同会社", "合資会社", "合名会社", "一般社団法人", "一般財団法人", "公益社団法人",
    "公益財団法人", "特定非営利活動法人", "NPO法人", "社会福祉法人", "医療法人社団", "医療法人財団", "医療法人",
    "学校法人", "宗教法人", "地方独立行政法人", "独立行政法人", "国立大学法人", "有限責任事業組合",
)
_ABBREVIATIONS = ("株", "有", "同", "資", "名", "一社", "一財", "公社", "公財", "特非", "医", "学", "福", "宗", "独")
_FORM = "|".join([*(re.escape(f) for f in _FORMS), *(rf"\({re.escape(a)}\)" for a in _ABBREVIATIONS)])
_LEADING_FORM = re.compile(rf"^(?:{_FORM})[\s・]*")
_TRAILING_FORM = re.compile(rf"[\s・]*(?:{_FORM})$")


def strip_corporate_form(name: str) -> str:
    """The name without corporate-form words in front or behind (株式会社, (株), 一般社団法人, ...), NFKC.
    The NTA's name search ignores the form and finds nothing when the query carries one (§1.2)."""
    text = unicodedata.normalize("NFKC", name).strip()
    previous = None
    while previous != text:
        previous = text
        text = _TRAILING_FORM.sub("", _LEADING_FORM.sub("", text)).strip()
    return text


def to_full_width(text: str) -> str:
    """ASCII letters, digits, signs and spaces to their full-width forms: `/name` answers HTTP 400
    (error 101) to half-width characters. Half-width katakana become full-width through NFKC; a run of
    whitespace becomes one full-width space and control characters are dropped."""
    folded = " ".join("".join(c for c in unicodedata.normalize("NFKC", text)
                              if c.isspace() or unicodedata.category(c) != "Cc").split())
    return "".join("\u3000" if c == " " else chr(ord(c) + 0xFEE0) if "!" <= c <= "~" else c for c in folded)
