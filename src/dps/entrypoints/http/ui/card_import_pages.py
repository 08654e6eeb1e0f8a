"""名刺一括登録 (S9) and the mobile card capture (M4): upload, review queue, per-card review with the image
beside the fields, bulk import / discard, and the images (staged cards, persons' business cards).

OCR takes about a second per card, so it never runs in the request that uploads: `start_reading` hands
the batch to a worker thread (`ReadStagedCards`, one commit per card) and the queue shows 読み取り中 n/m,
refreshing itself until every card is read. Handlers stay thin: the use cases check licences (light
users: 403), ownership (another user's card: 404) and every input (422 with the reasons)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any
from uuid import UUID

from litestar import Request, get, post
from litestar.datastructures import UploadFile
from litestar.response import Redirect, Stream, Template

from dps.application.cards.card_images import OpenBusinessCardImage, OpenStagedImage
from dps.application.cards.import_deps import CardImportDeps
from dps.application.cards.importing import ImportResult, ImportStagedCards, ImportStagedCardsCommand
from dps.application.cards.review import (
    CorrectStagedCard,
    CorrectStagedCardCommand,
    DiscardStagedCards,
    GetStagedCard,
    ListStagedCards,
    ReviewItem,
)
from dps.application.cards.staging import Rejection, StageCards, Upload
from dps.application.sales.campaigns.ports import CampaignQuery
from dps.application.sales.campaigns.queries import SearchCampaigns
from dps.application.sales.deps import SalesDeps
from dps.application.shared.errors import Conflict, Invalid
from dps.application.shared.paging import PageRequest
from dps.domain.cards.fields import FIELD_NAMES
from dps.domain.cards.staging import Decision
from dps.domain.shared.principal import Principal
from dps.entrypoints.http.api.record_people import UPLOAD_REQUEST_CEILING
from dps.entrypoints.http.card_reading import resume_reading, start_reading
from dps.entrypoints.http.downloads import stream_chunks
from dps.entrypoints.http.ui.forms import FormBody, MultipartBody
from dps.entrypoints.http.ui.pages import page
from dps.entrypoints.http.ui.query_form import FieldReader
from dps.entrypoints.http.ui.record_forms import ensure_writer
from dps.entrypoints.http.ui.records import not_found_page, record_id

REFRESH_SECONDS = 2
"""How often the queue reloads itself while cards are being read."""
IMAGE_HEADERS = {
    "x-content-type-options": "nosniff",
    "content-security-policy": "default-src 'none'; sandbox",
    "cache-control": "private, no-store",
}

def _uploads(data: Mapping[str, Any], key: str) -> list[Upload]:
    value = data.get(key)
    files = value if isinstance(value, list) else [value]
    out: list[Upload] = []
    for f in files:
        if isinstance(f, UploadFile) and f.filename:
            try:
                out.append(Upload(file_name=f.filename, data=f.file.read()))
            finally:
                f.file.close()
    return out


def _campaigns(sales_deps: SalesDeps, principal: Principal) -> Sequence[Any]:
    return SearchCampaigns(sales_deps)(principal, CampaignQuery(), PageRequest(limit=100)).items


def _queue_page(request: Request[Any, Any, Any], principal: Principal, deps: CardImportDeps, *,
                rejected: Sequence[Rejection] = (), errors: Mapping[str, str] | None = None,
                status_code: int = 200, campaign_id: UUID | None = None) -> Template:
    queue = ListStagedCards(deps)(principal)
    if queue.reading:
        resume_reading(deps, principal, (i.card.batch_id for i in queue.items if i.card.status.value == "reading"))
    return page(request, "card_imports/index.html", status_code=status_code, context={
        "queue": queue, "rejected": rejected, "errors": errors or {}, "field_names": FIELD_NAMES,
        "campaigns": _campaigns(deps.sales, principal), "campaign_id": campaign_id,
        "max_file_mb": deps.limits.max_file_bytes // (1024 * 1024),
        "refresh": REFRESH_SECONDS if queue.reading else None,
    })


@get("/cards/import", include_in_schema=False, sync_to_thread=True)
def card_import_page(request: Request[Any, Any, Any], principal: Principal, card_import_deps: CardImportDeps
                     ) -> Template:
    """The upload form and the user's review queue."""
    return _queue_page(request, principal, card_import_deps)


