"""A small world for the card import tests: the directory of `accounts_helpers`, a fake OCR answering per
image, a fake corporate registry, and helpers to count what an import created."""

from __future__ import annotations

import io
import os
import zipfile
from collections.abc import Sequence

import sqlalchemy as sa
from attrs import define
from PIL import Image

from dps.adapters.cards.images import PillowCardImages
from dps.adapters.cards.pdf import PdftoppmPages, pdftoppm_available
from dps.adapters.db.tables.sales_accounts import accounts, business_cards, persons
from dps.adapters.db.tables.sales_campaigns import leads
from dps.application.cards.import_deps import CardImportDeps, CardImportLimits
from dps.application.cards.review import ListStagedCards
from dps.application.cards.staged_reading import ReadStagedCards
from dps.application.cards.staging import StageCards, Upload
from dps.domain.cards.staging import StagedCard
from tests.fakes.card_ocr import FakeOcr, card_image
from tests.fakes.registry import FakeRegistry
from tests.integration.sales.accounts_helpers import Directory

LIMIT = 200_000
"""The per-image limit of the tests (the real default is DPS_MAX_UPLOAD_BYTES, 20 MB)."""


@define
class CardWorld:
    d: Directory
    ocr: FakeOcr
    registry: FakeRegistry
    deps: CardImportDeps
    engine: sa.Engine
    seed: int = 0

    def image(self, *lines: str) -> bytes:
        """A new distinct card image that OCR reads as `lines`."""
        self.seed += 1
        data = card_image(self.seed)
        self.ocr.texts[data] = lines
        return data

    def stage_and_read(self, login: str, *cards: Sequence[str]) -> list[StagedCard]:
        principal = self.d.principal(login)
        uploads = [Upload(f"card{i}.png", self.image(*lines)) for i, lines in enumerate(cards, start=1)]
        report = StageCards(self.deps)(principal, uploads)
        assert not report.rejected, report.rejected
        ReadStagedCards(self.deps)(principal, report.batch_id)
        queue = ListStagedCards(self.deps)(principal, report.batch_id)
        return [item.card for item in queue.items]

    def count(self, table: sa.Table) -> int:
        with self.engine.connect() as conn:
            return int(conn.execute(sa.select(sa.func.count()).select_from(table)).scalar_one())

    def counts(self) -> dict[str, int]:
        return {t.name: self.count(t) for t in (persons, accounts, business_cards, leads)}


def make_world(d: Directory, engine: sa.Engine) -> CardWorld:
    ocr, registry = FakeOcr(), FakeRegistry()
    deps = CardImportDeps(sales=d.deps, ocr=ocr, images=PillowCardImages(),
                          pdf=PdftoppmPages(dpi=50) if pdftoppm_available() else None, registry=registry,
                          limits=CardImportLimits(max_file_bytes=LIMIT, max_files=20, max_archive_bytes=2_000_000))
    return CardWorld(d=d, ocr=ocr, registry=registry, deps=deps, engine=engine)


def noise_png(side: int = 400) -> bytes:
    """An incompressible PNG larger than `LIMIT` (random pixels)."""
    out = io.BytesIO()
    Image.frombytes("RGB", (side, side), os.urandom(side * side * 3)).save(out, format="PNG")
    return out.getvalue()


def zip_of(entries: dict[str, bytes]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in entries.items():
            z.writestr(name, data)
    return out.getvalue()


def pdf_of(pages: int) -> bytes:
    images = [Image.new("RGB", (364, 220), (255, 255, 255 - i * 20)) for i in range(pages)]
    out = io.BytesIO()
    images[0].save(out, format="PDF", save_all=True, append_images=images[1:])
    return out.getvalue()
