"""パーソン screens (persons): list, detail, forms."""

from __future__ import annotations

from typing import Any

from litestar import Request, get
from litestar.response import Template

from dps.application.catalog.code_lists import ListCodeLists
from dps.application.sales.deps import SalesDeps
from dps.application.sales.persons.cards import ListBusinessCards
from dps.application.sales.persons.queries import GetPerson
from dps.domain.shared.principal import Principal
from dps.entrypoints.http.ui.records import not_found_page, record_id, record_page


@get("/persons/{raw_id:str}", include_in_schema=False, sync_to_thread=True)
def person_page(
    request: Request[Any, Any, Any], principal: Principal, raw_id: str, sales_deps: SalesDeps,
    list_code_lists: ListCodeLists,
) -> Template:
    with not_found_page():
        person_id = record_id("person", raw_id)
        detail = GetPerson(sales_deps)(principal, person_id)
        cards = ListBusinessCards(sales_deps)(principal, person_id)
    return record_page(request, principal, list_code_lists, "person.html", {
        "record": detail.person, "detail": detail, "cards": cards,
    })


ROUTES = (person_page,)
"""This module's pages, registered in the UI router."""