@post("/cards/import", include_in_schema=False, sync_to_thread=True, request_max_body_size=UPLOAD_REQUEST_CEILING)
def card_import_upload(request: Request[Any, Any, Any], principal: Principal, data: MultipartBody,
                       card_import_deps: CardImportDeps) -> Template:
    """Stage the files (bad ones listed with their reasons), start reading, show the queue."""
    ensure_writer(principal)
    form = FieldReader(data)
    campaign_id = form.uuid("campaign_id")
    try:
        report = StageCards(card_import_deps)(principal, _uploads(data, "files"), campaign_id)
    except Invalid as e:
        return _queue_page(request, principal, card_import_deps, errors=e.errors, status_code=422)
    if report.staged:
        start_reading(card_import_deps, principal, report.batch_id)
    return _queue_page(request, principal, card_import_deps, rejected=report.rejected, campaign_id=campaign_id,
                       status_code=200 if report.staged or not report.rejected else 422)


def _decision(raw: str) -> Decision | None:
    """``attach:<person>``, ``new:<account>`` or ``new:`` (a new account); anything else: the proposal."""
    kind, _, rest = raw.partition(":")
    try:
        if kind == "attach" and rest:
            return Decision.attach(UUID(rest))
        if kind == "new":
            return Decision.new_person(UUID(rest) if rest else None)
    except ValueError:
        raise Invalid.field("decision", "取り込み方法が正しくありません / not a valid action") from None
    return None


def _edit_page(request: Request[Any, Any, Any], item: ReviewItem, *, values: Mapping[str, str] | None = None,
               errors: Mapping[str, str] | None = None, conflict: str | None = None, status_code: int = 200,
               mobile: bool = False) -> Template:
    return page(request, "card_imports/mobile_card.html" if mobile else "card_imports/edit.html",
                status_code=status_code, context={
                    "item": item, "values": values or item.card.fields.as_dict(), "errors": errors or {},
                    "conflict": conflict, "field_names": FIELD_NAMES, "refresh": REFRESH_SECONDS
                    if item.card.status.value == "reading" else None,
                })


@get("/cards/import/{raw_id:str}", include_in_schema=False, sync_to_thread=True)
def card_import_edit(request: Request[Any, Any, Any], principal: Principal, raw_id: str,
                     card_import_deps: CardImportDeps) -> Template:
    """One card: the image beside the fields, the likely duplicates and the action."""
    with not_found_page():
        item = GetStagedCard(card_import_deps)(principal, record_id("staged card", raw_id))
    return _edit_page(request, item)


def _correct(principal: Principal, deps: CardImportDeps, card_id: UUID, form: FieldReader) -> None:
    values = {name: form.raw(name) for name in FIELD_NAMES}
    CorrectStagedCard(deps)(principal, CorrectStagedCardCommand(
        card_id=card_id, expected_version=form.integer("version") or 0, fields=values,
        decision=_decision(form.raw("decision")),
    ))


@post("/cards/import/{raw_id:str}", include_in_schema=False, sync_to_thread=True)
def card_import_save(request: Request[Any, Any, Any], principal: Principal, raw_id: str, data: FormBody,
                     card_import_deps: CardImportDeps) -> Template | Redirect:
    """Save the corrections (at the version read: a stale one is 409 with the current values)."""
    ensure_writer(principal)
    form = FieldReader(data)
    with not_found_page():
        card_id = record_id("staged card", raw_id)
        try:
            _correct(principal, card_import_deps, card_id, form)
        except Invalid as e:
            item = GetStagedCard(card_import_deps)(principal, card_id)
            return _edit_page(request, item, values={n: form.raw(n) for n in FIELD_NAMES}, errors=e.errors,
                              status_code=422)
        except Conflict as e:
            item = GetStagedCard(card_import_deps)(principal, card_id)
            return _edit_page(request, item, conflict=e.message, status_code=409)
    return Redirect("/cards/import", status_code=303)


@get("/cards/import/{raw_id:str}/image", include_in_schema=False, sync_to_thread=True)
def card_import_image(principal: Principal, raw_id: str, card_import_deps: CardImportDeps) -> Stream:
    """A staged card's image (the uploader's only), with its sniffed type and nosniff."""
    with not_found_page():
        stream, content_type = OpenStagedImage(card_import_deps)(principal, record_id("staged card", raw_id))
    return Stream(stream_chunks(stream), media_type=content_type, headers=IMAGE_HEADERS)


@get("/business-cards/{raw_id:str}/image", include_in_schema=False, sync_to_thread=True)
def business_card_image(principal: Principal, raw_id: str, sales_deps: SalesDeps) -> Stream:
    """The image of a person's business card, for whoever may see the person (404 otherwise)."""
    with not_found_page():
        stream, content_type = OpenBusinessCardImage(sales_deps)(principal, record_id("business card", raw_id))
    return Stream(stream_chunks(stream), media_type=content_type, headers=IMAGE_HEADERS)


