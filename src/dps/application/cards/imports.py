"""名刺一括登録 (S9) and mobile capture (M4): upload card images (or a zip of them, or a PDF of scans) into
the user's staging queue, read them with OCR outside the upload request, review and correct, then
import the selection in one transaction (persons, accounts, business cards with their images, leads of
a campaign) - or discard it. Light users may do none of it.

Every write refuses light users (`Forbidden`); a user sees only their own queue (another user's card
is NotFound)."""

from __future__ import annotations

import hashlib
import io
import zipfile
from collections.abc import Collection, Iterator, Mapping, Sequence
from datetime import date
from pathlib import PurePosixPath
from typing import BinaryIO
from uuid import UUID

from attrs import evolve, field, frozen

from dps.application.cards.import_ports import (
    AccountName,
    CardImageInspector,
    PdfPages,
    UnreadableDocument,
)
from dps.application.cards.ports import OcrEngine, UnreadableImage
from dps.application.cards.reading import OcrEngineUnavailable, ReadBusinessCard, image_format
from dps.application.cards.staging_support import HeldAudit, joined
from dps.application.registry.ports import CorporateRecord, CorporateRegistry, RegistryUnavailable
from dps.application.sales.access import ensure_visible, viewer_in, visible_chain
from dps.application.sales.accounts.commands import CreateAccount, CreateAccountCommand
from dps.application.sales.deps import SalesDeps
from dps.application.sales.files import new_storage_key
from dps.application.sales.leads.commands import RegisterLeadCommand
from dps.application.sales.leads.manage import RegisterLead
from dps.application.sales.persons.cards import AddBusinessCard, AddBusinessCardCommand
from dps.application.sales.persons.commands import CreatePerson, CreatePersonCommand
from dps.application.sales.record_support import code_list
from dps.application.sales.uow import SalesUnitOfWork
from dps.application.shared.errors import ApplicationError, Conflict, Invalid, NotFound, domain_rules
from dps.application.shared.guards import ensure_can_write
from dps.application.shared.time import today_in
from dps.domain.cards.fields import CardFields
from dps.domain.cards.staging import (
    OPEN_STATUSES,
    BatchProgress,
    Decision,
    DecisionKind,
    DuplicateMatch,
    PersonCandidate,
    StagedCard,
    StagedStatus,
    fields_from,
    identity_keys,
    likely_duplicates,
    normalize_company,
    normalize_email,
    position_changes,
    progress_of,
    propose,
    same_company,
)
from dps.domain.sales.records import RecordType
from dps.domain.shared.errors import DomainError
from dps.domain.shared.principal import Principal
from dps.domain.visibility.policy import Viewer

MB = 1024 * 1024
ACCEPTED_FORMATS = {"JPEG": "image/jpeg", "PNG": "image/png", "WebP": "image/webp", "TIFF": "image/tiff"}
"""Formats a card image may have (sniffed from the bytes, never from the name or declared type)."""
LEAD_SOURCE = "card"
"""The lead_source code of leads made from cards (名刺交換); 'other' when a tenant has removed it."""


@frozen
class CardImportLimits:
    max_file_bytes: int = 20 * MB
    """One image (also each image inside a zip, each rendered PDF page)."""
    max_files: int = 200
    """Images in one upload, zips and PDFs expanded."""
    max_archive_bytes: int = 200 * MB
    """Total uncompressed size of the entries of one zip (a zip bomb is refused before inflating)."""
    max_pdf_pages: int = 50


@frozen
class CardImportDeps:
    """The sales bundle (unit of work, file store, scanner, audit), the OCR engine, the image inspector,
    the PDF renderer (None: PDFs are refused with a message) and the optional corporate registry used
    to complete a new account (法人番号, address)."""

    sales: SalesDeps
    ocr: OcrEngine
    images: CardImageInspector
    pdf: PdfPages | None = None
    registry: CorporateRegistry | None = None
    limits: CardImportLimits = field(factory=CardImportLimits)


