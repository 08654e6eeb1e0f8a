"""名刺 business cards as a sheet: one row per card, as printed, with the day it was received and who
received it (login id). The card's person is named by the `person_id` column, or else by the person's
account (`person_account`; when empty, the card's `account`) + the printed e-mail address (else the
printed last + first name) among that account's persons; a person that cannot be found (or is
ambiguous) is an error: import the persons first. `person_account` matters for a card of a person who
moved: the card names the new company, the person is still found under the old one. `account` is the
取引先 the card's company was matched to. Exports fill `person_id` and leave `person_account` empty.
The card image is not part of the sheet.

A new card follows the rule of the add-card use case (`AddBusinessCard`, `Person.take_card`): when it
is the person's newest card, the person takes its account (when it names one), department and title,
and that change is a move (異動) - rows are applied in file order, exactly as if each had been added
one after the other. Correcting an existing card (a row with the card's id) re-applies the rule when
the corrected card is the person's newest one. Moves are written with the person's version (optimistic
lock); no per-move notification is sent by a bulk import (the import's change-log line records it)."""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from datetime import date
from typing import Any
from uuid import UUID

from attrs import frozen

from dps.application.sales.uow import SalesUnitOfWork
from dps.application.transfer.kinds.base import ImportContext, ParsedRow, Prepared
from dps.application.transfer.kinds.common import (
    SalesRecordKind,
    acting_user,
    check_duplicates,
    column_of,
    mode_allows,
    version_matches,
)
from dps.application.transfer.kinds.persons import NO_ACCOUNT, NOT_EDITABLE, AccountRefs, account_label, ref_text
from dps.application.transfer.ports_store import PersonKey, PersonMove, TransferStores
from dps.application.transfer.schema import Column, ColumnType, SheetSchema
from dps.domain.sales.business_cards import BusinessCard, CardSource, newest
from dps.domain.sales.persons import Person
from dps.domain.shared.errors import DomainError
from dps.domain.shared.ids import UserId
from dps.domain.visibility.policy import Viewer, can_edit

T, R = ColumnType.TEXT, ColumnType.REFERENCE

COLUMNS: tuple[Column, ...] = (
    Column("id", "名刺ID", "Card ID", ColumnType.ID),
    Column("version", "バージョン", "Version", ColumnType.INTEGER),
    Column("person_id", "パーソンID", "Person ID", ColumnType.ID),
    Column("account", "取引先", "Account", R, reference="account"),
    Column("person_account", "パーソンの取引先", "Person's account", R, reference="account"),
    Column("received_on", "受領日", "Received on", ColumnType.DATE, required=True),
    Column("received_by", "受領者", "Received by", R, reference="user"),
    Column("company_name", "会社名", "Company", T, required=True, max_length=200),
    Column("department", "部署", "Department", T, max_length=200),
    Column("title", "役職", "Title", T, max_length=200),
    Column("last_name", "姓", "Last name", T, required=True, max_length=100),
    Column("first_name", "名", "First name", T, max_length=100),
    Column("last_name_kana", "姓カナ", "Last name (kana)", T, max_length=100),
    Column("first_name_kana", "名カナ", "First name (kana)", T, max_length=100),
    Column("email", "メールアドレス", "E-mail", T, max_length=254),
    Column("phone", "電話番号", "Phone", T, max_length=32),
    Column("mobile", "携帯電話", "Mobile", T, max_length=32),
    Column("fax", "FAX", "Fax", T, max_length=32),
    Column("postal_code", "郵便番号", "Postal code", T, max_length=8),
    Column("address", "住所", "Address", T, max_length=400),
    Column("url", "URL", "URL", T, max_length=400),
)
PRINTED = ("company_name", "department", "title", "last_name", "first_name", "last_name_kana", "first_name_kana",
           "email", "phone", "mobile", "fax", "postal_code", "address", "url")
NO_PERSON = "該当するパーソンがありません / no such person"


@frozen
class CardWrite:
    """What one row writes: the card, and the person's new position when the card moved them."""

    card: BusinessCard
    move: PersonMove | None = None


def _content(c: BusinessCard) -> tuple[Any, ...]:
    return (*(getattr(c, k) for k in PRINTED), c.received_on, c.received_by, c.account_id)


def _person_account(r: ParsedRow) -> str:
    """The account a person without an id is looked up in."""
    return ref_text(r.get("person_account")) or ref_text(r.get("account"))


def _text(value: Any) -> str:
    return "" if value is None else str(value).strip()


