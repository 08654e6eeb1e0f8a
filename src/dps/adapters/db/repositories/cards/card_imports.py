"""SQL store of the card staging queue (`card_imports`) and the look-ups the review needs: persons by
e-mail or family name with their current card, accounts by normalised name."""

from __future__ import annotations

import unicodedata
from collections.abc import Collection
from typing import Any, cast
from uuid import UUID

import sqlalchemy as sa

from dps.adapters.db.repositories.base import TenantScoped
from dps.adapters.db.tables.card_imports import card_imports
from dps.adapters.db.tables.sales_accounts import accounts, business_cards, persons
from dps.application.cards.import_ports import AccountName, CardImportRepository
from dps.domain.cards.staging import Decision, PersonCandidate, StagedCard, StagedStatus, fields_from
from dps.domain.shared.ids import UserId

_CHUNK = 500


def _values(card: StagedCard) -> dict[str, Any]:
    return {
        "owner_id": card.owner_id, "batch_id": card.batch_id, "image_key": card.image_key,
        "file_name": card.file_name, "content_type": card.content_type, "size_bytes": card.size,
        "sha256": card.sha256, "ocr_text": card.ocr_text,
        "fields": None if card.read is None else card.read.as_dict(),
        "corrected": None if card.corrected is None else card.corrected.as_dict(),
        "status": card.status.value, "reason": card.reason,
        "decision": None if card.decision is None else card.decision.as_dict(),
        "person_id": card.person_id, "account_id": card.account_id, "campaign_id": card.campaign_id,
        "created_at": card.created_at, "updated_at": card.updated_at,
    }


def _card(row: Any) -> StagedCard:
    m = row._mapping
    return StagedCard(
        id=m["id"], owner_id=cast(UserId, m["owner_id"]), batch_id=m["batch_id"], file_name=m["file_name"],
        content_type=m["content_type"], size=m["size_bytes"], sha256=m["sha256"], image_key=m["image_key"],
        created_at=m["created_at"], updated_at=m["updated_at"], status=m["status"], reason=m["reason"],
        ocr_text=m["ocr_text"], read=fields_from(m["fields"]), corrected=fields_from(m["corrected"]),
        decision=None if m["decision"] is None else Decision.from_dict(m["decision"]),
        person_id=m["person_id"], account_id=m["account_id"], campaign_id=m["campaign_id"], version=m["version"],
    )


def _chunks(values: list[Any]) -> list[list[Any]]:
    return [values[i:i + _CHUNK] for i in range(0, len(values), _CHUNK)]


class SqlCardImportRepository(TenantScoped, CardImportRepository):
    def add(self, card: StagedCard) -> None:
        self._insert(card_imports, _values(card) | {"id": card.id, "version": card.version}, what="staged card")

    def get(self, card_id: UUID) -> StagedCard | None:
        row = self._conn.execute(self._select(card_imports, card_imports.c.id == card_id)).first()
        return None if row is None else _card(row)

    def update(self, card: StagedCard, expected_version: int) -> int:
        values = _values(card)
        for fixed in ("owner_id", "batch_id", "image_key", "sha256", "size_bytes", "created_at"):
            values.pop(fixed)
        card.version = self._update_versioned(card_imports, card.id, expected_version, values, what="staged card")
        return card.version

    def for_owner(self, owner_id: UserId, statuses: Collection[StagedStatus] | None = None,
                  batch_id: UUID | None = None) -> list[StagedCard]:
        ci = card_imports
        where = [ci.c.owner_id == owner_id]
        if statuses is not None:
            where.append(ci.c.status.in_([s.value for s in statuses]))
        if batch_id is not None:
            where.append(ci.c.batch_id == batch_id)
        q = self._select(ci, *where).order_by(ci.c.created_at, ci.c.id)
        return [_card(r) for r in self._conn.execute(q)]

    def person_candidates(self, emails: Collection[str], last_names: Collection[str],
                          person_ids: Collection[UUID] = ()) -> list[PersonCandidate]:
        p, a = persons, accounts
        keys = sorted({e.lower() for e in emails if e})
        names = sorted({v for n in last_names if n for v in (n, unicodedata.normalize("NFKC", n))})
        ors: list[sa.ColumnElement[bool]] = []
        ors += [sa.func.lower(p.c.email).in_(chunk) for chunk in _chunks(keys)]
        ors += [p.c.last_name.in_(chunk) for chunk in _chunks(names)]
        ors += [p.c.id.in_(chunk) for chunk in _chunks(sorted(set(person_ids)))]
        if not ors:
            return []
        q = (sa.select(p.c.id, p.c.last_name, p.c.first_name, p.c.email, p.c.account_id, p.c.department, p.c.title,
                       a.c.name.label("account_name"))
             .select_from(p.outerjoin(a, sa.and_(a.c.tenant_id == p.c.tenant_id, a.c.id == p.c.account_id)))
             .where(p.c.tenant_id == self._tenant, sa.or_(*ors)).order_by(p.c.id).limit(1000))
        rows = list(self._conn.execute(q))
        current = self._current_cards([r.id for r in rows])
        out = []
        for r in rows:
            card = current.get(r.id)
            out.append(PersonCandidate(
                person_id=r.id, last_name=r.last_name, first_name=r.first_name, email=r.email,
                account_id=r.account_id, account_name=r.account_name or "",
                company=card[0] if card else "", department=card[1] if card else r.department,
                title=card[2] if card else r.title,
            ))
        return out

    def _current_cards(self, person_ids: list[UUID]) -> dict[UUID, tuple[str, str, str]]:
        bc = business_cards
        out: dict[UUID, tuple[str, str, str]] = {}
        for chunk in _chunks(person_ids):
            q = (sa.select(bc.c.person_id, bc.c.company_name, bc.c.department, bc.c.title)
                 .where(bc.c.tenant_id == self._tenant, bc.c.person_id.in_(chunk))
                 .order_by(bc.c.person_id, bc.c.received_on.desc(), bc.c.id.desc()))
            for r in self._conn.execute(q):
                out.setdefault(r.person_id, (r.company_name, r.department, r.title))
        return out

    def accounts_like(self, words: Collection[str], limit: int = 50) -> list[AccountName]:
        a = accounts
        terms = sorted({w for w in words if w})
        if not terms:
            return []
        q = (sa.select(a.c.id, a.c.name)
             .where(a.c.tenant_id == self._tenant,
                    sa.or_(*(a.c.search_text.contains(w, autoescape=True) for w in terms)))
             .order_by(a.c.name, a.c.id).limit(limit * len(terms)))
        return [AccountName(account_id=r.id, name=r.name) for r in self._conn.execute(q)]