@frozen
class Upload:
    file_name: str
    data: bytes


@frozen
class Rejection:
    """A file (or a zip entry / PDF page) that was not staged, and why (Japanese / English)."""

    file_name: str
    reason: str


@frozen
class StageReport:
    batch_id: UUID
    staged: tuple[StagedCard, ...]
    rejected: tuple[Rejection, ...]


def _mb(size: int) -> str:
    return f"{size / MB:.1f} MB"


def _refuse(file_name: str, reason: str) -> Rejection:
    return Rejection(file_name=file_name, reason=reason)


def _own_card(uow: SalesUnitOfWork, principal: Principal, card_id: UUID) -> StagedCard:
    card = uow.card_imports.get(card_id)
    if card is None or card.owner_id != principal.user_id:
        raise NotFound("staged card", card_id)
    return card


# -- staging -------------------------------------------------------------------------------------------

class StageCards:
    """Put uploaded files into the user's queue as cards to read (status `reading`): images as they are,
    the images inside a zip, the pages of a PDF. Each bad file is a `Rejection` with its reason; the
    good ones are staged anyway (nothing is lost). Bytes are sniffed, size-checked, decoded (corrupt
    images are refused), virus-scanned when a scanner is configured, and stored in the file store."""

    def __init__(self, deps: CardImportDeps) -> None:
        self._d = deps

    def __call__(self, principal: Principal, uploads: Sequence[Upload], campaign_id: UUID | None = None
                 ) -> StageReport:
        ensure_can_write(principal, self._d.sales.audit, "card_import.stage")
        if not uploads:
            raise Invalid.field("files", "ファイルを選んでください / choose at least one file")
        sales = self._d.sales
        images: list[tuple[str, bytes]] = []
        rejected: list[Rejection] = []
        for upload in uploads:
            for item in self._expand(upload):
                (rejected if isinstance(item, Rejection) else images).append(item)  # type: ignore[arg-type]
        if len(images) > self._d.limits.max_files:
            raise Invalid.field("files", f"一度に登録できるのは {self._d.limits.max_files} 枚までです / at most "
                                         f"{self._d.limits.max_files} cards per upload ({len(images)} given)")
        batch_id = sales.ids.new_id()
        staged: list[StagedCard] = []
        stored: list[str] = []
        try:
            with sales.uow(principal.tenant_id) as uow:
                if campaign_id is not None:
                    viewer = viewer_in(uow, principal, sales.clock)
                    ensure_visible(viewer, uow.records.access_chain(RecordType.CAMPAIGN, campaign_id), "campaign",
                                   campaign_id)
                open_hashes = {c.sha256 for c in uow.card_imports.for_owner(principal.user_id, OPEN_STATUSES)}
                for name, data in images:
                    problem = self._check(name, data)
                    digest = hashlib.sha256(data).hexdigest()
                    if problem is None and digest in open_hashes:
                        problem = _refuse(name, "同じ画像が既に取り込み待ちにあります / the same image is already in "
                                                "the review queue")
                    if problem is not None:
                        rejected.append(problem)
                        continue
                    open_hashes.add(digest)
                    key = new_storage_key()
                    sales.files.put(principal.tenant_id, key, io.BytesIO(data),
                                    max_bytes=self._d.limits.max_file_bytes)
                    stored.append(key)
                    now = sales.clock.now()
                    fmt = image_format(data) or "JPEG"
                    card = StagedCard(
                        id=sales.ids.new_id(), owner_id=principal.user_id, batch_id=batch_id,
                        file_name=name[-255:], content_type=ACCEPTED_FORMATS[fmt], size=len(data), sha256=digest,
                        image_key=key, created_at=now, updated_at=now, campaign_id=campaign_id,
                    )
                    uow.card_imports.add(card)
                    staged.append(card)
                uow.commit()
        except BaseException:
            for key in stored:
                sales.files.delete(principal.tenant_id, key)
            raise
        sales.audit.application("card_import.staged", user=principal.login_id, batch=str(batch_id),
                                staged=len(staged), rejected=len(rejected))
        return StageReport(batch_id=batch_id, staged=tuple(staged), rejected=tuple(rejected))

    def _expand(self, upload: Upload) -> Iterator[tuple[str, bytes] | Rejection]:
        data, name = upload.data, upload.file_name or "upload"
        if not data:
            yield _refuse(name, "空のファイルです / the file is empty")
        elif data[:4] == b"PK\x03\x04":
            yield from self._unzip(name, data)
        elif data[:5] == b"%PDF-":
            yield from self._pdf(name, data)
        else:
            yield (name, data)

    def _unzip(self, name: str, data: bytes) -> Iterator[tuple[str, bytes] | Rejection]:
        limits = self._d.limits
        try:
            archive = zipfile.ZipFile(io.BytesIO(data))
            entries = [e for e in archive.infolist() if not e.is_dir() and not _hidden(e.filename)]
        except (zipfile.BadZipFile, OSError, ValueError) as e:
            yield _refuse(name, f"zip ファイルを開けません / the zip file cannot be opened ({e})")
            return
        if len(entries) > limits.max_files:
            yield _refuse(name, f"zip 内のファイルが多すぎます ({len(entries)}、上限 {limits.max_files}) / too many "
                                f"files in the zip ({len(entries)}, the limit is {limits.max_files})")
            return
        if sum(e.file_size for e in entries) > limits.max_archive_bytes:
            yield _refuse(name, f"zip の展開後のサイズが大きすぎます (上限 {_mb(limits.max_archive_bytes)}) / the zip "
                                f"expands beyond {_mb(limits.max_archive_bytes)}")
            return
        for entry in entries:
            label = f"{name}/{entry.filename}"
            if entry.file_size > limits.max_file_bytes:
                yield _too_large(label, entry.file_size, limits.max_file_bytes)
                continue
            try:
                with archive.open(entry) as f:
                    content = f.read(limits.max_file_bytes + 1)
            except (zipfile.BadZipFile, OSError, RuntimeError, NotImplementedError, ValueError) as e:
                yield _refuse(label, f"zip 内のファイルを読めません / cannot read the entry ({e})")
                continue
            if len(content) > limits.max_file_bytes:
                yield _too_large(label, len(content), limits.max_file_bytes)
            elif content[:4] == b"PK\x03\x04" or content[:5] == b"%PDF-":
                yield _refuse(label, "zip の中の zip や PDF は展開しません / a zip or PDF inside a zip is not opened")
            else:
                yield (label, content)

    def _pdf(self, name: str, data: bytes) -> Iterator[tuple[str, bytes] | Rejection]:
        if self._d.pdf is None:
            yield _refuse(name, "PDF は読み込めません (pdftoppm が未導入) / "
                                "PDFs cannot be read here (pdftoppm missing)")
            return
        if len(data) > self._d.limits.max_archive_bytes:
            yield _too_large(name, len(data), self._d.limits.max_archive_bytes)
            return
        try:
            pages = self._d.pdf.render(data, max_pages=self._d.limits.max_pdf_pages)
        except UnreadableDocument as e:
            yield _refuse(name, e.reason)
            return
        stem = PurePosixPath(name).stem
        for i, page in enumerate(pages, start=1):
            yield (f"{stem}-p{i}.png", page)

    def _check(self, name: str, data: bytes) -> Rejection | None:
        limit = self._d.limits.max_file_bytes
        if not data:
            return _refuse(name, "空のファイルです / the file is empty")
        if len(data) > limit:
            return _too_large(name, len(data), limit)
        fmt = image_format(data)
        if fmt not in ACCEPTED_FORMATS:
            return _refuse(name, "名刺画像ではありません (JPEG, PNG, WebP, TIFF、または zip / PDF) / not a card image "
                                 "(JPEG, PNG, WebP or TIFF expected, or a zip or PDF of them)")
        try:
            self._d.images.inspect(data)
        except UnreadableImage as e:
            return _refuse(name, f"画像が壊れているか読めません / the image is corrupt or unreadable: {e.reason}")
        scanner = self._d.sales.scanner
        if scanner is not None:
            found = scanner.scan(io.BytesIO(data))
            if found is not None:
                self._d.sales.audit.security("upload.infected", file=name, signature=found)
                return _refuse(name, f"ウイルスが検出されました ({found}) / a virus was found ({found})")
        return None


