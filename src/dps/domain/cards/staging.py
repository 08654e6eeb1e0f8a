"""名刺一括登録 (bulk card registration, S9): a card waiting in the staging queue, and the rules that match
it against the persons and accounts already known (likely duplicates, a move or promotion).

A staged card keeps the fields as read by OCR and, separately, the user's corrections; nothing becomes
a person, account or business card until the user imports it."""

from __future__ import annotations

import enum
import re
import unicodedata
from collections.abc import Hashable, Iterable, Mapping
from datetime import datetime
from typing import TypeVar
from uuid import UUID

from attrs import define, field, frozen

from dps.domain.cards.fields import FIELD_NAMES, CardFields
from dps.domain.shared.errors import DomainError
from dps.domain.shared.ids import UserId
from dps.domain.shared.text import normalize_for_search


class StagedStatus(enum.StrEnum):
    READING = "reading"
    """Uploaded, waiting for (or in) OCR."""
    READY = "ready"
    """Read; the fields can be reviewed, corrected and imported."""
    FAILED = "failed"
    """OCR could not run or the image could not be decoded; `reason` says why."""
    IMPORTED = "imported"
    DISCARDED = "discarded"


OPEN_STATUSES = frozenset({StagedStatus.READING, StagedStatus.READY, StagedStatus.FAILED})
"""Statuses still in the review queue."""


class DecisionKind(enum.StrEnum):
    ATTACH = "attach"
    """Add the card to an existing person's history."""
    NEW_PERSON = "new_person"
    """Create a person (under an existing account, or a new one when `account_id` is None)."""


@frozen
class Decision:
    """What importing a card does: attach to `person_id`, or create a person under `account_id`
    (None: create the account from the card's company)."""

    kind: DecisionKind = field(converter=DecisionKind)
    person_id: UUID | None = None
    account_id: UUID | None = None

    def __attrs_post_init__(self) -> None:
        if self.kind is DecisionKind.ATTACH and self.person_id is None:
            raise DomainError("取り込み先のパーソンを選んでください / choose the person to attach to",
                              field="person_id")
        if self.kind is DecisionKind.NEW_PERSON and self.person_id is not None:
            raise DomainError("新規パーソンにパーソンは指定できません / a new person names no person",
                              field="person_id")

    @classmethod
    def attach(cls, person_id: UUID) -> Decision:
        return cls(DecisionKind.ATTACH, person_id=person_id)

    @classmethod
    def new_person(cls, account_id: UUID | None = None) -> Decision:
        return cls(DecisionKind.NEW_PERSON, account_id=account_id)

    def as_dict(self) -> dict[str, str | None]:
        return {"kind": self.kind.value, "person_id": _s(self.person_id), "account_id": _s(self.account_id)}

    @classmethod
    def from_dict(cls, data: Mapping[str, object]) -> Decision:
        return cls(DecisionKind(str(data["kind"])), person_id=_uuid(data.get("person_id")),
                   account_id=_uuid(data.get("account_id")))


def _s(value: UUID | None) -> str | None:
    return None if value is None else str(value)


def _uuid(value: object) -> UUID | None:
    return None if value in (None, "") else UUID(str(value))


# -- normalisation ------------------------------------------------------------------------------------

_LEGAL_FORMS = (
    "株式会社", "有限会社", "合同会社", "合資会社", "合名会社", "一般社団法人", "一般財団法人", "公益社団法人",
    "公益財団法人", "特定非営利活動法人", "npo法人", "医療法人", "学校法人", "社会福祉法人",
    "(株)", "(有)", "(同)", "㈱", "㈲",
)
_LATIN_FORMS = re.compile(
    r"(?:,|\s)*\b(?:co\.?,?\s*ltd\.?|company\s+limited|corporation|corp\.?|inc\.?|incorporated|"
    r"limited|ltd\.?|llc|k\.?k\.?|g\.?k\.?)(?=\s|$|[.,])", re.IGNORECASE)
_DROP = re.compile(r"[\s・･.,、。'\"“”‘’\-‐‑–—_/()（）「」]")


def normalize_company(name: str) -> str:
    """A company name reduced to what identifies it: NFKC, lower case, kana folded, legal forms (株式会社,
    (株), Co., Ltd., Inc. ...) and spaces and punctuation removed. '株式会社ＡＢＣ' == 'ABC Co., Ltd.' ==
    '(株) abc'."""
    text = unicodedata.normalize("NFKC", name).lower()
    for form in _LEGAL_FORMS:
        text = text.replace(form, " ")
    text = _LATIN_FORMS.sub(" ", text)
    return _DROP.sub("", normalize_for_search(text))


def normalize_name(*parts: str) -> str:
    """A person's full name for comparison: the parts joined, NFKC, lower case, kana folded, every space
    and middle dot removed ('山田 太郎' == '山田太郎' == '山田　太郎')."""
    return _DROP.sub("", normalize_for_search(*parts))


