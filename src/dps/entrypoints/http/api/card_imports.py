"""名刺一括登録 API (S9): upload card images / a zip / a PDF (multipart) into the caller's staging queue (read
in the background), list the queue with duplicates and proposals, correct a card, import or discard a
selection. Light users: 403 on every call; another user's card: 404; bad input: 422 with the reasons."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any
from uuid import UUID

import msgspec
from litestar import get, patch, post
from litestar.datastructures import UploadFile
from litestar.enums import RequestEncodingType
from litestar.params import Body
from litestar.types import ControllerRouterHandler

from dps.application.cards.import_deps import CardImportDeps
from dps.application.cards.importing import ImportStagedCards, ImportStagedCardsCommand
from dps.application.cards.review import (
    CorrectStagedCard,
    CorrectStagedCardCommand,
    DiscardStagedCards,
    ListStagedCards,
    ReviewItem,
)
from dps.application.cards.staging import StageCards, Upload
from dps.application.shared.errors import Invalid
from dps.domain.cards.staging import Decision, DecisionKind, StagedCard
from dps.domain.shared.errors import DomainError
from dps.domain.shared.principal import Principal
from dps.entrypoints.http.api.record_people import UPLOAD_REQUEST_CEILING
from dps.entrypoints.http.card_reading import start_reading

Multipart = Annotated[dict[str, Any], Body(media_type=RequestEncodingType.MULTI_PART)]


class DecisionIn(msgspec.Struct, kw_only=True):
    """``attach`` (with ``person_id``) or ``new_person`` (``account_id``: an existing account; none: a new one)."""

    kind: str
    person_id: UUID | None = None
    account_id: UUID | None = None


class StagedCardOut(msgspec.Struct, kw_only=True):
    id: UUID
    version: int
    batch_id: UUID
    file_name: str
    content_type: str
    size: int
    status: str
    reason: str
    fields: dict[str, str]
    read_fields: dict[str, str] | None
    ocr_text: str
    decision: dict[str, str | None] | None = None
    proposed: bool = True
    duplicates: list[dict[str, str | None]] = msgspec.field(default_factory=list)
    queue_duplicates: list[UUID] = msgspec.field(default_factory=list)
    """Other cards of the caller's open queue that are likely the same person (same e-mail, or same name at
    the same company): imported together, they become one person."""
    changes: list[str] = msgspec.field(default_factory=list)
    person_id: UUID | None = None
    account_id: UUID | None = None


class RejectionOut(msgspec.Struct, kw_only=True):
    file_name: str
    reason: str


class StagedOut(msgspec.Struct, kw_only=True):
    batch_id: UUID
    staged: list[StagedCardOut]
    rejected: list[RejectionOut]


class QueueOut(msgspec.Struct, kw_only=True):
    reading: bool
    done: int
    total: int
    items: list[StagedCardOut]


class CardPatchIn(msgspec.Struct, kw_only=True):
    """The corrected fields (every field; one left out becomes empty) at ``expected_version`` (stale: 409)."""

    expected_version: int
    fields: dict[str, str]
    decision: DecisionIn | None = None


class ImportIn(msgspec.Struct, kw_only=True):
    card_ids: list[UUID]
    campaign_id: UUID | None = None
    received_on: date | None = None


class ImportedOut(msgspec.Struct, kw_only=True):
    staged_id: UUID
    file_name: str
    person_id: UUID
    account_id: UUID
    business_card_id: UUID
    person_created: bool
    account_created: bool
    changes: list[str]
    lead_id: UUID | None
    corporate_number: str | None


class ImportOut(msgspec.Struct, kw_only=True):
    cards: list[ImportedOut]
    persons_created: int
    accounts_created: int
    leads_created: int
    warnings: list[str]


class DiscardIn(msgspec.Struct, kw_only=True):
    card_ids: list[UUID]


class DiscardOut(msgspec.Struct, kw_only=True):
    discarded: int


def _card_out(card: StagedCard, item: ReviewItem | None = None) -> StagedCardOut:
    return StagedCardOut(
        id=card.id, version=card.version, batch_id=card.batch_id, file_name=card.file_name,
        content_type=card.content_type, size=card.size, status=card.status.value, reason=card.reason,
        fields=card.fields.as_dict(), read_fields=card.read.as_dict() if card.read else None, ocr_text=card.ocr_text,
        decision=item.decision.as_dict() if item and item.decision else None, proposed=item.proposed if item else True,
        duplicates=[{"person_id": str(m.candidate.person_id), "reason": m.reason.value,
                     "name": f"{m.candidate.last_name} {m.candidate.first_name}".strip(),
                     "account": m.candidate.account_name} for m in (item.duplicates if item else ())],
        queue_duplicates=[m.card_id for m in item.queue_duplicates] if item else [],
        changes=list(item.changes) if item else [], person_id=card.person_id, account_id=card.account_id,
    )


def _decision(data: DecisionIn | None) -> Decision | None:
    if data is None:
        return None
    try:
        return Decision(DecisionKind(data.kind), person_id=data.person_id, account_id=data.account_id)
    except ValueError:
        raise Invalid.field("decision.kind", "attach か new_person / attach or new_person") from None
    except DomainError as e:
        raise Invalid.from_domain(e) from e


@post("/card-imports", summary="Upload card images, a zip of them or a PDF of scans (read in the background)",
      status_code=202, sync_to_thread=True, request_max_body_size=UPLOAD_REQUEST_CEILING)
def stage_cards_handler(principal: Principal, data: Multipart, card_import_deps: CardImportDeps) -> StagedOut:
    value = data.get("files")
    files = value if isinstance(value, list) else [value]
    uploads = []
    for f in files:
        if isinstance(f, UploadFile):
            try:
                uploads.append(Upload(f.filename or "upload", f.file.read()))
            finally:
                f.file.close()
    raw_campaign = data.get("campaign_id")
    try:
        campaign_id = UUID(raw_campaign) if isinstance(raw_campaign, str) and raw_campaign else None
    except ValueError:
        raise Invalid.field("campaign_id", "UUID ではありません / not a UUID") from None
    report = StageCards(card_import_deps)(principal, uploads, campaign_id)
    if report.staged:
        start_reading(card_import_deps, principal, report.batch_id)
    return StagedOut(batch_id=report.batch_id, staged=[_card_out(c) for c in report.staged],
                     rejected=[RejectionOut(file_name=r.file_name, reason=r.reason) for r in report.rejected])


@get("/card-imports", summary="The caller's review queue (open cards) with duplicates and proposals",
     sync_to_thread=True)
def list_staged_handler(principal: Principal, card_import_deps: CardImportDeps) -> QueueOut:
    queue = ListStagedCards(card_import_deps)(principal)
    return QueueOut(reading=queue.reading, done=queue.progress.done, total=queue.progress.total,
                    items=[_card_out(i.card, i) for i in queue.items])


@patch("/card-imports/{card_id:uuid}", summary="Correct a staged card's fields and choose its action",
       sync_to_thread=True)
def correct_staged_handler(principal: Principal, card_id: UUID, data: CardPatchIn,
                           card_import_deps: CardImportDeps) -> StagedCardOut:
    card = CorrectStagedCard(card_import_deps)(principal, CorrectStagedCardCommand(
        card_id=card_id, expected_version=data.expected_version, fields=data.fields,
        decision=_decision(data.decision)))
    return _card_out(card)


@post("/card-imports/import", summary="Import the selected cards in one transaction", status_code=201,
      sync_to_thread=True)
def import_staged_handler(principal: Principal, data: ImportIn, card_import_deps: CardImportDeps) -> ImportOut:
    result = ImportStagedCards(card_import_deps)(principal, ImportStagedCardsCommand(
        card_ids=tuple(data.card_ids), campaign_id=data.campaign_id, received_on=data.received_on))
    return ImportOut(
        cards=[ImportedOut(staged_id=c.staged_id, file_name=c.file_name, person_id=c.person_id,
                           account_id=c.account_id, business_card_id=c.business_card_id,
                           person_created=c.person_created, account_created=c.account_created,
                           changes=list(c.changes), lead_id=c.lead_id, corporate_number=c.corporate_number)
               for c in result.cards],
        persons_created=result.persons_created, accounts_created=result.accounts_created,
        leads_created=result.leads_created, warnings=list(result.warnings),
    )


@post("/card-imports/discard", summary="Discard the selected cards (their images are deleted)", status_code=200,
      sync_to_thread=True)
def discard_staged_handler(principal: Principal, data: DiscardIn, card_import_deps: CardImportDeps) -> DiscardOut:
    return DiscardOut(discarded=DiscardStagedCards(card_import_deps)(principal, data.card_ids))


ROUTES: list[ControllerRouterHandler] = [
    stage_cards_handler, list_staged_handler, correct_staged_handler, import_staged_handler, discard_staged_handler,
]
"""The handlers of this module, mounted under /api/v1 by the app factory."""