def _hidden(path: str) -> bool:
    parts = PurePosixPath(path).parts
    return any(p.startswith(".") or p == "__MACOSX" for p in parts)


def _too_large(name: str, size: int, limit: int) -> Rejection:
    return _refuse(name, f"ファイルが大きすぎます ({_mb(size)}、上限 {_mb(limit)}) / the file is too large "
                         f"({_mb(size)}, the limit is {_mb(limit)}); 解像度を下げて撮り直してください / "
                         "retake or resize the photo")


# -- reading -------------------------------------------------------------------------------------------

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
            card = _own_card(uow, principal, card_id)
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


# -- review --------------------------------------------------------------------------------------------

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


@frozen
class ReviewQueue:
    items: tuple[ReviewItem, ...]
    progress: BatchProgress

    @property
    def reading(self) -> bool:
        return not self.progress.finished


def _review(uow: SalesUnitOfWork, viewer: Viewer, cards: Sequence[StagedCard]) -> list[ReviewItem]:
    """Match the cards against the visible persons and accounts in a few set-based queries."""
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
                                changes=position_changes(f, target) if target else (), target=target))
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
            return ReviewQueue(items=tuple(_review(uow, viewer, cards)), progress=progress_of(cards))


class GetStagedCard:
    def __init__(self, deps: CardImportDeps) -> None:
        self._d = deps

    def __call__(self, principal: Principal, card_id: UUID) -> ReviewItem:
        ensure_can_write(principal, self._d.sales.audit, "card_import.get")
        with self._d.sales.uow(principal.tenant_id) as uow:
            card = _own_card(uow, principal, card_id)
            return _review(uow, viewer_in(uow, principal, self._d.sales.clock), [card])[0]