def normalize_email(email: str) -> str:
    """E-mail addresses compare case-insensitively (and after NFKC, for full-width input)."""
    return unicodedata.normalize("NFKC", email).strip().lower()


# -- matching ---------------------------------------------------------------------------------------

@frozen
class PersonCandidate:
    """A person already known that a card may be about: name, e-mail and where they work now (the
    account's name and the current card's company, department and title)."""

    person_id: UUID
    last_name: str
    first_name: str = ""
    email: str = ""
    account_id: UUID | None = None
    account_name: str = ""
    company: str = ""
    """The company printed on the person's current card (may differ from the account's name)."""
    department: str = ""
    title: str = ""


class MatchReason(enum.StrEnum):
    EMAIL = "email"
    NAME_AND_COMPANY = "name_and_company"


@frozen
class DuplicateMatch:
    candidate: PersonCandidate
    reason: MatchReason


def _companies(c: PersonCandidate) -> set[str]:
    return {n for n in (normalize_company(c.account_name), normalize_company(c.company)) if n}


def likely_duplicates(fields: CardFields, candidates: Iterable[PersonCandidate]) -> tuple[DuplicateMatch, ...]:
    """Candidates the card is probably about: the same e-mail (case-insensitive), or the same normalised
    full name at the same normalised company. E-mail matches come first; each person once."""
    email = normalize_email(fields.email)
    name = normalize_name(fields.family_name, fields.given_name)
    company = normalize_company(fields.company)
    by_email: list[DuplicateMatch] = []
    by_name: list[DuplicateMatch] = []
    for c in candidates:
        if email and normalize_email(c.email) == email:
            by_email.append(DuplicateMatch(c, MatchReason.EMAIL))
        elif name and company and normalize_name(c.last_name, c.first_name) == name and company in _companies(c):
            by_name.append(DuplicateMatch(c, MatchReason.NAME_AND_COMPANY))
    return tuple(by_email + by_name)


def identity_keys(fields: CardFields) -> tuple[str, ...]:
    """What makes two cards the same person by the duplicate rule (e-mail; full name at company), as keys:
    two cards of one selection sharing a key become one person, not two."""
    keys = []
    if email := normalize_email(fields.email):
        keys.append(f"email:{email}")
    name, company = normalize_name(fields.family_name, fields.given_name), normalize_company(fields.company)
    if name and company:
        keys.append(f"name:{name}@{company}")
    return tuple(keys)


K = TypeVar("K", bound=Hashable)


def queue_duplicates(cards: Mapping[K, CardFields]) -> dict[K, tuple[tuple[K, MatchReason], ...]]:
    """Cards of one queue that are probably the same person as another card of it (by `identity_keys`:
    the same e-mail, or the same full name at the same company): for each card that shares a key with
    others, those others (in the mapping's order) with the reason (e-mail first). Symmetric; a card never
    matches itself; a card without keys matches nothing. Importing such cards together makes one person."""
    keyed = {card_id: identity_keys(fields) for card_id, fields in cards.items()}
    holders: dict[str, list[K]] = {}
    for card_id, keys in keyed.items():
        for key in keys:
            holders.setdefault(key, []).append(card_id)
    order = {card_id: i for i, card_id in enumerate(keyed)}
    out: dict[K, tuple[tuple[K, MatchReason], ...]] = {}
    for card_id, keys in keyed.items():
        reasons: dict[K, MatchReason] = {}
        for key in keys:
            reason = MatchReason.EMAIL if key.startswith("email:") else MatchReason.NAME_AND_COMPANY
            for other in holders[key]:
                if other != card_id and other not in reasons:
                    reasons[other] = reason
        if reasons:
            out[card_id] = tuple(sorted(reasons.items(), key=lambda item: order[item[0]]))
    return out


def position_changes(fields: CardFields, current: PersonCandidate) -> tuple[str, ...]:
    """What a card would change about a person (異動・昇進): 'company', 'department', 'title' that differ
    from the person's current card (the company compared normalised, the others as printed, spaces
    ignored). A field the card leaves empty changes nothing."""
    out: list[str] = []
    if fields.company and normalize_company(fields.company) not in _companies(current):
        out.append("company")
    if fields.department and normalize_name(fields.department) != normalize_name(current.department):
        out.append("department")
    if fields.title and normalize_name(fields.title) != normalize_name(current.title):
        out.append("title")
    return tuple(out)


def same_company(card_company: str, account_name: str) -> bool:
    """Whether a card's company is the account (names equal after `normalize_company`, both non-empty)."""
    a, b = normalize_company(card_company), normalize_company(account_name)
    return bool(a) and a == b


