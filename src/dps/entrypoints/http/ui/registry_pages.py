"""The corporate registry (法人番号) on the account screens: the JSON lookup behind the form's
「登録情報から入力 / Fill from registry」, and the page that compares an account with the registry and
applies the fields the user ticks (CSRF, the account's version; a stale one shows the conflict banner).

When no registry source answers, the lookup answers 503 with the banner text and the page shows the
banner "登録情報を取得できません。手入力してください / registry unreachable, enter manually"."""

from __future__ import annotations

from typing import Any

from litestar import Request, Response, get, post
from litestar.response import Redirect, Template

from dps.application.registry.lookups import ApplyRegistryToAccount, CompareAccountWithRegistry, LookUpCorporations
from dps.application.registry.ports import CorporateRegistry, RegistryUnavailable
from dps.application.registry.read_models import CorporationCandidate, RegistryComparison
from dps.application.sales.accounts.queries import GetAccount
from dps.application.sales.deps import SalesDeps
from dps.application.shared.errors import Conflict, Invalid
from dps.domain.sales.accounts import Account
from dps.domain.shared.principal import Principal
from dps.entrypoints.http.ui.forms import FormBody
from dps.entrypoints.http.ui.messages import Labels
from dps.entrypoints.http.ui.pages import labels_for, page
from dps.entrypoints.http.ui.query_form import FieldReader
from dps.entrypoints.http.ui.record_forms import form_version
from dps.entrypoints.http.ui.records import not_found_page, record_id

TEMPLATE = "registry/compare.html"


def unavailable_text(labels: Labels) -> str:
    """The banner, in the user's language first."""
    return labels.pair("reg.unavailable")


def _choice(c: CorporationCandidate) -> dict[str, Any]:
    """One candidate as the form's script wants it: what to show and the values to fill in."""
    postal = c.values.get("postal_code", "")
    status = f" [閉鎖 / closed {c.close_date.isoformat()}]" if c.close_date else ""
    return {
        "corporate_number": c.corporate_number, "label": c.name,
        "detail": " ".join(filter(None, (c.corporate_number, f"〒{postal}" if postal else "", c.address))) + status,
        "closed": c.is_closed,
        "values": {**c.values, "corporate_number": c.corporate_number, **c.status_values},
    }


@get("/lookup/registry", include_in_schema=False, sync_to_thread=True)
def lookup_registry(principal: Principal, corporate_registry: CorporateRegistry, number: str = "", name: str = ""
                    ) -> Response[Any]:
    """Candidates by 法人番号 or name; 422 ``{"errors": ...}`` for a bad number or a too short name,
    503 ``{"reason", "detail"}`` when the registry cannot answer."""
    try:
        found = LookUpCorporations(corporate_registry)(principal, number=number, name=name)
    except Invalid as e:
        return Response({"errors": e.errors}, status_code=422)
    except RegistryUnavailable as e:
        return Response({"reason": e.reason, "detail": unavailable_text(labels_for(principal)),
                         "message": e.message}, status_code=503)
    return Response([_choice(c) for c in found])


def _render(
    request: Request[Any, Any, Any], principal: Principal, account: Account, sales_deps: SalesDeps,
    registry: CorporateRegistry, *, status: int = 200, errors: dict[str, str] | None = None,
    conflict: Conflict | None = None, chosen: tuple[str, ...] = (),
) -> Template:
    """The compare page of `account` (already checked visible), asking the registry afresh."""
    comparison: RegistryComparison | None = None
    unavailable: RegistryUnavailable | None = None
    problem: dict[str, str] = {}
    try:
        comparison = CompareAccountWithRegistry(sales_deps, registry)(principal, account.id)
    except RegistryUnavailable as e:
        unavailable, status = e, 503
    except Invalid as e:
        problem = e.errors
    return page(request, TEMPLATE, status_code=status, context={
        "account": account, "comparison": comparison, "unavailable": unavailable,
        "unavailable_text": unavailable_text(labels_for(principal)), "problem": problem,
        "errors": errors or {}, "conflict": conflict,
        "chosen": set(chosen) if chosen else {c.field for c in comparison.changes if c.applicable}
        if comparison else set(),
    })


@get("/accounts/{raw_id:str}/registry", include_in_schema=False, sync_to_thread=True)
def registry_compare(
    request: Request[Any, Any, Any], principal: Principal, raw_id: str, sales_deps: SalesDeps,
    corporate_registry: CorporateRegistry,
) -> Template:
    with not_found_page():
        account = GetAccount(sales_deps)(principal, record_id("account", raw_id)).account
    return _render(request, principal, account, sales_deps, corporate_registry)


@post("/accounts/{raw_id:str}/registry", include_in_schema=False, sync_to_thread=True)
def registry_apply(
    request: Request[Any, Any, Any], principal: Principal, raw_id: str, data: FormBody, sales_deps: SalesDeps,
    corporate_registry: CorporateRegistry,
) -> Template | Redirect:
    with not_found_page():
        account = GetAccount(sales_deps)(principal, record_id("account", raw_id)).account
    form = FieldReader(data)
    fields = form.all("fields")
    version = form_version(form)
    try:
        ApplyRegistryToAccount(sales_deps, corporate_registry)(principal, account.id, fields, version)
    except Invalid as e:
        return _render(request, principal, account, sales_deps, corporate_registry, status=422, errors=e.errors,
                       chosen=fields)
    except Conflict as e:
        return _render(request, principal, account, sales_deps, corporate_registry, status=409, conflict=e,
                       chosen=fields)
    except RegistryUnavailable:
        return _render(request, principal, account, sales_deps, corporate_registry)
    return Redirect(f"/accounts/{account.id}", status_code=303)


ROUTES = (lookup_registry, registry_compare, registry_apply)
"""This module's pages, registered in the UI router."""