class OpenStagedImage:
    """The bytes of a staged card's image (the user's own) and its sniffed content type."""

    def __init__(self, deps: CardImportDeps) -> None:
        self._d = deps

    def __call__(self, principal: Principal, card_id: UUID) -> tuple[BinaryIO, str]:
        ensure_can_write(principal, self._d.sales.audit, "card_import.image")
        with self._d.sales.uow(principal.tenant_id) as uow:
            card = _own_card(uow, principal, card_id)
        return self._d.sales.files.open(principal.tenant_id, card.image_key), card.content_type


class OpenBusinessCardImage:
    """The image of a person's business card, for whoever may see the person (404 otherwise)."""

    def __init__(self, deps: SalesDeps) -> None:
        self._d = deps

    def __call__(self, principal: Principal, card_id: UUID) -> tuple[BinaryIO, str]:
        with self._d.uow(principal.tenant_id) as uow:
            card = uow.business_cards.get(card_id)
            if card is None or card.image_key is None:
                raise NotFound("business card image", card_id)
            viewer = viewer_in(uow, principal, self._d.clock)
            ensure_visible(viewer, uow.records.access_chain(RecordType.PERSON, card.person_id), "business card",
                           card_id)
        return self._d.files.open(principal.tenant_id, card.image_key), card.image_content_type or "image/jpeg"


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
            card = _own_card(uow, principal, cmd.card_id)
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
                card = _own_card(uow, principal, card_id)
                version = card.version
                with domain_rules():
                    card.discard(sales.clock.now())
                uow.card_imports.update(card, version)
                keys.append(card.image_key)
            uow.commit()
        for key in keys:
            sales.files.delete(principal.tenant_id, key)
        return len(keys)


