"""キャンペーン Campaigns (S2): period, kind, status, budget and targets, a parent campaign, and the
招待リスト (members: invited leads and persons, their follow status and attendance).

Attribute names equal the columns of the `campaigns` / `campaign_members` tables. Every rule lives
here; the use cases only load, call and save."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from datetime import date, datetime
from decimal import Decimal
from typing import Any, ClassVar
from uuid import UUID

import attrs
from attrs import define, field, frozen

from dps.domain.catalog.code_lists import CodeList
from dps.domain.sales.records import Relation, SalesRecord
from dps.domain.shared.errors import DomainError
from dps.domain.shared.money import to_money
from dps.domain.shared.text import normalize_for_search

_CENTS = Decimal("0.01")


def _required(value: str, name: str, max_len: int) -> str:
    text = (value or "").strip()
    if not text:
        raise DomainError("入力してください / is required", field=name)
    return _limited(text, name, max_len)


def _limited(value: str, name: str, max_len: int) -> str:
    text = (value or "").strip()
    if len(text) > max_len:
        raise DomainError(f"{max_len}文字以内で入力してください / at most {max_len} characters", field=name)
    return text


def _money(value: Decimal | None, name: str) -> Decimal | None:
    """Checked, and held with two decimals as the column stores it, so a value reads the same
    before and after a round trip through the database."""
    return None if value is None else to_money(value, field=name).quantize(_CENTS)


def _count(value: int | None, name: str) -> int | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise DomainError("0以上の整数で入力してください / must be a whole number, 0 or more", field=name)
    return value


def _code(value: str | None) -> str | None:
    text = (value or "").strip()
    return text or None


def check_relations(relations: Iterable[Relation]) -> tuple[Relation, ...]:
    items = tuple(relations)
    people = [r.person_id for r in items]
    if len(people) != len(set(people)):
        raise DomainError("a person is listed twice as a relation", field="relations")
    return items


def period_overlaps(starts_on: date, ends_on: date | None, start: date | None, end: date | None) -> bool:
    """Whether [starts_on, ends_on] (open-ended when ends_on is None) shares a day with [start, end]
    (either bound may be None = unbounded; an inverted range holds no day). The campaign search
    compiles the same rule to SQL."""
    if start is not None and end is not None and start > end:
        return False
    return (end is None or starts_on <= end) and (start is None or ends_on is None or ends_on >= start)


@define(kw_only=True, eq=False)
class Campaign(SalesRecord):
    """A campaign. `ends_on` None means open-ended (still running)."""

    CONTENT_FIELDS: ClassVar[frozenset[str]] = frozenset({
        "name", "kind_code", "status_code", "starts_on", "ends_on", "budget_amount", "actual_cost",
        "expected_effect", "target_leads", "target_opportunities", "target_amount", "description",
    })
    """What `revise` may change; the parent, owner, staff, relations, 非公開 and custom fields have
    their own methods (they need facts from outside the record)."""

    name: str
    starts_on: date
    ends_on: date | None = None
    kind_code: str | None = None
    status_code: str | None = None
    budget_amount: Decimal | None = None
    actual_cost: Decimal | None = None
    expected_effect: str = ""
    target_leads: int | None = None
    target_opportunities: int | None = None
    target_amount: Decimal | None = None
    description: str = ""
    parent_campaign_id: UUID | None = None
    relations: tuple[Relation, ...] = field(factory=tuple, converter=check_relations)

    def __attrs_post_init__(self) -> None:
        self.name = _required(self.name, "name", 200)
        self.kind_code = _code(self.kind_code)
        self.status_code = _code(self.status_code)
        self.expected_effect = _limited(self.expected_effect, "expected_effect", 4000)
        self.description = _limited(self.description, "description", 20000)
        self.budget_amount = _money(self.budget_amount, "budget_amount")
        self.actual_cost = _money(self.actual_cost, "actual_cost")
        self.target_amount = _money(self.target_amount, "target_amount")
        self.target_leads = _count(self.target_leads, "target_leads")
        self.target_opportunities = _count(self.target_opportunities, "target_opportunities")
        if not isinstance(self.starts_on, date):
            raise DomainError("開始日を入力してください / the start date is required", field="starts_on")
        if self.ends_on is not None and self.ends_on < self.starts_on:
            raise DomainError("終了日は開始日以降にしてください / must not be before the start date", field="ends_on")
        if self.parent_campaign_id is not None and self.parent_campaign_id == self.id:
            raise DomainError("自分自身を親にはできません / a campaign cannot be its own parent",
                              field="parent_campaign_id")

    @property
    def search_text(self) -> str:
        return normalize_for_search(self.name)

    def overlaps(self, start: date | None, end: date | None) -> bool:
        return period_overlaps(self.starts_on, self.ends_on, start, end)

    def revise(self, changes: Mapping[str, Any]) -> None:
        """Change content fields together, so a new period is checked as a whole (moving both dates
        at once never trips over the old end date)."""
        unknown = set(changes) - self.CONTENT_FIELDS
        if unknown:
            raise DomainError(f"cannot change {', '.join(sorted(unknown))}", field=sorted(unknown)[0])
        checked = attrs.evolve(self, **changes)
        for name in changes:
            setattr(self, name, getattr(checked, name))

    def check_codes(self, kinds: CodeList, statuses: CodeList, *, only: Iterable[str] | None = None) -> None:
        """Picklist values against the tenant's code lists. `only` limits the check to the fields just
        set: a value an admin later deactivated stays valid on records that already hold it."""
        fields = set(only) if only is not None else {"kind_code", "status_code"}
        if "kind_code" in fields and self.kind_code is not None:
            kinds.validate(self.kind_code, field_name="kind_code")
        if "status_code" in fields and self.status_code is not None:
            statuses.validate(self.status_code, field_name="status_code")

    def attach_to(self, parent_id: UUID | None, parent_ancestry: Sequence[UUID] = ()) -> None:
        """Hang under `parent_id`, whose own ancestors (nearest first) are `parent_ancestry`; refused
        when it would make a cycle."""
        if parent_id is not None and (parent_id == self.id or self.id in parent_ancestry):
            raise DomainError("親キャンペーンが循環します / the parent would make a cycle", field="parent_campaign_id")
        self.parent_campaign_id = parent_id

    def set_relations(self, relations: Iterable[Relation]) -> None:
        self.relations = check_relations(relations)

    def copy_as(self, new_id: UUID, **overrides: Any) -> Campaign:
        """A new campaign with the same content, staff, relations, 非公開 list, custom fields and parent;
        no history (comments, likes, attachments) and no members: the 招待リスト records who was
        invited to *this* run and is not carried over. Owner and stamps are set by the caller."""
        unknown = set(overrides) - self.CONTENT_FIELDS
        if unknown:
            raise DomainError(f"cannot override {', '.join(sorted(unknown))}", field=sorted(unknown)[0])
        values = {name: getattr(self, name) for name in self.CONTENT_FIELDS} | dict(overrides)
        return Campaign(
            id=new_id, parent_campaign_id=self.parent_campaign_id, staff=self.staff, relations=self.relations,
            restriction=self.restriction, custom_fields=dict(self.custom_fields), **values,
        )


@define(kw_only=True, eq=False)
class CampaignMember:
    """One entry of a campaign's 招待リスト: a lead or a person, when invited, how they responded
    (a campaign_follow_status code) and whether they attended."""

    id: UUID
    campaign_id: UUID
    lead_id: UUID | None = None
    person_id: UUID | None = None
    follow_status_code: str | None = None
    invited_on: date | None = None
    attended: bool = False
    notes: str = ""
    created_at: datetime

    def __attrs_post_init__(self) -> None:
        if (self.lead_id is None) == (self.person_id is None):
            raise DomainError("リードかパーソンのどちらか一方を指定してください / give either a lead or a person",
                              field="lead_id")
        self.follow_status_code = _code(self.follow_status_code)
        self.notes = _limited(self.notes, "notes", 4000)

    def check_codes(self, follow_statuses: CodeList) -> None:
        if self.follow_status_code is not None:
            follow_statuses.validate(self.follow_status_code, field_name="follow_status_code")

    def record_response(
        self, *, follow_status_code: str | None, invited_on: date | None, attended: bool, notes: str
    ) -> None:
        self.follow_status_code = _code(follow_status_code)
        self.invited_on = invited_on
        self.attended = attended
        self.notes = _limited(notes, "notes", 4000)


@frozen
class CampaignSummary:
    """The effect of a campaign, counted over what the viewer may see (R7)."""

    members: int = 0
    attended: int = 0
    leads: int = 0
    converted_leads: int = 0

    @property
    def attendance_rate(self) -> Decimal | None:
        """参加率: attended ÷ members (None without members), rounded to 0.1%."""
        return _rate(self.attended, self.members)

    @property
    def conversion_rate(self) -> Decimal | None:
        """商談化率: converted leads ÷ leads."""
        return _rate(self.converted_leads, self.leads)


def _rate(part: int, whole: int) -> Decimal | None:
    if whole <= 0:
        return None
    return (Decimal(part) * 100 / Decimal(whole)).quantize(Decimal("0.1"))
