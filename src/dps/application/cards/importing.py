"""Importing the reviewed cards (ImportStagedCards): persons, accounts, business cards and campaign leads
in one transaction, with the helpers that name the failing card and complete new accounts."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date
from uuid import UUID

from attrs import evolve, frozen

from dps.application.cards.import_deps import CardImportDeps, own_card
from dps.application.cards.review import ReviewItem, review_cards
from dps.application.cards.staging_support import HeldAudit, joined
from dps.application.registry.ports import CorporateRecord, RegistryUnavailable
from dps.application.sales.access import ensure_visible, viewer_in
from dps.application.sales.accounts.commands import CreateAccount, CreateAccountCommand
from dps.application.sales.deps import SalesDeps
from dps.application.sales.leads.commands import RegisterLeadCommand
from dps.application.sales.leads.manage import RegisterLead
from dps.application.sales.persons.cards import AddBusinessCard, AddBusinessCardCommand
from dps.application.sales.persons.commands import CreatePerson, CreatePersonCommand
from dps.application.sales.record_support import code_list
from dps.application.sales.uow import SalesUnitOfWork
from dps.application.shared.errors import ApplicationError, Invalid, NotFound
from dps.application.shared.guards import ensure_can_write
from dps.application.shared.time import today_in
from dps.domain.cards.fields import CardFields
from dps.domain.cards.staging import (
    Decision,
    DecisionKind,
    StagedCard,
    identity_keys,
    normalize_company,
    same_company,
)
from dps.domain.sales.records import RecordType
from dps.domain.shared.errors import DomainError
from dps.domain.shared.principal import Principal

LEAD_SOURCE = "card"
"""The lead_source code of leads made from cards (名刺交換); 'other' when a tenant has removed it."""


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
            cards = [own_card(uow, principal, i) for i in dict.fromkeys(cmd.card_ids)]
            for card in cards:
                _importable(card)
            reviews = review_cards(uow, viewer, cards)
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
            inner = evolve(sales, uow=joined(uow), audit=held, reads=None)
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