# -- import ------------------------------------------------------------------------------------------------

@frozen
class ImportStagedCardsCommand:
    card_ids: tuple[UUID, ...]
    campaign_id: UUID | None = None
    """With a campaign, each imported person also becomes a lead of it (the cards' own campaign otherwise)."""
    received_on: date | None = None
    """The day the cards were received (default: today in the tenant's zone)."""


@frozen
class ImportedCard:
    staged_id: UUID
    file_name: str
    person_id: UUID
    account_id: UUID
    business_card_id: UUID
    person_created: bool
    account_created: bool
    changes: tuple[str, ...] = ()
    """For an existing person: what the card moved ('account_id', 'department', 'title')."""
    lead_id: UUID | None = None
    corporate_number: str | None = None


@frozen
class ImportResult:
    cards: tuple[ImportedCard, ...]
    warnings: tuple[str, ...] = ()

    @property
    def persons_created(self) -> int:
        return sum(1 for c in self.cards if c.person_created)

    @property
    def accounts_created(self) -> int:
        return sum(1 for c in self.cards if c.account_created)

    @property
    def leads_created(self) -> int:
        return sum(1 for c in self.cards if c.lead_id is not None)


_PERSON_VALUES = {"family_name": "last_name", "given_name": "first_name", "family_kana": "last_name_kana",
                  "given_kana": "first_name_kana", "department": "department", "title": "title", "email": "email",
                  "phone": "phone", "mobile": "mobile", "fax": "fax", "postal_code": "postal_code",
                  "address": "address"}
_PRINTED = _PERSON_VALUES | {"company": "company_name", "url": "url"}


def _printed(f: CardFields, names: Mapping[str, str]) -> dict[str, str]:
    return {column: getattr(f, attr) for attr, column in names.items()}


