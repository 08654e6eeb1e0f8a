"""Serving card images: a staged card's image to its owner, and a person's business-card image to
whoever may see the person."""

from __future__ import annotations

from typing import BinaryIO
from uuid import UUID

from dps.application.cards.import_deps import CardImportDeps, own_card
from dps.application.sales.access import ensure_visible, viewer_in
from dps.application.sales.deps import SalesDeps
from dps.application.shared.errors import NotFound
from dps.application.shared.guards import ensure_can_write
from dps.domain.sales.records import RecordType
from dps.domain.shared.principal import Principal


class OpenStagedImage:
    """The bytes of a staged card's image (the user's own) and its sniffed content type."""

    def __init__(self, deps: CardImportDeps) -> None:
        self._d = deps

    def __call__(self, principal: Principal, card_id: UUID) -> tuple[BinaryIO, str]:
        ensure_can_write(principal, self._d.sales.audit, "card_import.image")
        with self._d.sales.uow(principal.tenant_id) as uow:
            card = own_card(uow, principal, card_id)
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
