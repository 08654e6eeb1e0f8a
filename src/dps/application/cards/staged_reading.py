"""The OCR step of the bulk import (ReadStagedCards): read the staged cards of a batch, outside the
upload request, one commit per card."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from uuid import UUID

from dps.application.cards.import_deps import CardImportDeps, own_card
from dps.application.cards.reading import CardReading, OcrEngineUnavailable, ReadBusinessCard
from dps.application.shared.errors import Conflict, Invalid, NotFound
from dps.application.shared.guards import ensure_can_write
from dps.domain.cards.staging import BatchProgress, StagedStatus, progress_of
from dps.domain.shared.principal import Principal


class ReadStagedCards:
    """The OCR step: read every card of the user's batch still `reading`, one commit per card so the
    review screen can show 読み取り中 n/m. A card that cannot be read becomes `failed` with the reason
    (the image stays; the user may type the fields by hand). Slow (under a second per card): the web
    runs it in a worker thread, the CLI in line; `limits.parallel_reads` cards are read at once (the OCR
    runs in processes of its own), and their results are recorded in the batch's order."""

    def __init__(self, deps: CardImportDeps) -> None:
        self._d = deps
        self._reader = ReadBusinessCard(deps.ocr, max_bytes=deps.limits.max_file_bytes, postal=deps.postal)

    def __call__(self, principal: Principal, batch_id: UUID) -> BatchProgress:
        ensure_can_write(principal, self._d.sales.audit, "card_import.read")
        sales = self._d.sales
        with sales.uow(principal.tenant_id) as uow:
            pending = [(c.id, c.image_key)
                       for c in uow.card_imports.for_owner(principal.user_id, {StagedStatus.READING}, batch_id)]

        def read(item: tuple[UUID, str]) -> _Outcome:
            return self._read_image(principal, item[1])

        with ThreadPoolExecutor(max_workers=max(1, self._d.limits.parallel_reads),
                                thread_name_prefix="card-ocr") as pool:
            for (card_id, _), outcome in zip(pending, pool.map(read, pending), strict=True):
                try:
                    self._record(principal, card_id, outcome)
                except Conflict:  # discarded or corrected meanwhile: that card no longer needs reading
                    continue
        with sales.uow(principal.tenant_id) as uow:
            return progress_of(uow.card_imports.for_owner(principal.user_id, batch_id=batch_id))

    def _read_image(self, principal: Principal, image_key: str) -> _Outcome:
        """The card's reading, or why it failed (a message, or the unexpected error); no database."""
        try:
            with self._d.sales.files.open(principal.tenant_id, image_key) as f:
                data = f.read()
            return self._reader(data)
        except Invalid as e:
            return "; ".join(e.errors.values())
        except (OcrEngineUnavailable, NotFound) as e:
            return f"読み取りできませんでした / could not be read: {e}"
        except Exception as e:  # an engine bug must fail one card, not leave it reading for ever
            return e

    def _record(self, principal: Principal, card_id: UUID, outcome: _Outcome) -> None:
        sales = self._d.sales
        with sales.uow(principal.tenant_id) as uow:
            card = own_card(uow, principal, card_id)
            if card.status is not StagedStatus.READING:
                return
            version = card.version
            if isinstance(outcome, CardReading):
                card.mark_read(outcome.fields, outcome.raw_text, outcome.warnings, sales.clock.now())
            elif isinstance(outcome, str):
                card.mark_failed(outcome, sales.clock.now())
            else:
                sales.audit.application("card_import.read_error", card=str(card.id), error=type(outcome).__name__)
                card.mark_failed(f"読み取り中にエラーが発生しました / reading failed ({type(outcome).__name__})",
                                 sales.clock.now())
            uow.card_imports.update(card, version)
            uow.commit()


_Outcome = CardReading | str | Exception
"""What reading one card gave: its fields, the reason it could not be read, or an engine's unexpected error."""
