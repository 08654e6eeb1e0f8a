"""The web's card reader: OCR of an uploaded batch in a worker thread of this process, so the upload
request returns at once; progress lives in the staging table (読み取り中 n/m), so any request sees it."""

from __future__ import annotations

import logging
import threading
from collections.abc import Iterable
from uuid import UUID

from dps.application.cards.import_deps import CardImportDeps
from dps.application.cards.staged_reading import ReadStagedCards
from dps.domain.shared.principal import Principal

log = logging.getLogger(__name__)

_readers: dict[UUID, threading.Thread] = {}
_readers_lock = threading.Lock()


def start_reading(deps: CardImportDeps, principal: Principal, batch_id: UUID) -> None:
    """Read the batch in a daemon thread, unless this process reads it already."""

    def run() -> None:
        try:
            ReadStagedCards(deps)(principal, batch_id)
        except Exception:  # the cards stay 'reading'; a later upload or `dps cards import` reads them
            log.exception("card_import.read_failed batch=%s", batch_id)
        finally:
            with _readers_lock:
                _readers.pop(batch_id, None)

    thread = threading.Thread(target=run, name=f"card-reader-{batch_id}", daemon=True)
    with _readers_lock:
        if batch_id in _readers:
            return
        _readers[batch_id] = thread
    thread.start()


def resume_reading(deps: CardImportDeps, principal: Principal, batch_ids: Iterable[UUID]) -> None:
    """Start readers for batches still `reading` that no thread of this process reads (the server was
    restarted mid-batch): the queue page calls this, so no card stays 読み取り中 for ever."""
    for batch_id in set(batch_ids):
        start_reading(deps, principal, batch_id)


def wait_for_readers(timeout: float = 30.0) -> None:
    """Join the running readers (tests, a graceful shutdown)."""
    with _readers_lock:
        threads = list(_readers.values())
    for thread in threads:
        thread.join(timeout)