class CardsKind(SalesRecordKind):
    name = "cards"
    entity: str | None = None

    def base_schema(self) -> SheetSchema:
        return SheetSchema(kind=self.name, sheet_title="名刺", columns=COLUMNS)

    # -- import
    def prepare(self, ctx: ImportContext, stores: TransferStores, rows: Sequence[ParsedRow]) -> list[Prepared]:
        errors = ctx.errors
        rows = check_duplicates(rows, ("id",), errors)
        card_store, person_store = stores.business_cards(ctx.uow), stores.persons(ctx.uow)
        existing = card_store.by_ids({v for r in rows if isinstance(v := r.get("id"), UUID)})
        refs = AccountRefs.load(stores.accounts(ctx.uow), ctx.viewer,
                                {t for r in rows for c in ("account", "person_account") if (t := ref_text(r.get(c)))},
                                ids={c.account_id for c in existing.values() if c.account_id is not None})
        person_ids = {v for r in rows if isinstance(v := r.get("person_id"), UUID)} | {
            c.person_id for c in existing.values()}
        lookup_accounts = {k.id for r in rows if r.get("person_id") is None and r.get("id") is None
                           and (k := refs.find(_person_account(r))) is not None}
        keys = person_store.keys(ctx.viewer, ids=person_ids, account_ids=lookup_accounts)
        by_account: dict[UUID, list[PersonKey]] = {}
        for pk in keys:
            by_account.setdefault(pk.account_id, []).append(pk)
        visible = {pk.id for pk in keys if pk.visible}

        owners: dict[int, UUID] = {}
        for r in rows:
            person_id = self._person_of(ctx, r, existing, refs, visible, by_account)
            if person_id is not None:
                owners[r.number] = person_id
        persons = person_store.load(set(owners.values()))
        history = card_store.for_persons(set(owners.values()))
        directory = stores.directory(ctx.uow)
        receivers = directory.users_by_login({t for r in rows if (t := ref_text(r.get("received_by")))})
        acting = acting_user(ctx, directory)
        rule = ctx.uow.tenant().update_rule
        versions = {p.id: p.version for p in persons.values()}
        written = {p.id: p.position for p in persons.values()}
        # each person's position as last written (stored, or by an earlier row's move)
        out: list[Prepared] = []
        for r in rows:
            if r.number not in owners:
                continue
            person = persons[owners[r.number]]
            current = existing.get(r.get("id")) if r.get("id") is not None else None
            if not mode_allows(ctx.mode, current is not None, r.number, "id", errors):
                continue
            if not can_edit(ctx.viewer, person.access, rule):
                errors.add(r.number, "person_id", NOT_EDITABLE)
                continue
            ok_receiver, received_by = self._receiver(ctx, r, receivers, acting, current)
            ok_account, account = self._account(ctx, r, refs, current)
            if not (ok_receiver and ok_account):
                continue
            cards = history.setdefault(person.id, [])
            if current is None:
                item = self._insert(ctx, r, person, account, received_by, acting, cards)
            else:
                item = self._update(ctx, r, person, current, account, received_by, cards)
            if item is None:
                continue
            write: CardWrite = item.record
            if person.position != written[person.id]:  # the card is the newest and changed the position
                written[person.id] = person.position
                version = versions[person.id]
                versions[person.id] = version + 1
                item = Prepared(row=item.row, action=item.action, expected_version=item.expected_version,
                                record=CardWrite(write.card, PersonMove(
                                    person_id=person.id, account_id=person.account_id, department=person.department,
                                    title=person.title, updated_by=acting, updated_at=ctx.now,
                                    expected_version=version)))
            out.append(item)
        return out

    def _person_of(self, ctx: ImportContext, r: ParsedRow, existing: Mapping[UUID, BusinessCard], refs: AccountRefs,
                   visible: set[UUID], by_account: Mapping[UUID, list[PersonKey]]) -> UUID | None:
        """The person a row's card belongs to (None: an error was recorded)."""
        errors = ctx.errors
        row_id, person_id = r.get("id"), r.get("person_id")
        if row_id is not None:
            card = existing.get(row_id)
            if card is None or card.person_id not in visible:
                errors.add(r.number, "id", "該当する名刺がありません / no such business card")
                return None
            if person_id is not None and person_id != card.person_id:
                errors.add(r.number, "person_id",
                           "名刺のパーソンは変更できません / a card cannot move to another person")
                return None
            return card.person_id
        if person_id is not None:
            if person_id not in visible:
                errors.add(r.number, "person_id", NO_PERSON)
                return None
            return UUID(str(person_id))
        ref = _person_account(r)
        account = refs.find(ref) if ref else None
        if account is None or not account.visible:
            column = "person_account" if ref_text(r.get("person_account")) else "account"
            errors.add(r.number, column, "パーソンIDまたは取引先を指定してください / give the person id or the "
                       "person's account" if not ref else f"{NO_ACCOUNT} ({ref})")
            return None
        candidates = [k for k in by_account.get(account.id, []) if k.id in visible]
        email = _text(r.get("email")).casefold()
        matches = [k for k in candidates if email and k.email.casefold() == email]
        if not matches:
            last, first = _text(r.get("last_name")), _text(r.get("first_name"))
            matches = [k for k in candidates if (k.last_name, k.first_name) == (last, first)]
        if len(matches) != 1:
            errors.add(r.number, "person_id", NO_PERSON + " (取引先 + メールアドレス/氏名 / account + e-mail or name)"
                       if not matches else "該当するパーソンが複数います / several persons match; give the person id")
            return None
        return matches[0].id

    @staticmethod
    def _receiver(ctx: ImportContext, r: ParsedRow, receivers: Mapping[str, Any], acting: UserId | None,
                  current: BusinessCard | None) -> tuple[bool, UserId | None]:
        """(False, None) after recording an error; else (True, the receiver)."""
        login = ref_text(r.get("received_by"))
        if not login:
            if current is not None and not r.has("received_by"):
                return True, current.received_by
            return True, acting if current is None else None
        user = receivers.get(login)
        if user is None:
            ctx.errors.add(r.number, "received_by", f"ユーザ '{login}' が見つかりません / no such user")
            return False, None
        return True, UserId(user.id)

    @staticmethod
    def _account(ctx: ImportContext, r: ParsedRow, refs: AccountRefs, current: BusinessCard | None
                 ) -> tuple[bool, UUID | None]:
        """The card's matched account: one the user may see (or the card's current one). An empty cell
        clears it, unless the current one is an account the user cannot see (the export left it empty)."""
        held = current.account_id if current is not None else None
        ref = ref_text(r.get("account"))
        if not ref:
            if held is not None and (not r.has("account") or not (k := refs.by_id.get(held)) or not k.visible):
                return True, held
            return True, None
        found = refs.find(ref)
        if found is None or not (found.visible or found.id == held):
            ctx.errors.add(r.number, "account", f"{NO_ACCOUNT} ({ref})")
            return False, None
        return True, found.id

    @staticmethod
    def _insert(ctx: ImportContext, r: ParsedRow, person: Person, account: UUID | None, received_by: UserId | None,
                acting: UserId | None, cards: list[BusinessCard]) -> Prepared | None:
        printed: dict[str, Any] = {k: _text(r.get(k)) for k in PRINTED}
        try:
            received_on = r.get("received_on")
            assert isinstance(received_on, date)
            card = BusinessCard(id=ctx.ids.new_id(), person_id=person.id, received_on=received_on,
                                account_id=account, received_by=received_by, source=CardSource.IMPORT,
                                created_by=acting, created_at=ctx.now, **printed)
            person.take_card(card, newest(cards))  # exactly the add-card rule
        except DomainError as e:
            ctx.errors.add(r.number, column_of(e, default="company_name"), e.message)
            return None
        cards.append(card)
        return Prepared(row=r.number, action="insert", record=CardWrite(card))

    @staticmethod
    def _update(ctx: ImportContext, r: ParsedRow, person: Person, card: BusinessCard, account: UUID | None,
                received_by: UserId | None, cards: list[BusinessCard]) -> Prepared | None:
        if not version_matches(r, card.version, ctx.errors):
            return None
        before = _content(card)
        try:
            for k in PRINTED:
                if r.has(k):
                    setattr(card, k, _text(r.get(k)))
            if isinstance(r.get("received_on"), date):
                card.received_on = r.get("received_on")
            card.account_id, card.received_by = account, received_by
        except DomainError as e:
            ctx.errors.add(r.number, column_of(e, default="company_name"), e.message)
            return None
        if _content(card) == before:
            return Prepared(row=r.number, action="unchanged", record=CardWrite(card), expected_version=card.version)
        cards[:] = [card if c.id == card.id else c for c in cards]
        if newest(cards) is card:
            person.take_card(card, None)  # the corrected card is the current one: the person follows it
        return Prepared(row=r.number, action="update", record=CardWrite(card), expected_version=card.version)

    def write(self, uow: SalesUnitOfWork, stores: TransferStores, items: Sequence[Prepared]) -> None:
        cards = stores.business_cards(uow)
        inserts = [i.record.card for i in items if i.action == "insert"]
        if inserts:
            cards.insert(inserts)
        updates = [(i.record.card, i.version_read) for i in items if i.action == "update"]
        if updates:
            cards.update(updates)
        moves = [i.record.move for i in sorted(items, key=lambda i: i.row) if i.record.move is not None]
        if moves:
            stores.persons(uow).move(moves)

    # -- export
    def export_rows(self, uow: SalesUnitOfWork, stores: TransferStores, viewer: Viewer, schema: SheetSchema,
                    filters: Mapping[str, str]) -> Iterator[list[Any]]:
        keys = schema.keys
        for card, account, receiver in stores.business_cards(uow).stream(viewer, filters):
            extra = {"account": account_label(account), "received_by": receiver, "person_account": None}
            yield [extra[k] if k in extra else getattr(card, k) for k in keys]

