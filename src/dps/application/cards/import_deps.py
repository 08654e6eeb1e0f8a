"""名刺一括登録 (S9) and mobile capture (M4): upload card images (or a zip of them, or a PDF of scans) into
the user's staging queue, read them with OCR outside the upload request, review and correct, then
import the selection in one transaction (persons, accounts, business cards with their images, leads of
a campaign) - or discard it. Light users may do none of it.

Every write refuses light users (`Forbidden`); a user sees only their own queue (another user's card
is NotFound)."""

from __future__ import annotations

from uuid import UUID

from attrs import field, frozen

from dps.application.cards.import_ports import CardImageInspector, PdfPages
from dps.application.cards.ports import OcrEngine, PostalDirectory
from dps.application.registry.ports import CorporateRegistry
from dps.application.sales.deps import SalesDeps
from dps.application.sales.uow import SalesUnitOfWork
from dps.application.shared.errors import NotFound
from dps.domain.cards.staging import StagedCard
from dps.domain.shared.principal import Principal

MB = 1024 * 1024


@frozen
class CardImportLimits:
    max_file_bytes: int = 20 * MB
    """One image (also each image inside a zip, each rendered PDF page)."""
    max_files: int = 200
    """Images in one upload, zips and PDFs expanded."""
    max_archive_bytes: int = 200 * MB
    """Total uncompressed size of the entries of one zip (a zip bomb is refused before inflating)."""
    max_pdf_pages: int = 50
    parallel_reads: int = 1
    """Cards of one batch read at once (the OCR engine's worker processes, DPS_OCR_WORKERS)."""


@frozen
class CardImportDeps:
    """The sales bundle (unit of work, file store, scanner, audit), the OCR engine, the image inspector,
    the PDF renderer (None: PDFs are refused with a message), the optional corporate registry used
    to complete a new account (法人番号, address) and the optional postal directory that puts the start of
    a read address right by its postal code."""

    sales: SalesDeps
    ocr: OcrEngine
    images: CardImageInspector
    pdf: PdfPages | None = None
    registry: CorporateRegistry | None = None
    limits: CardImportLimits = field(factory=CardImportLimits)
    postal: PostalDirectory | None = None


def own_card(uow: SalesUnitOfWork, principal: Principal, card_id: UUID) -> StagedCard:
    """The user's own staged card; another user's card (or none) is NotFound."""
    card = uow.card_imports.get(card_id)
    if card is None or card.owner_id != principal.user_id:
        raise NotFound("staged card", card_id)
    return card
