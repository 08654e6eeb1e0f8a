"""Reviewing the queue: list and show staged cards with their likely duplicates and proposed decisions,
correct a card's fields and decision, discard cards."""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from uuid import UUID

from attrs import frozen

from dps.application.cards.import_deps import CardImportDeps, own_card
from dps.application.cards.import_ports import AccountName
from dps.application.sales.access import viewer_in, visible_chain
from dps.application.sales.uow import SalesUnitOfWork
from dps.application.shared.errors import Conflict, Invalid, domain_rules
from dps.application.shared.guards import ensure_can_write
from dps.domain.cards.fields import CardFields
from dps.domain.cards.staging import (
    OPEN_STATUSES,
    BatchProgress,
    Decision,
    DecisionKind,
    DuplicateMatch,
    MatchReason,
    PersonCandidate,
    StagedCard,
    StagedStatus,
    fields_from,
    likely_duplicates,
    normalize_company,
    normalize_email,
    position_changes,
    progress_of,
    propose,
    queue_duplicates,
    same_company,
)
from dps.domain.sales.records import RecordType
from dps.domain.shared.principal import Principal
from dps.domain.visibility.policy import Viewer


@frozen
class QueueMatch:
    """Another card of the user's open queue that is probably the same person (imported together, the
    two become one person): its place in the queue (1 = oldest, the review list's order) and how to
    recognise it."""

    card_id: UUID
    number: int
    file_name: str
    name: str
    reason: MatchReason


@frozen
class ReviewItem:
    """A staged card as the review screen shows it: the likely duplicates (visible persons only), the
    accounts its company matches, the decision (the user's, else the proposal) and, when attaching,
    what the card changes about the person (a move or promotion)."""

    card: StagedCard
    duplicates: tuple[DuplicateMatch, ...] = ()
    accounts: tuple[AccountName, ...] = ()
    decision: Decision | None = None
    proposed: bool = True
    changes: tuple[str, ...] = ()
    target: PersonCandidate | None = None
    queue_duplicates: tuple[QueueMatch, ...] = ()
    """Other cards of the open queue that are likely the same person as this one."""


@frozen
class ReviewQueue:
    items: tuple[ReviewItem, ...]
    progress: BatchProgress

    @property
    def reading(self) -> bool:
        return not self.progress.finished


def queue_matches(queue: Sequence[StagedCard]) -> dict[UUID, tuple[QueueMatch, ...]]:
    """For each ready card of the open `queue` (oldest first), the other ready cards that are likely the
    same person (`queue_duplicates`), numbered by their place in the queue."""
    numbers = {c.id: i for i, c in enumerate(queue, start=1)}
    by_id = {c.id: c for c in queue}
    ready = {c.id: c.fields for c in queue if c.status is StagedStatus.READY}
    return {card_id: tuple(QueueMatch(card_id=other, number=numbers[other], file_name=by_id[other].file_name,
                                      name=f"{ready[other].family_name} {ready[other].given_name}".strip(),
                                      reason=reason) for other, reason in matches)
            for card_id, matches in queue_duplicates(ready).items()}


def review_cards(uow: SalesUnitOfWork, viewer: Viewer, cards: Sequence[StagedCard],
                 queue: Sequence[StagedCard] | None = None) -> list[ReviewItem]:
    """Match the cards against the visible persons and accounts in a few set-based queries, and against
    the other cards of the user's open `queue` (oldest first; default: `cards` are the queue)."""
    siblings = queue_matches(cards if queue is None else queue)
    ready = [c for c in cards if c.status is StagedStatus.READY]
    emails = {normalize_email(c.fields.email) for c in ready if c.fields.email}
    names = {c.fields.family_name for c in ready if c.fields.family_name}
    pinned = {c.decision.person_id for c in ready if c.decision and c.decision.person_id}
    candidates = uow.card_imports.person_candidates(emails, names) if (emails or names) else []
    visible: dict[UUID, bool] = {}

    def sees(person_id: UUID) -> bool:
        if person_id not in visible:
            chain = uow.records.access_chain(RecordType.PERSON, person_id)
            visible[person_id] = chain is not None and visible_chain(viewer, chain)
        return visible[person_id]

    shown = [c for c in candidates if sees(c.person_id)]
    by_id = {c.person_id: c for c in shown}
    missing = {p for p in pinned - set(by_id) if sees(p)}
    if missing:
        by_id |= {c.person_id: c for c in uow.card_imports.person_candidates((), (), missing)}
    words = {w for c in ready if (w := normalize_company(c.fields.company))}
    account_rows = uow.card_imports.accounts_like(words) if words else []
    accounts: list[AccountName] = []
    for a in account_rows:
        chain = uow.records.access_chain(RecordType.ACCOUNT, a.account_id)
        if chain is not None and visible_chain(viewer, chain):
            accounts.append(a)
    items: list[ReviewItem] = []
    for card in cards:
        if card.status is not StagedStatus.READY:
            items.append(ReviewItem(card=card))
            continue
        f = card.fields
        dups = likely_duplicates(f, shown)
        matched = tuple(a for a in accounts if same_company(f.company, a.name))
        decision = card.decision or propose(f, dups, (a.account_id for a in matched))
        target = None
        if decision.kind is DecisionKind.ATTACH and decision.person_id is not None:
            target = by_id.get(decision.person_id) or next(
                (m.candidate for m in dups if m.candidate.person_id == decision.person_id), None)
        items.append(ReviewItem(card=card, duplicates=dups, accounts=matched, decision=decision,
                                proposed=card.decision is None,
                                changes=position_changes(f, target) if target else (), target=target,
                                queue_duplicates=siblings.get(card.id, ())))
    return items


