"""How a create, update or copy applies its input to an opportunity: the tenant-data checks (code
lists, the account, campaign, competitor accounts and products exist and are visible to the actor)
around the domain's own rules."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date
from decimal import Decimal
from uuid import UUID

from dps.application.sales.access import visible_chain
from dps.application.sales.accounts.record_parts import Unset, apply_parts
from dps.application.sales.opportunities.commands import CompetitorInput, LineInput, OpportunityChanges
from dps.application.sales.record_support import code_list
from dps.application.sales.uow import SalesUnitOfWork
from dps.application.shared.errors import Invalid, domain_rules
from dps.domain.catalog.code_lists import CodeList
from dps.domain.sales.opportunities import CERTAINTY_LIST, STAGE_LIST, Opportunity, at_index
from dps.domain.sales.opportunity_lines import Competitor, ProductLine, money
from dps.domain.sales.records import RecordType
from dps.domain.shared.errors import DomainError
from dps.domain.visibility.policy import Viewer

ENTITY = "opportunity"
"""The name of opportunities in the audit log and the custom field definitions."""


def sees(uow: SalesUnitOfWork, viewer: Viewer, record_type: RecordType, record_id: UUID) -> bool:
    """The record exists and the viewer may see it (an invisible record reads as missing)."""
    chain = uow.records.access_chain(record_type, record_id)
    return chain is not None and visible_chain(viewer, chain)


def check_account(uow: SalesUnitOfWork, viewer: Viewer, account_id: UUID, field: str = "account_id") -> None:
    if not sees(uow, viewer, RecordType.ACCOUNT, account_id):
        raise Invalid.field(field, f"取引先が見つかりません / no such account: {account_id}")


def check_campaign(uow: SalesUnitOfWork, viewer: Viewer, campaign_id: UUID | None) -> None:
    if campaign_id is not None and not sees(uow, viewer, RecordType.CAMPAIGN, campaign_id):
        raise Invalid.field("campaign_id", f"キャンペーンが見つかりません / no such campaign: {campaign_id}")


def apply_changes(
    uow: SalesUnitOfWork, viewer: Viewer, opportunity: Opportunity, changes: OpportunityChanges, *, today: date,
    creating: bool,
) -> None:
    """Check each given value and set it; then the record parts and the closing rules (`settle`).
    On create every code is validated; on update only the codes that change (a value deactivated
    since stays valid on the records that have it)."""
    ch = changes
    stages, certainties = code_list(uow, STAGE_LIST), code_list(uow, CERTAINTY_LIST)
    if not isinstance(ch.account_id, Unset) and (creating or ch.account_id != opportunity.account_id):
        check_account(uow, viewer, ch.account_id)
    if not isinstance(ch.campaign_id, Unset) and (creating or ch.campaign_id != opportunity.campaign_id):
        check_campaign(uow, viewer, ch.campaign_id)
    existing_products = {line.product_id for line in opportunity.lines if line.product_id is not None}
    lines = None if isinstance(ch.lines, Unset) else build_lines(uow, ch.lines, existing_products)
    competitors = None if isinstance(ch.competitors, Unset) else build_competitors(uow, viewer, ch.competitors)
    with domain_rules():
        _set_fields(opportunity, ch, stages, certainties)
        if creating:
            opportunity.check_codes(stages=stages, certainties=certainties)
        if lines is not None:
            opportunity.set_lines(lines)
        if competitors is not None:
            opportunity.set_competitors(competitors)
    apply_parts(uow, viewer, opportunity, ch.parts, entity=ENTITY, today=today, creating=creating)
    with domain_rules():
        opportunity.settle(today=today, recompute_amount=lines is not None and isinstance(ch.expected_amount, Unset))


def _set_fields(o: Opportunity, ch: OpportunityChanges, stages: CodeList, certainties: CodeList) -> None:
    if not isinstance(ch.name, Unset):
        o.name = ch.name
    if not isinstance(ch.account_id, Unset):
        o.account_id = ch.account_id
    if not isinstance(ch.stage_code, Unset):
        o.move_to_stage(ch.stage_code, stages)
    if not isinstance(ch.certainty_code, Unset):
        o.set_certainty(ch.certainty_code, certainties)
    if not isinstance(ch.campaign_id, Unset):
        o.campaign_id = ch.campaign_id
    if not isinstance(ch.expected_order_date, Unset):
        o.expected_order_date = ch.expected_order_date
    if not isinstance(ch.expected_sales_date, Unset):
        o.expected_sales_date = ch.expected_sales_date
    if not isinstance(ch.expected_amount, Unset):
        o.expected_amount = _amount(ch.expected_amount, "expected_amount")
    if not isinstance(ch.order_amount, Unset):
        o.order_amount = _amount(ch.order_amount, "order_amount")
    if not isinstance(ch.ordered_on, Unset):
        o.ordered_on = ch.ordered_on
    if not isinstance(ch.lost_reason, Unset):
        o.lost_reason = ch.lost_reason
    if not isinstance(ch.description, Unset):
        o.description = ch.description
    if not isinstance(ch.next_action, Unset):
        o.next_action = ch.next_action
    if not isinstance(ch.next_action_on, Unset):
        o.next_action_on = ch.next_action_on


def _amount(value: object, field: str) -> Decimal | None:
    """None clears; anything else must be money (text such as '1,200,000' is fine)."""
    return None if value is None or (isinstance(value, str) and not value.strip()) else money(value, field)


def build_lines(
    uow: SalesUnitOfWork, inputs: Sequence[LineInput], existing_products: Iterable[UUID] = ()
) -> list[ProductLine]:
    """Lines from input, the product master filling in the name snapshot and the unit price. A
    deactivated product may stay on a deal that already has it but cannot be added anew."""
    allowed_inactive = set(existing_products)
    products = uow.products.get_many({li.product_id for li in inputs if li.product_id is not None})
    lines: list[ProductLine] = []
    with domain_rules():
        for i, li in enumerate(inputs):
            with at_index("lines", i):
                product = None
                if li.product_id is not None:
                    product = products.get(li.product_id)
                    if product is None:
                        raise DomainError("商品が見つかりません / no such product", field="product_id")
                    if not product.is_active and product.id not in allowed_inactive:
                        raise DomainError("この商品は販売終了です / the product is no longer offered",
                                          field="product_id")
                name = (li.product_name or "").strip() or (product.name if product is not None else "")
                price = li.unit_price if li.unit_price is not None else (
                    product.standard_price if product is not None else None)
                if price is None:
                    raise DomainError("単価は必須です / the unit price is required", field="unit_price")
                lines.append(ProductLine(
                    product_name=name, quantity=li.quantity, unit_price=price,
                    discount=0 if li.discount is None else li.discount, product_id=li.product_id, notes=li.notes,
                ))
    return lines


def build_competitors(
    uow: SalesUnitOfWork, viewer: Viewer, inputs: Sequence[CompetitorInput]
) -> list[Competitor]:
    """Competitors from input; a competitor account must exist and be visible, and lends its name
    when none is given."""
    out: list[Competitor] = []
    with domain_rules():
        for i, ci in enumerate(inputs):
            with at_index("competitors", i):
                name = ci.name
                if ci.competitor_account_id is not None:
                    if not sees(uow, viewer, RecordType.ACCOUNT, ci.competitor_account_id):
                        raise DomainError("取引先が見つかりません / no such account", field="competitor_account_id")
                    if not name.strip():
                        name = uow.records.label_of(RecordType.ACCOUNT, ci.competitor_account_id) or ""
                out.append(Competitor(
                    name=name, competitor_account_id=ci.competitor_account_id, product=ci.product, price=ci.price,
                    strengths=ci.strengths, weaknesses=ci.weaknesses, result=ci.result,
                ))
    return out
