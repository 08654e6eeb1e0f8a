"""ルックアップ / lookups: small JSON lists behind the forms' pickers (account by name or 法人番号,
person, opportunity, campaign, product, user). Cookie session like every page, GET only, and each
goes through the record's search use case, so a record the user may not see is never offered."""

from __future__ import annotations

import re
from typing import Any

from litestar import get

from dps.application.directory.users import UserIndex
from dps.application.sales.accounts.ports import AccountQuery
from dps.application.sales.accounts.queries import SearchAccounts
from dps.application.sales.campaigns.ports import CampaignQuery
from dps.application.sales.campaigns.queries import SearchCampaigns
from dps.application.sales.deps import SalesDeps
from dps.application.sales.opportunities.queries import SearchOpportunities
from dps.application.sales.opportunities.read_models import OpportunitySearch
from dps.application.sales.persons.ports import PersonQuery
from dps.application.sales.persons.queries import SearchPersons
from dps.application.sales.products.ports import ProductSearch
from dps.application.sales.products.queries import SearchProducts
from dps.application.shared.paging import PageRequest
from dps.domain.shared.principal import Principal
from dps.domain.shared.text import normalize_for_search
from dps.entrypoints.http.ui.query_form import FieldReader

LIMIT = 20
CORPORATE_NUMBER = re.compile(r"^\d{13}$")
Choice = dict[str, Any]


def _first(limit: int = LIMIT) -> PageRequest:
    return PageRequest(limit=limit)


@get("/lookup/accounts", include_in_schema=False, sync_to_thread=True)
def lookup_accounts(principal: Principal, sales_deps: SalesDeps, q: str = "") -> list[Choice]:
    """By name or kana; 13 digits are read as a 法人番号 and matched exactly."""
    text = q.strip()
    if CORPORATE_NUMBER.match(text):
        found = SearchAccounts(sales_deps)(principal, AccountQuery(corporate_number=text), _first())
    else:
        found = SearchAccounts(sales_deps)(principal, AccountQuery(q=text or None), _first())
    return [
        {"id": str(a.id), "label": a.name, "detail": " ".join(filter(None, (a.kana, a.corporate_number or "")))}
        for a in found.items
    ]


@get("/lookup/persons", include_in_schema=False, sync_to_thread=True)
def lookup_persons(principal: Principal, sales_deps: SalesDeps, q: str = "", account_id: str = "") -> list[Choice]:
    reader = FieldReader({"account_id": account_id})
    account = reader.uuid("account_id")
    found = SearchPersons(sales_deps)(principal, PersonQuery(q=q.strip() or None, account_id=account), _first())
    return [{"id": str(p.id), "label": p.full_name, "detail": p.account_name or ""} for p in found.items]


@get("/lookup/opportunities", include_in_schema=False, sync_to_thread=True)
def lookup_opportunities(
    principal: Principal, sales_deps: SalesDeps, q: str = "", account_id: str = "", open_only: str = "",
) -> list[Choice]:
    reader = FieldReader({"account_id": account_id})
    search = OpportunitySearch(
        q=q.strip() or None, account_id=reader.uuid("account_id"), is_open=True if open_only else None,
    )
    found = SearchOpportunities(sales_deps)(principal, search, _first())
    return [
        {"id": str(o.id), "label": o.name, "detail": o.account_name or "", "account_id": str(o.account_id),
         "stage_code": o.stage_code, "certainty_code": o.certainty_code or "",
         "expected_order_date": o.expected_order_date.isoformat() if o.expected_order_date else "",
         "expected_amount": str(o.expected_amount) if o.expected_amount is not None else "",
         "version": o.version}
        for o in found.items
    ]


@get("/lookup/campaigns", include_in_schema=False, sync_to_thread=True)
def lookup_campaigns(principal: Principal, sales_deps: SalesDeps, q: str = "") -> list[Choice]:
    found = SearchCampaigns(sales_deps)(principal, CampaignQuery(q=q.strip() or None), _first())
    return [{"id": str(c.id), "label": c.name, "detail": ""} for c in found.items]


@get("/lookup/products", include_in_schema=False, sync_to_thread=True)
def lookup_products(principal: Principal, sales_deps: SalesDeps, q: str = "") -> list[Choice]:
    found = SearchProducts(sales_deps)(principal, ProductSearch(q=q.strip() or None), _first())
    return [
        {"id": str(p.id), "label": p.name, "detail": p.code,
         "unit_price": str(p.standard_price) if p.standard_price is not None else ""}
        for p in found.items
    ]


@get("/lookup/users", include_in_schema=False, sync_to_thread=True)
def lookup_users(principal: Principal, user_index: UserIndex, q: str = "") -> list[Choice]:
    """Active users whose name, kana or login id contains every word of q."""
    words = normalize_for_search(q).split()
    found: list[Choice] = []
    for user_id, user in user_index(principal).items():
        if not user.is_active:
            continue
        haystack = normalize_for_search(user.name, user.kana, user.login_id)
        if all(w in haystack for w in words):
            found.append({"id": str(user_id), "label": user.name, "detail": user.login_id})
            if len(found) >= LIMIT:
                break
    return found


ROUTES = (lookup_accounts, lookup_persons, lookup_opportunities, lookup_campaigns, lookup_products, lookup_users)