class ListStagedCards:
    """The user's review queue (open cards, oldest first; or one batch), with duplicates and proposals."""

    def __init__(self, deps: CardImportDeps) -> None:
        self._d = deps

    def __call__(self, principal: Principal, batch_id: UUID | None = None) -> ReviewQueue:
        ensure_can_write(principal, self._d.sales.audit, "card_import.list")
        with self._d.sales.uow(principal.tenant_id) as uow:
            viewer = viewer_in(uow, principal, self._d.sales.clock)
            cards = uow.card_imports.for_owner(principal.user_id, None if batch_id else OPEN_STATUSES, batch_id)
            queue = uow.card_imports.for_owner(principal.user_id, OPEN_STATUSES) if batch_id else cards
            return ReviewQueue(items=tuple(review_cards(uow, viewer, cards, queue)), progress=progress_of(cards))


class GetStagedCard:
    def __init__(self, deps: CardImportDeps) -> None:
        self._d = deps

    def __call__(self, principal: Principal, card_id: UUID) -> ReviewItem:
        ensure_can_write(principal, self._d.sales.audit, "card_import.get")
        with self._d.sales.uow(principal.tenant_id) as uow:
            card = own_card(uow, principal, card_id)
            queue = uow.card_imports.for_owner(principal.user_id, OPEN_STATUSES)
            return review_cards(uow, viewer_in(uow, principal, self._d.sales.clock), [card], queue)[0]


@frozen
class CorrectStagedCardCommand:
    """The fields as the user corrected them (every field; missing ones become empty) and, optionally,
    the decision; `expected_version` is the version the user read."""

    card_id: UUID
    expected_version: int
    fields: Mapping[str, str]
    decision: Decision | None = None


class CorrectStagedCard:
    def __init__(self, deps: CardImportDeps) -> None:
        self._d = deps

    def __call__(self, principal: Principal, cmd: CorrectStagedCardCommand) -> StagedCard:
        ensure_can_write(principal, self._d.sales.audit, "card_import.correct")
        with self._d.sales.uow(principal.tenant_id) as uow:
            card = own_card(uow, principal, cmd.card_id)
            if card.version != cmd.expected_version:
                raise Conflict("この名刺は他の画面で更新されています / the card was changed elsewhere",
                               current_version=card.version)
            viewer = viewer_in(uow, principal, self._d.sales.clock)
            if cmd.decision is not None:
                _check_decision(uow, viewer, cmd.decision)
            with domain_rules():
                fields = fields_from(cmd.fields) or CardFields()
                card.correct(fields, cmd.decision, self._d.sales.clock.now())
            uow.card_imports.update(card, cmd.expected_version)
            uow.commit()
        return card


def _check_decision(uow: SalesUnitOfWork, viewer: Viewer, decision: Decision) -> None:
    if decision.person_id is not None:
        chain = uow.records.access_chain(RecordType.PERSON, decision.person_id)
        if chain is None or not visible_chain(viewer, chain):
            raise Invalid.field("person_id", "パーソンが見つかりません / person not found")
    if decision.account_id is not None:
        chain = uow.records.access_chain(RecordType.ACCOUNT, decision.account_id)
        if chain is None or not visible_chain(viewer, chain):
            raise Invalid.field("account_id", "取引先が見つかりません / account not found")


class DiscardStagedCards:
    """Drop the selected open cards from the queue and delete their images; returns how many."""

    def __init__(self, deps: CardImportDeps) -> None:
        self._d = deps

    def __call__(self, principal: Principal, card_ids: Collection[UUID]) -> int:
        ensure_can_write(principal, self._d.sales.audit, "card_import.discard")
        sales = self._d.sales
        keys: list[str] = []
        with sales.uow(principal.tenant_id) as uow:
            for card_id in card_ids:
                card = own_card(uow, principal, card_id)
                version = card.version
                with domain_rules():
                    card.discard(sales.clock.now())
                uow.card_imports.update(card, version)
                keys.append(card.image_key)
            uow.commit()
        for key in keys:
            sales.files.delete(principal.tenant_id, key)
        return len(keys)
