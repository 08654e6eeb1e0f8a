"""A new tenant starts with the default code lists, stored and read back on both engines."""

from __future__ import annotations

import pytest

from dps.application.shared.errors import NotFound
from dps.bootstrap.container import Container
from dps.domain.catalog.code_lists import CodeValue
from dps.domain.catalog.defaults import default_code_lists
from dps.domain.shared.principal import Principal
from dps.domain.tenancy.tenants import Tenant


def test_new_tenant_gets_default_code_lists(container: Container, tenant: Tenant, admin: Principal) -> None:
    stored = {cl.key: cl for cl in container.list_code_lists()(admin)}
    expected = {cl.key: cl for cl in default_code_lists()}
    assert stored.keys() == expected.keys()
    for key, cl in expected.items():
        assert stored[key].values == cl.values


def test_seeding_again_changes_nothing_and_keeps_edits(container: Container, tenant: Tenant, admin: Principal) -> None:
    uow_factory = container.uow()
    with uow_factory(tenant.id) as uow:
        stage = uow.code_lists.get("opportunity_stage")
        assert stage is not None
        stage.add(CodeValue(code="95", label_ja="保留", label_en="On hold", sort_order=95))
        stage.deactivate("92")
        uow.code_lists.save(stage)
        uow.commit()
    assert container.seed_default_code_lists()(tenant.id) == 0
    stage = container.get_code_list()(admin, "opportunity_stage")
    assert stage.value("95") is not None
    assert "92" not in [v.code for v in stage.active()]


def test_unknown_code_list(container: Container, tenant: Tenant, admin: Principal) -> None:
    with pytest.raises(NotFound):
        container.get_code_list()(admin, "no_such_list")
