"""JSON API: the corporate registry (法人番号) - look corporations up, compare an account with the registry
and apply the chosen fields.

- ``GET /registry/corporations?number=...`` or ``?name=...``: candidates (422 on a bad check digit or a
  name shorter than 2 characters).
- ``GET /accounts/{id}/registry-diff``: the fields where the account differs from the registry.
- ``POST /accounts/{id}/registry-apply`` with ``fields`` and ``expected_version``: writes them as an
  ordinary account change (403 without edit rights, 409 on a stale version).

Every source unreachable (or none configured) is 503 with ``reason`` (unreachable, timeout, throttled,
unauthorized, not_configured, bad_response) and ``detail``; an account the caller cannot see is 404.
"""

from __future__ import annotations

from datetime import date
from uuid import UUID

import msgspec
from litestar import get, post
from litestar.params import Parameter
from litestar.types import ControllerRouterHandler

from dps.application.registry.lookups import ApplyRegistryToAccount, CompareAccountWithRegistry, LookUpCorporations
from dps.application.registry.ports import CorporateRegistry
from dps.application.registry.read_models import CorporationCandidate, FieldChange
from dps.application.sales.accounts.queries import GetAccount
from dps.application.sales.deps import SalesDeps
from dps.domain.shared.principal import Principal
from dps.entrypoints.http.api.accounts import account_out
from dps.entrypoints.http.api.accounts_schemas import AccountOut


class CorporationOut(msgspec.Struct, kw_only=True):
    """A corporation as the registry knows it; ``values`` are what an account would get (name, kana,
    postal_code, prefecture, address)."""

    corporate_number: str
    name: str
    source: str
    values: dict[str, str]
    en_name: str
    is_closed: bool
    close_date: date | None
    close_cause: str
    close_cause_label: str
    successor_number: str


class CorporationListOut(msgspec.Struct, kw_only=True):
    items: list[CorporationOut]


class FieldChangeOut(msgspec.Struct, kw_only=True):
    """One differing field, named as the account's field (name, kana, postal_code, prefecture, address,
    en_name, closed_on, close_cause, successor_corporate_number). ``current`` and ``registry`` are the
    values as the account stores them (a date as 2024-04-01, a closing cause as its code);
    ``current_label`` and ``registry_label`` as people read them. ``target``: the account field applying
    it writes."""

    field: str
    current: str
    registry: str
    current_label: str
    registry_label: str
    target: str | None
    applicable: bool


class RegistryDiffOut(msgspec.Struct, kw_only=True):
    account_id: UUID
    version: int
    corporate_number: str
    corporation: CorporationOut
    changes: list[FieldChangeOut]


class RegistryApplyIn(msgspec.Struct, kw_only=True):
    """The ``field`` names of the changes to write, and the account version they were read at."""

    fields: list[str]
    expected_version: int


def corporation_out(c: CorporationCandidate) -> CorporationOut:
    return CorporationOut(
        corporate_number=c.corporate_number, name=c.name, source=c.source.value, values=dict(c.values),
        en_name=c.en_name, is_closed=c.is_closed, close_date=c.close_date, close_cause=c.close_cause,
        close_cause_label=c.close_cause_label, successor_number=c.successor_number,
    )


def _change_out(c: FieldChange) -> FieldChangeOut:
    return FieldChangeOut(field=c.field, current=c.current, registry=c.registry, current_label=c.current_label,
                          registry_label=c.registry_label, target=c.target, applicable=c.applicable)


@get("/registry/corporations", summary="Corporations (法人) by corporate number or name", sync_to_thread=True)
def list_corporations_handler(
    principal: Principal,
    corporate_registry: CorporateRegistry,
    number: str | None = Parameter(query="number", default=None, description="法人番号, 13 digits (hyphens allowed)"),
    name: str | None = Parameter(query="name", default=None, description="at least 2 characters of the name"),
    limit: int = Parameter(query="limit", default=20, ge=1, le=20),
) -> CorporationListOut:
    found = LookUpCorporations(corporate_registry)(principal, number=number, name=name, limit=limit)
    return CorporationListOut(items=[corporation_out(c) for c in found])


@get("/accounts/{account_id:uuid}/registry-diff", summary="How an account differs from the registry",
     sync_to_thread=True)
def registry_diff_handler(
    principal: Principal, account_id: UUID, sales_deps: SalesDeps, corporate_registry: CorporateRegistry,
) -> RegistryDiffOut:
    comparison = CompareAccountWithRegistry(sales_deps, corporate_registry)(principal, account_id)
    return RegistryDiffOut(
        account_id=comparison.account_id, version=comparison.version, corporate_number=comparison.corporate_number,
        corporation=corporation_out(comparison.corporation), changes=[_change_out(c) for c in comparison.changes],
    )


@post("/accounts/{account_id:uuid}/registry-apply", summary="Write chosen registry fields onto an account",
      status_code=200, sync_to_thread=True)
def registry_apply_handler(
    principal: Principal, account_id: UUID, data: RegistryApplyIn, sales_deps: SalesDeps,
    corporate_registry: CorporateRegistry,
) -> AccountOut:
    ApplyRegistryToAccount(sales_deps, corporate_registry)(principal, account_id, data.fields, data.expected_version)
    detail = GetAccount(sales_deps)(principal, account_id)
    return account_out(detail.account, detail=detail)


ROUTES: list[ControllerRouterHandler] = [list_corporations_handler, registry_diff_handler, registry_apply_handler]
"""The handlers of this module, mounted under /api/v1 by the app factory."""
