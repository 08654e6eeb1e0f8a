"""Use cases on code lists: seed a tenant's defaults, read them, validate a value."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from dps.application.catalog.ports import CatalogUnitOfWork
from dps.application.shared.errors import NotFound
from dps.domain.catalog.code_lists import CodeList
from dps.domain.catalog.defaults import default_code_lists
from dps.domain.shared.ids import TenantId
from dps.domain.shared.principal import Principal

CatalogUowFactory = Callable[[TenantId], CatalogUnitOfWork]


class SeedDefaultCodeLists:
    """Give a tenant the default code lists it lacks. Idempotent: existing lists are left alone."""

    def __init__(self, uow: CatalogUowFactory) -> None:
        self._uow = uow

    def __call__(self, tenant_id: TenantId) -> int:
        created = 0
        with self._uow(tenant_id) as uow:
            for code_list in default_code_lists():
                if uow.code_lists.get(code_list.key) is None:
                    uow.code_lists.save(code_list)
                    created += 1
            uow.commit()
        return created


class ListCodeLists:
    def __init__(self, uow: CatalogUowFactory) -> None:
        self._uow = uow

    def __call__(self, principal: Principal) -> Sequence[CodeList]:
        with self._uow(principal.tenant_id) as uow:
            return uow.code_lists.list()


class GetCodeList:
    def __init__(self, uow: CatalogUowFactory) -> None:
        self._uow = uow

    def __call__(self, principal: Principal, key: str) -> CodeList:
        with self._uow(principal.tenant_id) as uow:
            found = uow.code_lists.get(key)
        if found is None:
            raise NotFound("code list", key)
        return found
