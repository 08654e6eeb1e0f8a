"""商談化 Lead conversion: the lead becomes an account (or joins an existing one), a person and
optionally an opportunity, all in one transaction; the lead keeps the links and the status
'converted', and cannot be converted again.

The new records are owned by the actor (their organisation: the actor's primary one) and take the
lead's staff and 非公開 allow-list, so a restricted lead does not turn into public records. The
opportunity carries the lead (`source_lead_id`) and its campaign (`campaign_id`) for attribution."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime
from decimal import Decimal
from typing import Any
from uuid import UUID

from attrs import field, frozen

from dps.application.sales.access import viewer_in, visible_chain
from dps.application.sales.campaigns.support import check_link, notify_change, today
from dps.application.sales.deps import SalesDeps
from dps.application.sales.leads.manage import ENTITY, editable_lead
from dps.application.sales.record_support import acting_user, code_list, custom_fields_of, owner_of, stamp
from dps.application.sales.uow import SalesUnitOfWork
from dps.application.shared.audit import log_master_change
from dps.application.shared.errors import Conflict, domain_rules
from dps.application.shared.guards import ensure_can_write
from dps.application.shared.snapshots import snapshot
from dps.domain.sales.accounts import Account
from dps.domain.sales.leads import Lead
from dps.domain.sales.opportunities import Opportunity
from dps.domain.sales.persons import Person
from dps.domain.sales.records import RecordType, SalesRecord
from dps.domain.shared.ids import OrganizationId, UserId
from dps.domain.shared.principal import Principal
from dps.domain.visibility.policy import Viewer

PROSPECT = "prospect"
"""The account_type code a new account from a lead gets (見込客), when the tenant's list has it."""


@frozen
class ConvertLeadCommand:
    """商談化 options. Without `account_id` a new account is made from the lead's company; with it
    the person joins that (visible) account. With `create_opportunity` an opportunity is made too:
    `opportunity_name` defaults to the company name, `stage_code` to the first stage of the
    tenant's opportunity_stage list. Custom field values go to the records created."""

    lead_id: UUID
    expected_version: int | None = None
    account_id: UUID | None = None
    create_opportunity: bool = False
    opportunity_name: str | None = None
    stage_code: str | None = None
    expected_order_date: date | None = None
    expected_amount: Decimal | None = None
    account_custom_fields: Mapping[str, Any] = field(factory=dict)
    person_custom_fields: Mapping[str, Any] = field(factory=dict)
    opportunity_custom_fields: Mapping[str, Any] = field(factory=dict)


@frozen
class LeadConverted:
    lead: Lead
    account_id: UUID
    person_id: UUID
    opportunity_id: UUID | None
    account_created: bool


@frozen
class _Origin:
    """What every record made from the lead shares: owner, stamps, staff and 非公開 list."""

    owner_id: UserId | None
    owner_organization_id: OrganizationId | None
    actor: UserId | None
    now: datetime
    lead: Lead

    def apply(self, record: SalesRecord) -> None:
        record.assign_owner(self.owner_id, self.owner_organization_id)
        record.set_staff(self.lead.staff)
        record.restrict(self.lead.restriction)
        stamp(record, self.actor, self.now, created=True)