class ImportStagedCards:
    """Import the selected ready cards in ONE transaction: each card is added to an existing person's
    history (AddBusinessCard: a newer card moves the person) or creates a person (CreatePerson) - under
    the matching account, or a new account (CreateAccount) completed from the corporate registry when
    one is configured - and, with a campaign, a lead of it (RegisterLead). The card image becomes the
    business card's image. Any failure leaves nothing created; its `Invalid` names the file."""

    def __init__(self, deps: CardImportDeps) -> None:
        self._d = deps

    def __call__(self, principal: Principal, cmd: ImportStagedCardsCommand) -> ImportResult:
        sales = self._d.sales
        ensure_can_write(principal, sales.audit, "card_import.import")
        if not cmd.card_ids:
            raise Invalid.field("card_ids", "名刺を選んでください / select at least one card")
        with sales.uow(principal.tenant_id) as uow:
            viewer = viewer_in(uow, principal, sales.clock)
            cards = [_own_card(uow, principal, i) for i in dict.fromkeys(cmd.card_ids)]
            for card in cards:
                _importable(card)
            reviews = _review(uow, viewer, cards)
            if cmd.campaign_id is not None:
                ensure_visible(viewer, uow.records.access_chain(RecordType.CAMPAIGN, cmd.campaign_id), "campaign",
                               cmd.campaign_id)
        records, warnings = self._registry_lookups(reviews)
        held = HeldAudit(sales.audit)
        try:
            result = self._import(principal, cmd, reviews, records, held)
        except BaseException:
            held.drop()
            raise
        held.release()
        sales.audit.application("card_import.imported", user=principal.login_id, cards=len(result.cards),
                                persons=result.persons_created, accounts=result.accounts_created)
        return evolve(result, warnings=tuple(warnings))

    def _registry_lookups(self, reviews: Sequence[ReviewItem]) -> tuple[dict[str, CorporateRecord], list[str]]:
        """Registry records of the companies that may need a new account (outside the transaction: the
        registry may be a slow web service). Unreachable registries are a warning, not a failure."""
        registry = self._d.registry
        found: dict[str, CorporateRecord] = {}
        warnings: list[str] = []
        if registry is None:
            return found, warnings
        for item in reviews:
            company = item.card.fields.company
            key = normalize_company(company)
            if item.accounts or key in found or not key or (item.decision and item.decision.account_id):
                continue
            try:
                hits = registry.search_name(company, limit=10)
            except RegistryUnavailable as e:
                warnings.append(f"登録情報を取得できません / registry unreachable ({e.message})")
                break
            exact = [r for r in hits if normalize_company(r.name) == key and not r.is_closed]
            if len(exact) == 1:
                found[key] = exact[0]
        return found, warnings

    def _import(self, principal: Principal, cmd: ImportStagedCardsCommand, reviews: Sequence[ReviewItem],
                records: Mapping[str, CorporateRecord], held: HeldAudit) -> ImportResult:
        sales = self._d.sales
        out: list[ImportedCard] = []
        with sales.uow(principal.tenant_id) as uow:
            inner = evolve(sales, uow=joined(uow), audit=held)
            received_on = cmd.received_on or today_in(sales.clock, uow.tenant().time_zone)
            source = _lead_source(uow)
            made_accounts: dict[str, UUID] = {}
            made_persons: dict[str, UUID] = {}
            for item in reviews:
                card = item.card
                try:
                    out.append(self._one(principal, uow, inner, item, received_on, records, made_accounts,
                                         made_persons, cmd.campaign_id or card.campaign_id, source))
                except DomainError as e:
                    raise _naming(card, Invalid.from_domain(e)) from e
                except (Invalid, NotFound) as e:
                    raise _naming(card, e) from e
                except ApplicationError as e:
                    e.message = f"{card.file_name}: {e.message}"
                    e.args = (e.message,)
                    raise
            uow.commit()
        return ImportResult(cards=tuple(out))

    def _one(self, principal: Principal, uow: SalesUnitOfWork, inner: SalesDeps, item: ReviewItem,
             received_on: date, records: Mapping[str, CorporateRecord], made_accounts: dict[str, UUID],
             made_persons: dict[str, UUID], campaign_id: UUID | None, lead_source: str) -> ImportedCard:
        card, f = item.card, item.card.fields
        decision = item.decision or Decision.new_person()
        earlier = next((made_persons[k] for k in identity_keys(f) if k in made_persons), None)
        if decision.kind is DecisionKind.NEW_PERSON and decision.account_id is None and earlier is not None:
            # a second card of a person this import creates: one person with both cards, not two persons
            decision = Decision.attach(earlier)
            item = evolve(item, target=None)
        key = normalize_company(f.company)
        person_created = account_created = False
        corporate_number: str | None = None
        if decision.kind is DecisionKind.ATTACH:
            assert decision.person_id is not None
            person_id = decision.person_id
            target = item.target
            if target is not None and target.account_id is not None and (
                    same_company(f.company, target.account_name) or same_company(f.company, target.company)):
                account_id = target.account_id
            elif item.accounts:
                account_id = item.accounts[0].account_id
            else:
                account_id, account_created, corporate_number = self._account(principal, uow, inner, f, key,
                                                                              records, made_accounts)
        else:
            if decision.account_id is not None:
                account_id = decision.account_id
            elif item.accounts:
                account_id = item.accounts[0].account_id
            else:
                account_id, account_created, corporate_number = self._account(principal, uow, inner, f, key,
                                                                              records, made_accounts)
            person = CreatePerson(inner)(principal, CreatePersonCommand(
                account_id=account_id, values=_printed(f, _PERSON_VALUES)))
            person_id, person_created = person.id, True
            made_persons.update(dict.fromkeys(identity_keys(f), person_id))
        added = AddBusinessCard(inner)(principal, AddBusinessCardCommand(
            person_id=person_id, received_on=received_on, account_id=account_id, source="ocr",
            raw_text=card.ocr_text,
            printed=_printed(f, _PRINTED) | {"image_key": card.image_key, "image_content_type": card.content_type},
        ))
        lead_id = None
        if campaign_id is not None and (person_created or decision.person_id not in made_persons.values()):
            lead = RegisterLead(inner)(principal, RegisterLeadCommand(
                company_name=f.company, last_name=f.family_name, first_name=f.given_name,
                last_name_kana=f.family_kana, first_name_kana=f.given_kana, department=f.department,
                title=f.title, email=f.email, phone=f.phone, mobile=f.mobile, postal_code=f.postal_code,
                address=f.address, source_code=lead_source, campaign_id=campaign_id,
                corporate_number=corporate_number,
            ))
            lead_id = lead.lead.id
        version = card.version
        card.mark_imported(person_id, account_id, self._d.sales.clock.now())
        uow.card_imports.update(card, version)
        return ImportedCard(
            staged_id=card.id, file_name=card.file_name, person_id=person_id, account_id=account_id,
            business_card_id=added.card.id, person_created=person_created, account_created=account_created,
            changes=added.move.changed if added.move and not person_created else (), lead_id=lead_id,
            corporate_number=corporate_number,
        )

    def _account(self, principal: Principal, uow: SalesUnitOfWork, inner: SalesDeps, f: CardFields, key: str,
                 records: Mapping[str, CorporateRecord], made: dict[str, UUID]) -> tuple[UUID, bool, str | None]:
        """The account of a company no visible account matches: one made earlier in this import, the account
        holding the registry's 法人番号, or a new one (with the registry's number, kana, address and English name)."""
        record = records.get(key)
        if key in made:
            return made[key], False, record.corporate_number if record else None
        values: dict[str, str] = {"name": f.company}
        if record is not None:
            holder = uow.accounts.id_by_corporate_number(record.corporate_number)
            if holder is not None:
                made[key] = holder
                return holder, False, record.corporate_number
            values |= {"corporate_number": record.corporate_number, "kana": record.furigana,
                       "postal_code": _postal(record.postal_code), "address": record.address,
                       "en_name": record.en_name}
        else:
            values |= {"postal_code": f.postal_code, "address": f.address, "phone": f.phone, "url": f.url}
        account = CreateAccount(inner)(principal, CreateAccountCommand(values={k: v for k, v in values.items() if v}))
        made[key] = account.id
        return account.id, True, record.corporate_number if record else None


def _importable(card: StagedCard) -> None:
    try:
        card.importable()
    except DomainError as e:
        raise _naming(card, Invalid.from_domain(e)) from e


def _naming(card: StagedCard, error: Invalid | NotFound) -> Invalid:
    """The error keyed by the card and with its file name in front, so the user knows which card stopped
    the import (a person or account gone meanwhile is bad input of that card, not a missing page)."""
    if isinstance(error, Invalid):
        return Invalid({f"{card.id}.{k}": f"{card.file_name}: {v}" for k, v in error.errors.items()})
    return Invalid({f"{card.id}.decision": f"{card.file_name}: 取り込み先が見つかりません / the person or account "
                                            f"to import into is not found"})


def _postal(code: str) -> str:
    """The registry's 7 digits as printed on cards and stored on accounts (NNN-NNNN)."""
    return f"{code[:3]}-{code[3:]}" if len(code) == 7 and code.isdigit() else code


def _lead_source(uow: SalesUnitOfWork) -> str:
    codes = {v.code for v in code_list(uow, "lead_source").active()}
    return LEAD_SOURCE if LEAD_SOURCE in codes or not codes else ("other" if "other" in codes else sorted(codes)[0])
