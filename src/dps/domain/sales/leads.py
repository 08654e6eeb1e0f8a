"""リード Leads (S3): a person and company as captured (展示会, Web問合せ, 名刺交換 ...), their status,
campaign follow status and dated follow-up actions, and the one-way conversion (商談化) into an
account, a person and optionally an opportunity.

Attribute names equal the columns of the `leads` / `lead_actions` tables."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from datetime import date, datetime
from typing import Any, ClassVar
from uuid import UUID

import attrs
from attrs import define

from dps.domain.catalog.code_lists import CodeList
from dps.domain.registry.corporate_number import CorporateNumber
from dps.domain.sales.records import SalesRecord
from dps.domain.shared.errors import DomainError
from dps.domain.shared.ids import UserId
from dps.domain.shared.text import normalize_for_search

CONVERTED = "converted"
"""The lead_status code conversion sets, and only conversion: the seeded lists all carry it."""
NEW = "new"
"""The default lead_status of a new lead."""

_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")

_TEXT_LIMITS: dict[str, int] = {
    "company_kana": 200, "department": 200, "title": 200, "first_name": 100, "last_name_kana": 100,
    "first_name_kana": 100, "phone": 32, "mobile": 32, "postal_code": 8, "address": 400, "source_detail": 200,
    "status_reason": 400, "notes": 20000,
}


class LeadAlreadyConverted(DomainError):
    """Conversion is one-way and happens once; the caller reports it as a conflict."""

    def __init__(self) -> None:
        super().__init__("このリードは商談化済みです / this lead is already converted", field="status_code")


def _required(value: str, name: str, max_len: int) -> str:
    text = (value or "").strip()
    if not text:
        raise DomainError("入力してください / is required", field=name)
    if len(text) > max_len:
        raise DomainError(f"{max_len}文字以内で入力してください / at most {max_len} characters", field=name)
    return text


def _limited(value: str, name: str, max_len: int) -> str:
    text = (value or "").strip()
    if len(text) > max_len:
        raise DomainError(f"{max_len}文字以内で入力してください / at most {max_len} characters", field=name)
    return text


def _code(value: str | None) -> str | None:
    text = (value or "").strip()
    return text or None


def normalize_email(value: str) -> str:
    """Trimmed and lower-cased (addresses are compared case-insensitively for the duplicate hint);
    empty when none; a DomainError when it does not look like an address."""
    text = (value or "").strip().lower()
    if text and (len(text) > 254 or not _EMAIL.match(text)):
        raise DomainError("メールアドレスの形式が正しくありません / not an e-mail address", field="email")
    return text


def _corporate_number(value: str | None) -> str | None:
    text = (value or "").strip()
    return CorporateNumber.parse(text).value if text else None


@define(kw_only=True, eq=False)
class Lead(SalesRecord):
    """A lead. Converted once (status 'converted', with the account and person it became), it keeps
    that status and its links for good."""

    CONTENT_FIELDS: ClassVar[frozenset[str]] = frozenset({
        "company_name", "company_kana", "corporate_number", "department", "title", "last_name", "first_name",
        "last_name_kana", "first_name_kana", "email", "phone", "mobile", "postal_code", "address",
        "industry_code", "size_code", "source_code", "source_detail", "status_code", "status_reason",
        "campaign_id", "campaign_follow_status_code", "next_action_on", "score", "notes",
    })
    """What `revise` may change; the conversion links only `convert` sets."""
    CODE_FIELDS: ClassVar[dict[str, str]] = {
        "source_code": "lead_source", "status_code": "lead_status", "industry_code": "industry",
        "size_code": "company_size", "campaign_follow_status_code": "campaign_follow_status",
    }
    """Picklist fields and the code list each is validated against."""

    company_name: str
    last_name: str
    source_code: str
    status_code: str = NEW
    company_kana: str = ""
    corporate_number: str | None = None
    department: str = ""
    title: str = ""
    first_name: str = ""
    last_name_kana: str = ""
    first_name_kana: str = ""
    email: str = ""
    phone: str = ""
    mobile: str = ""
    postal_code: str = ""
    address: str = ""
    industry_code: str | None = None
    size_code: str | None = None
    source_detail: str = ""
    status_reason: str = ""
    campaign_id: UUID | None = None
    campaign_follow_status_code: str | None = None
    next_action_on: date | None = None
    score: int | None = None
    converted_account_id: UUID | None = None
    converted_person_id: UUID | None = None
    converted_at: datetime | None = None
    notes: str = ""

    def __attrs_post_init__(self) -> None:
        self.company_name = _required(self.company_name, "company_name", 200)
        self.last_name = _required(self.last_name, "last_name", 100)
        for name, limit in _TEXT_LIMITS.items():
            setattr(self, name, _limited(getattr(self, name), name, limit))
        self.source_code = _code(self.source_code) or ""
        if not self.source_code:
            raise DomainError("リードソースを入力してください / the source is required", field="source_code")
        self.status_code = _code(self.status_code) or NEW
        for name in ("industry_code", "size_code", "campaign_follow_status_code"):
            setattr(self, name, _code(getattr(self, name)))
        self.corporate_number = _corporate_number(self.corporate_number)
        self.email = normalize_email(self.email)
        if self.score is not None and (isinstance(self.score, bool) or self.score < 0):
            raise DomainError("0以上の整数で入力してください / must be 0 or more", field="score")
        if self.campaign_follow_status_code is not None and self.campaign_id is None:
            raise DomainError("キャンペーンを指定してください / a follow status needs a campaign",
                              field="campaign_follow_status_code")
        linked = [v is not None for v in (self.converted_account_id, self.converted_person_id, self.converted_at)]
        if (self.status_code == CONVERTED and not all(linked)) or (self.status_code != CONVERTED and any(linked)):
            raise DomainError("商談化はコンバートでのみ設定できます / 'converted' is set by conversion only",
                              field="status_code")

    @property
    def is_converted(self) -> bool:
        return self.status_code == CONVERTED

    @property
    def search_text(self) -> str:
        return normalize_for_search(
            self.company_name, self.company_kana, self.last_name, self.first_name, self.last_name_kana,
            self.first_name_kana, self.email,
        )

    @property
    def person_name(self) -> str:
        return f"{self.last_name} {self.first_name}".strip()

    def revise(self, changes: Mapping[str, Any]) -> None:
        """Change content fields together. The status never becomes or leaves 'converted' here;
        dropping the campaign drops its follow status too."""
        unknown = set(changes) - self.CONTENT_FIELDS
        if unknown:
            raise DomainError(f"cannot change {', '.join(sorted(unknown))}", field=sorted(unknown)[0])
        values = dict(changes)
        if "status_code" in values and (_code(values["status_code"]) or NEW) != self.status_code:
            if self.is_converted:
                raise DomainError("商談化済みのリードの状態は変えられません / a converted lead keeps its status",
                                  field="status_code")
            if _code(values["status_code"]) == CONVERTED:
                raise DomainError("商談化はコンバートで行ってください / use conversion to convert a lead",
                                  field="status_code")
        if values.get("campaign_id", self.campaign_id) is None and "campaign_follow_status_code" not in values:
            values["campaign_follow_status_code"] = None
        checked = attrs.evolve(self, **values)
        for name in values:
            setattr(self, name, getattr(checked, name))

    def check_codes(self, lists: Mapping[str, CodeList], *, only: Iterable[str] | None = None) -> None:
        """Picklist values against the tenant's code lists (`lists` by code-list key). `only` limits
        the check to the fields just set: a value deactivated later stays valid where it is held."""
        fields = set(only) if only is not None else set(self.CODE_FIELDS)
        for name, key in self.CODE_FIELDS.items():
            value = getattr(self, name)
            if name in fields and value is not None:
                lists[key].validate(value, field_name=name)

    def convert(self, *, account_id: UUID, person_id: UUID, at: datetime) -> None:
        """商談化: link the account and person the lead became; once only."""
        if self.is_converted:
            raise LeadAlreadyConverted()
        self.converted_account_id, self.converted_person_id, self.converted_at = account_id, person_id, at
        self.status_code = CONVERTED


@define(kw_only=True, eq=False)
class LeadAction:
    """A dated follow-up step on a lead (call back, send material, visit ...), done or still open."""

    id: UUID
    lead_id: UUID
    action_on: date
    kind_code: str | None = None
    description: str = ""
    is_done: bool = False
    user_id: UserId | None = None
    created_at: datetime

    def __attrs_post_init__(self) -> None:
        self.kind_code = _code(self.kind_code)
        self.description = _limited(self.description, "description", 4000)
        if not isinstance(self.action_on, date):
            raise DomainError("日付を入力してください / the date is required", field="action_on")
        if self.kind_code is None and not self.description:
            raise DomainError("種類か内容を入力してください / give a kind or a description", field="description")

    def check_codes(self, kinds: CodeList) -> None:
        if self.kind_code is not None:
            kinds.validate(self.kind_code, field_name="kind_code")

    def revise(self, changes: Mapping[str, Any]) -> None:
        """Reschedule, re-describe, reassign, mark done or open again."""
        unknown = set(changes) - {"action_on", "kind_code", "description", "is_done", "user_id"}
        if unknown:
            raise DomainError(f"cannot change {', '.join(sorted(unknown))}", field=sorted(unknown)[0])
        checked = attrs.evolve(self, **changes)
        for name in changes:
            setattr(self, name, getattr(checked, name))

    def mark_done(self) -> None:
        self.is_done = True

    def reopen(self) -> None:
        self.is_done = False