def propose(fields: CardFields, duplicates: tuple[DuplicateMatch, ...], account_ids: Iterable[UUID]) -> Decision:
    """The default decision: attach to the best likely duplicate; otherwise a new person under the one
    account the company matches (a new account when none or several match)."""
    if duplicates:
        return Decision.attach(duplicates[0].candidate.person_id)
    matched = list(dict.fromkeys(account_ids))
    return Decision.new_person(matched[0] if len(matched) == 1 else None)


# -- the staged card -----------------------------------------------------------------------------------

def fields_from(data: Mapping[str, object] | None) -> CardFields | None:
    """`CardFields` from a stored or submitted mapping; unknown keys are an error, missing ones empty."""
    if data is None:
        return None
    unknown = sorted(set(data) - set(FIELD_NAMES))
    if unknown:
        raise DomainError(f"名刺の項目ではありません / not a card field: {', '.join(unknown)}", field=unknown[0])
    return CardFields(**{k: " ".join(str(v or "").split()) for k, v in data.items()})


_LIMITS = {"email": 254, "phone": 32, "fax": 32, "mobile": 32, "postal_code": 8, "address": 400, "url": 400,
           "company": 200, "department": 200, "title": 200}


def check_fields(fields: CardFields) -> None:
    """Lengths the business-card columns can hold (a longer value is a DomainError on its field)."""
    for name in FIELD_NAMES:
        limit = _LIMITS.get(name, 100)
        if len(getattr(fields, name)) > limit:
            raise DomainError(f"{limit} 文字以内で入力してください / at most {limit} characters", field=name)


@define(kw_only=True, eq=False)
class StagedCard:
    """One uploaded card image in the staging queue of the user who uploaded it."""

    id: UUID
    owner_id: UserId
    batch_id: UUID
    file_name: str
    content_type: str
    size: int
    sha256: str
    image_key: str
    created_at: datetime
    updated_at: datetime
    status: StagedStatus = field(default=StagedStatus.READING, converter=StagedStatus)
    reason: str = ""
    """Why reading failed, or a warning of a read that gave little (no text, few fields)."""
    ocr_text: str = ""
    read: CardFields | None = None
    corrected: CardFields | None = None
    decision: Decision | None = None
    person_id: UUID | None = None
    account_id: UUID | None = None
    campaign_id: UUID | None = None
    version: int = 1

    @property
    def fields(self) -> CardFields:
        """The fields to import: the user's corrections when there are any, else what OCR read."""
        return self.corrected or self.read or CardFields()

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES

    def _ensure_open(self) -> None:
        if not self.is_open:
            raise DomainError("この名刺は取り込み済みか破棄済みです / the card was already imported or discarded",
                              field="status")

    def mark_read(self, fields: CardFields, text: str, warnings: Iterable[str], at: datetime) -> None:
        self._ensure_open()
        self.read, self.ocr_text = fields, text
        self.status, self.reason = StagedStatus.READY, "; ".join(warnings)
        self.updated_at = at

    def mark_failed(self, reason: str, at: datetime) -> None:
        self._ensure_open()
        self.status, self.reason, self.updated_at = StagedStatus.FAILED, reason, at

    def correct(self, fields: CardFields, decision: Decision | None, at: datetime) -> None:
        """The user's corrections; a failed card corrected by hand becomes ready (the image stays)."""
        self._ensure_open()
        if self.status is StagedStatus.READING:
            raise DomainError("読み取り中です。しばらくお待ちください / still reading, try again shortly",
                              field="status")
        check_fields(fields)
        self.corrected, self.decision, self.updated_at = fields, decision, at
        if self.status is StagedStatus.FAILED:
            self.status = StagedStatus.READY

    def importable(self) -> None:
        """Raise unless the card can be imported: ready, with a company and a family name."""
        if self.status is not StagedStatus.READY:
            raise DomainError(f"取り込めない状態です ({self.status.value}) / a {self.status.value} card cannot be "
                              "imported", field="status")
        missing = [n for n in ("company", "family_name") if not getattr(self.fields, n)]
        if missing:
            raise DomainError("会社名と姓を入力してください / the company and the family name are required",
                              field=missing[0])

    def mark_imported(self, person_id: UUID, account_id: UUID | None, at: datetime) -> None:
        self.importable()
        self.status, self.person_id, self.account_id, self.updated_at = StagedStatus.IMPORTED, person_id, account_id, at

    def discard(self, at: datetime) -> None:
        self._ensure_open()
        self.status, self.updated_at = StagedStatus.DISCARDED, at


@frozen
class BatchProgress:
    """How far the reading of one upload batch has come (読み取り中 n/m)."""

    total: int
    done: int

    @property
    def finished(self) -> bool:
        return self.done >= self.total


def progress_of(cards: Iterable[StagedCard]) -> BatchProgress:
    listed = list(cards)
    return BatchProgress(total=len(listed), done=sum(1 for c in listed if c.status is not StagedStatus.READING))