@post("/cards/import/actions", include_in_schema=False, sync_to_thread=True)
def card_import_actions(request: Request[Any, Any, Any], principal: Principal, data: FormBody,
                        card_import_deps: CardImportDeps) -> Template | Redirect:
    """取り込む (import the selection in one transaction) or 破棄 (discard it)."""
    ensure_writer(principal)
    form = FieldReader(data)
    try:
        selected = form.uuids("card_id")
    except Exception:
        selected = ()
    if not selected:
        return _queue_page(request, principal, card_import_deps, status_code=422,
                           errors={"card_id": "名刺を選んでください / select at least one card"})
    try:
        with not_found_page():
            if form.raw("action") == "discard":
                DiscardStagedCards(card_import_deps)(principal, selected)
                return Redirect("/cards/import", status_code=303)
            result = ImportStagedCards(card_import_deps)(principal, ImportStagedCardsCommand(
                card_ids=selected, campaign_id=form.uuid("campaign_id")))
    except Invalid as e:
        return _queue_page(request, principal, card_import_deps, errors=e.errors, status_code=422)
    except Conflict as e:
        return _queue_page(request, principal, card_import_deps, errors={"_": e.message}, status_code=409)
    return _result_page(request, result)


def _result_page(request: Request[Any, Any, Any], result: ImportResult) -> Template:
    return page(request, "card_imports/result.html", context={"result": result})


# -- mobile (M4) ---------------------------------------------------------------------------------------------

@get("/m/cards/new", include_in_schema=False, sync_to_thread=True)
def mobile_card_new(request: Request[Any, Any, Any], principal: Principal) -> Template:
    """Take a photo of a card (the phone's camera opens directly)."""
    ensure_writer(principal, "ライトユーザは名刺を登録できません / a light user cannot register cards")
    return page(request, "card_imports/mobile_new.html", context={"errors": {}, "rejected": ()})


@post("/m/cards/new", include_in_schema=False, sync_to_thread=True, request_max_body_size=UPLOAD_REQUEST_CEILING)
def mobile_card_upload(request: Request[Any, Any, Any], principal: Principal, data: MultipartBody,
                       card_import_deps: CardImportDeps) -> Template | Redirect:
    """Stage the photo, start reading it, go to its fields (which wait for the reading)."""
    ensure_writer(principal, "ライトユーザは名刺を登録できません / a light user cannot register cards")
    try:
        report = StageCards(card_import_deps)(principal, _uploads(data, "photo")[:1])
    except Invalid as e:
        return page(request, "card_imports/mobile_new.html", status_code=422,
                    context={"errors": e.errors, "rejected": ()})
    if not report.staged:
        return page(request, "card_imports/mobile_new.html", status_code=422,
                    context={"errors": {}, "rejected": report.rejected})
    start_reading(card_import_deps, principal, report.batch_id)
    return Redirect(f"/m/cards/{report.staged[0].id}", status_code=303)


@get("/m/cards/{raw_id:str}", include_in_schema=False, sync_to_thread=True)
def mobile_card(request: Request[Any, Any, Any], principal: Principal, raw_id: str,
                card_import_deps: CardImportDeps) -> Template:
    """The extracted fields to check and correct (読み取り中: the page reloads itself)."""
    with not_found_page():
        item = GetStagedCard(card_import_deps)(principal, record_id("staged card", raw_id))
    return _edit_page(request, item, mobile=True)


@post("/m/cards/{raw_id:str}", include_in_schema=False, sync_to_thread=True)
def mobile_card_save(request: Request[Any, Any, Any], principal: Principal, raw_id: str, data: FormBody,
                     card_import_deps: CardImportDeps) -> Template | Redirect:
    """Save the corrections and import this one card at once; then the person's page."""
    ensure_writer(principal)
    form = FieldReader(data)
    with not_found_page():
        card_id = record_id("staged card", raw_id)
        try:
            _correct(principal, card_import_deps, card_id, form)
            result = ImportStagedCards(card_import_deps)(principal, ImportStagedCardsCommand(card_ids=(card_id,)))
        except Invalid as e:
            item = GetStagedCard(card_import_deps)(principal, card_id)
            errors = {k.rpartition(".")[2]: v for k, v in e.errors.items()}
            return _edit_page(request, item, values={n: form.raw(n) for n in FIELD_NAMES}, errors=errors,
                              status_code=422, mobile=True)
        except Conflict as e:
            item = GetStagedCard(card_import_deps)(principal, card_id)
            return _edit_page(request, item, conflict=e.message, status_code=409, mobile=True)
    return Redirect(f"/m/persons/{result.cards[0].person_id}", status_code=303)


ROUTES = (
    card_import_page, card_import_upload, card_import_actions, card_import_edit, card_import_save, card_import_image,
    business_card_image, mobile_card_new, mobile_card_upload, mobile_card, mobile_card_save,
)
"""This module's pages, registered in the UI router."""