class ConvertLead:
    """Convert a lead the actor may edit; 409 when it is already converted (or changed since
    `expected_version`). Any failure leaves nothing behind."""

    def __init__(self, deps: SalesDeps) -> None:
        self._d = deps

    def __call__(self, principal: Principal, cmd: ConvertLeadCommand) -> LeadConverted:
        ensure_can_write(principal, self._d.audit, "lead.convert")
        now, day = self._d.clock.now(), today(self._d, principal)
        created: list[tuple[str, SalesRecord]] = []
        with self._d.uow(principal.tenant_id) as uow:
            viewer = viewer_in(uow, principal, self._d.clock)
            lead = editable_lead(self._d, uow, viewer, cmd.lead_id, "lead.convert", cmd.expected_version)
            if lead.is_converted:
                raise Conflict("このリードは商談化済みです / this lead is already converted", field="status_code",
                               current_version=lead.version)
            before, version = snapshot(lead), lead.version
            origin = _Origin(*owner_of(uow, principal, None, day), actor=acting_user(uow, principal), now=now,
                             lead=lead)
            if cmd.account_id is not None:
                check_link(uow, viewer, "account_id", RecordType.ACCOUNT, cmd.account_id)
                account_id = cmd.account_id
            else:
                account = self._account(uow, viewer, lead, cmd, origin)
                created.append(("account", account))
                account_id = account.id
            person = self._person(uow, lead, account_id, cmd, origin)
            created.append(("person", person))
            opportunity = self._opportunity(uow, lead, account_id, cmd, origin, day) if cmd.create_opportunity \
                else None
            if opportunity is not None:
                created.append(("opportunity", opportunity))
            with domain_rules():
                lead.convert(account_id=account_id, person_id=person.id, at=now)
            stamp(lead, origin.actor, now, created=False)
            uow.leads.update(lead, version)
            notify_change(self._d, uow, principal, RecordType.LEAD, lead.id, f"{lead.company_name} 商談化")
            uow.commit()
        for entity, record in created:
            log_master_change(self._d.audit, principal, entity, "create", record)
        log_master_change(self._d.audit, principal, ENTITY, "convert", lead, before=before)
        return LeadConverted(
            lead=lead, account_id=account_id, person_id=person.id,
            opportunity_id=opportunity.id if opportunity is not None else None,
            account_created=cmd.account_id is None,
        )

    def _account(
        self, uow: SalesUnitOfWork, viewer: Viewer, lead: Lead, cmd: ConvertLeadCommand, origin: _Origin
    ) -> Account:
        if lead.corporate_number is not None:
            existing = uow.accounts.id_by_corporate_number(lead.corporate_number)
            if existing is not None:
                chain = uow.records.access_chain(RecordType.ACCOUNT, existing)
                hint = f": account_id {existing}" if chain is not None and visible_chain(viewer, chain) else ""
                raise Conflict(
                    "この法人番号の取引先は登録済みです。既存の取引先を指定してください"
                    f" / an account with this corporate number exists; convert into it{hint}",
                    field="account_id",
                )
        types = code_list(uow, "account_type")
        prospect = types.value(PROSPECT)
        with domain_rules():
            account = Account(
                id=self._d.ids.new_id(), name=lead.company_name, kana=lead.company_kana,
                corporate_number=lead.corporate_number, postal_code=lead.postal_code, address=lead.address,
                phone=lead.phone, industry_code=lead.industry_code, size_code=lead.size_code,
                account_type_code=PROSPECT if prospect is not None and prospect.is_active else None,
            )
        account.set_custom_fields(custom_fields_of(uow, "account", cmd.account_custom_fields))
        origin.apply(account)
        uow.accounts.add(account)
        return account

    def _person(
        self, uow: SalesUnitOfWork, lead: Lead, account_id: UUID, cmd: ConvertLeadCommand, origin: _Origin
    ) -> Person:
        with domain_rules():
            person = Person(
                id=self._d.ids.new_id(), account_id=account_id, last_name=lead.last_name, first_name=lead.first_name,
                last_name_kana=lead.last_name_kana, first_name_kana=lead.first_name_kana,
                department=lead.department, title=lead.title, email=lead.email, phone=lead.phone,
                mobile=lead.mobile, postal_code=lead.postal_code, address=lead.address,
            )
        person.set_custom_fields(custom_fields_of(uow, "person", cmd.person_custom_fields))
        origin.apply(person)
        uow.persons.add(person)
        return person

    def _opportunity(
        self, uow: SalesUnitOfWork, lead: Lead, account_id: UUID, cmd: ConvertLeadCommand, origin: _Origin,
        day: date,
    ) -> Opportunity:
        stages = code_list(uow, "opportunity_stage")
        first = next(iter(stages.active()), None)
        stage_code = cmd.stage_code or (first.code if first is not None else "")
        with domain_rules():
            opportunity = Opportunity(
                id=self._d.ids.new_id(), name=cmd.opportunity_name or lead.company_name, account_id=account_id,
                stage_code=stage_code, campaign_id=lead.campaign_id, source_lead_id=lead.id,
                expected_order_date=cmd.expected_order_date, expected_amount=cmd.expected_amount,
            )
            opportunity.check_codes(stages=stages, certainties=code_list(uow, "certainty"))
            opportunity.settle(today=day)
        opportunity.set_custom_fields(custom_fields_of(uow, "opportunity", cmd.opportunity_custom_fields))
        origin.apply(opportunity)
        uow.opportunities.add(opportunity)
        return opportunity
