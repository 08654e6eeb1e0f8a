"""全体検索 / global search: accounts, persons, opportunities by name and kana; 13 digits are a 法人番号.

The header's search box sends ``/search?q=``. Each section shows the first rows the user may see and
links (すべて表示) to its list filtered the same way.
"""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import urlencode

from litestar import Request, get
from litestar.response import Template

from dps.application.catalog.code_lists import ListCodeLists
from dps.application.sales.accounts.ports import AccountQuery
from dps.application.sales.accounts.queries import SearchAccounts
from dps.application.sales.deps import SalesDeps
from dps.application.sales.opportunities.queries import SearchOpportunities
from dps.application.sales.opportunities.read_models import OpportunitySearch
from dps.application.sales.persons.ports import PersonQuery
from dps.application.sales.persons.queries import SearchPersons
from dps.application.shared.paging import COUNT_CAP, PageRequest
from dps.domain.shared.principal import Principal
from dps.entrypoints.http.ui.code_choices import code_labels_of, code_lists_by_key
from dps.entrypoints.http.ui.pages import page

SECTION_ROWS = 10
CORPORATE_NUMBER = re.compile(r"^\d{13}$")
_FULL_WIDTH = str.maketrans("０１２３４５６７８９－", "0123456789-")


def _first() -> PageRequest:
    return PageRequest(limit=SECTION_ROWS, count=True)


def _link(path: str, **params: str) -> str:
    return f"{path}?{urlencode(params)}"


@get("/search", include_in_schema=False, sync_to_thread=True)
def search_page(
    request: Request[Any, Any, Any], principal: Principal, sales_deps: SalesDeps, list_code_lists: ListCodeLists,
    q: str = "",
) -> Template:
    text = q.strip()[:200]
    context: dict[str, Any] = {"global_q": text, "q": text, }
    if text:
        digits = text.translate(_FULL_WIDTH).replace("-", "")
        by_number = bool(CORPORATE_NUMBER.match(digits))
        if by_number:
            accounts = SearchAccounts(sales_deps)(principal, AccountQuery(corporate_number=digits), _first())
            accounts_href = _link("/accounts", corporate_number=digits)
        else:
            accounts = SearchAccounts(sales_deps)(principal, AccountQuery(q=text), _first())
            accounts_href = _link("/accounts", q=text)
        persons = SearchPersons(sales_deps)(principal, PersonQuery(q=text), _first())
        opportunities = SearchOpportunities(sales_deps)(principal, OpportunitySearch(q=text), _first())
        context |= {
            "by_number": by_number, "accounts": accounts, "accounts_href": accounts_href,
            "persons": persons, "persons_href": _link("/persons", q=text),
            "opportunities": opportunities, "opportunities_href": _link("/opportunities", q=text),
            "labels": code_labels_of(code_lists_by_key(principal, list_code_lists)),
            "count_cap": COUNT_CAP,
        }
    return page(request, "search.html", context=context)


ROUTES: tuple[Any, ...] = (search_page,)
"""This module's pages, registered in the UI router."""
