"""The OCR step of the bulk import (ReadStagedCards): read the staged cards of a batch, outside the
upload request, one commit per card."""

from __future__ import annotations

from uuid import UUID

from dps.application.cards.import_deps import CardImportDeps, own_card
from dps.application.cards.reading import OcrEngineUnavailable, ReadBusinessCard
from dps.application.shared.errors import Conflict, Invalid, NotFound
from dps.application.shared.guards import ensure_can_write
from dps.domain.cards.staging import BatchProgress, StagedStatus, progress_of
from dps.domain.shared.principal import Principal


class ReadStagedCards:
    """The OCR step: read every card of the user's batch still `reading`, one commit per card so the
    review screen can show 読み取り中 n/m. A card that cannot be read becomes `failed` with the reason
    (the image stays; the user may type the fields by hand). Slow (about a second per card): the web
    runs it in a worker thread, the CLI in line."""

    def __init__(self, deps: CardImportDeps) -> None:
        self._d = deps
        self._reader = ReadBusinessCard(deps.ocr, max_bytes=deps.limits.max_file_bytes)

    def __call__(self, principal: Principal, batch_id: UUID) -> BatchProgress:
        ensure_can_write(principal, self._d.sales.audit, "card_import.read")
        sales = self._d.sales
        with sales.uow(principal.tenant_id) as uow:
            pending = [c.id for c in uow.card_imports.for_owner(principal.user_id, {StagedStatus.READING}, batch_id)]
        for card_id in pending:
            try:
                self._read_one(principal, card_id)
            except Conflict:  # discarded or corrected meanwhile: that card no longer needs reading
                continue
        with sales.uow(principal.tenant_id) as uow:
            return progress_of(uow.card_imports.for_owner(principal.user_id, batch_id=batch_id))

    def _read_one(self, principal: Principal, card_id: UUID) -> None:
        sales = self._d.sales
        with sales.uow(principal.tenant_id) as uow:
            card = own_card(uow, principal, card_id)
            if card.status is not StagedStatus.READING:
                return
            version = card.version
            try:
                with sales.files.open(principal.tenant_id, card.image_key) as f:
                    data = f.read()
                reading = self._reader(data)
            except Invalid as e:
                card.mark_failed("; ".join(e.errors.values()), sales.clock.now())
            except (OcrEngineUnavailable, NotFound) as e:
                card.mark_failed(f"読み取りできませんでした / could not be read: {e}", sales.clock.now())
            except Exception as e:  # an engine bug must fail one card, not leave it reading for ever
                sales.audit.application("card_import.read_error", card=str(card.id), error=type(e).__name__)
                card.mark_failed(f"読み取り中にエラーが発生しました / reading failed ({type(e).__name__})",
                                 sales.clock.now())
            else:
                card.mark_read(reading.fields, reading.raw_text, reading.warnings, sales.clock.now())
            uow.card_imports.update(card, version)
            uow.commit()
