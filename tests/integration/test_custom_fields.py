"""拡張項目 custom fields on both engines: definitions are stored per tenant and entity, changed with
optimistic locking, and `schema_for` validates record values against them and their code lists."""

from __future__ import annotations

import pytest

from dps.application.auth.principals import system_principal
from dps.application.catalog.custom_fields import (
    DefineCustomField,
    DefineCustomFieldCommand,
    ListCustomFields,
    UpdateCustomField,
    UpdateCustomFieldCommand,
)
from dps.application.sales.deps import SalesDeps
from dps.application.shared.errors import Conflict, Forbidden, Invalid, NotFound
from dps.application.tenancy.tenants import CreateTenantCommand
from dps.bootstrap.container import Container
from dps.domain.catalog.custom_fields import CustomFieldDef, CustomFieldId
from dps.domain.shared.errors import DomainError
from dps.domain.shared.ids import UserId
from dps.domain.shared.principal import License, Principal
from dps.domain.tenancy.tenants import Tenant


@pytest.fixture
def deps(container: Container) -> SalesDeps:
    return container.sales_deps()


def define(deps: SalesDeps, principal: Principal, **kw: object) -> CustomFieldDef:
    use_case = DefineCustomField(uow=deps.uow, clock=deps.clock, ids=deps.ids, audit=deps.audit)
    return use_case(principal, DefineCustomFieldCommand(**kw))  # type: ignore[arg-type]


def update(deps: SalesDeps, principal: Principal, **kw: object) -> CustomFieldDef:
    return UpdateCustomField(uow=deps.uow, audit=deps.audit)(principal, UpdateCustomFieldCommand(**kw))  # type: ignore[arg-type]


def test_a_required_choice_field_bound_to_a_code_list_validates_opportunity_values(
    deps: SalesDeps, tenant: Tenant, admin: Principal
) -> None:
    grade = define(deps, admin, entity="opportunity", key="deal_size", label_ja="案件規模", label_en="Deal size",
                   kind="choice", required=True, code_list_key="company_size", sort_order=1)
    define(deps, admin, entity="opportunity", key="budget_note", label_ja="予算メモ", kind="text", max_length=10,
           sort_order=2)
    define(deps, admin, entity="account", key="deal_size", label_ja="規模", kind="number")

    with deps.uow(tenant.id) as uow:
        sizes = uow.code_lists.get("company_size")
        schema = uow.custom_fields.schema_for("opportunity")
    assert sizes is not None
    good = sizes.active()[0].code

    assert [d.key for d in schema.ordered()] == ["deal_size", "budget_note"]
    assert schema.definition("deal_size") is not None
    assert schema.definition("deal_size").id == grade.id  # type: ignore[union-attr]
    with pytest.raises(DomainError) as missing:
        schema.validate({"budget_note": "x"})
    assert missing.value.field == "custom_fields.deal_size"
    with pytest.raises(DomainError) as outside:
        schema.validate({"deal_size": "no-such-size"})
    assert outside.value.field == "custom_fields.deal_size"
    with pytest.raises(DomainError) as too_long:
        schema.validate({"deal_size": good, "budget_note": "x" * 11})
    assert too_long.value.field == "custom_fields.budget_note"
    assert schema.validate({"deal_size": f" {good} ", "budget_note": " 来期予算 "}) == {
        "deal_size": good, "budget_note": "来期予算",
    }


def test_a_deactivated_code_value_is_no_longer_a_valid_choice(
    deps: SalesDeps, tenant: Tenant, admin: Principal
) -> None:
    define(deps, admin, entity="lead", key="channels", label_ja="流入経路", kind="multi_choice",
           code_list_key="lead_source")
    with deps.uow(tenant.id) as uow:
        source = uow.code_lists.get("lead_source")
        assert source is not None
        first, second = (v.code for v in source.active()[:2])
        source.deactivate(first)
        uow.code_lists.save(source)
        uow.commit()
    with deps.uow(tenant.id) as uow:
        schema = uow.custom_fields.schema_for("lead")
    assert schema.validate({"channels": [second, second]}) == {"channels": [second]}
    with pytest.raises(DomainError):
        schema.validate({"channels": [first]})


def test_inactive_fields_leave_the_schema_but_stay_listed(deps: SalesDeps, tenant: Tenant, admin: Principal) -> None:
    memo = define(deps, admin, entity="account", key="memo", label_ja="メモ", kind="text")
    define(deps, admin, entity="account", key="founded", label_ja="設立日", kind="date", sort_order=-1)

    changed = update(deps, admin, field_id=memo.id, expected_version=1, is_active=False, label_ja="旧メモ",
                     required=True)

    assert (changed.version, changed.is_active, changed.label_ja, changed.required) == (2, False, "旧メモ", True)
    with deps.uow(tenant.id) as uow:
        schema = uow.custom_fields.schema_for("account")
        stored = uow.custom_fields.get(memo.id)
    assert [d.key for d in schema.fields] == ["founded"]
    assert stored is not None
    assert (stored.version, stored.label_ja, stored.is_active, stored.created_at) == (
        2, "旧メモ", False, memo.created_at,
    )
    listing = ListCustomFields(uow=deps.uow)
    assert [d.key for d in listing(admin, "account")] == ["founded"]
    assert [d.key for d in listing(admin, "account", include_inactive=True)] == ["founded", "memo"]
    assert listing(admin, "person") == []
    with pytest.raises(Invalid) as bad_entity:
        listing(admin, "budget")
    assert "entity" in bad_entity.value.errors


def test_a_stale_version_is_a_conflict_and_changes_nothing(deps: SalesDeps, tenant: Tenant, admin: Principal) -> None:
    memo = define(deps, admin, entity="activity", key="memo", label_ja="メモ", kind="text")
    update(deps, admin, field_id=memo.id, expected_version=1, label_ja="備考")

    with pytest.raises(Conflict) as stale:
        update(deps, admin, field_id=memo.id, expected_version=1, label_ja="上書き")
    assert stale.value.current_version == 2
    with deps.uow(tenant.id) as uow:
        stored = uow.custom_fields.get(memo.id)
    assert stored is not None
    assert (stored.label_ja, stored.version) == ("備考", 2)


def test_define_refuses_duplicates_unknown_code_lists_and_bad_input(
    deps: SalesDeps, tenant: Tenant, admin: Principal
) -> None:
    define(deps, admin, entity="person", key="hobby", label_ja="趣味", kind="text")
    with pytest.raises(Conflict) as duplicate:
        define(deps, admin, entity="person", key="hobby", label_ja="趣味2", kind="text")
    assert duplicate.value.field == "key"
    with pytest.raises(Invalid) as no_list:
        define(deps, admin, entity="person", key="rank", label_ja="ランク", kind="choice", code_list_key="nope")
    assert "code_list_key" in no_list.value.errors
    with pytest.raises(Invalid) as bad_kind:
        define(deps, admin, entity="person", key="x", label_ja="X", kind="colour")
    assert "kind" in bad_kind.value.errors
    assert [d.key for d in ListCustomFields(uow=deps.uow)(admin, "person")] == ["hobby"]


def test_only_administrators_define_and_change(deps: SalesDeps, tenant: Tenant, admin: Principal) -> None:
    memo = define(deps, admin, entity="campaign", key="memo", label_ja="メモ", kind="text")
    user = Principal(tenant_id=tenant.id, user_id=UserId(deps.ids.new_id()), login_id="taro", name="太郎",
                     license=License.FULL)
    with pytest.raises(Forbidden):
        define(deps, user, entity="campaign", key="other", label_ja="他", kind="text")
    with pytest.raises(Forbidden):
        update(deps, user, field_id=memo.id, expected_version=1, label_ja="x")
    assert [d.key for d in ListCustomFields(uow=deps.uow)(user, "campaign")] == ["memo"]


def test_definitions_belong_to_their_tenant(container: Container, deps: SalesDeps, tenant: Tenant,
                                            admin: Principal) -> None:
    memo = define(deps, admin, entity="account", key="memo", label_ja="メモ", kind="text")
    other = container.create_tenant()(CreateTenantCommand(code="beta", name="ベータ", full_licenses=1,
                                                          light_licenses=0))
    other_admin = system_principal(other.id, actor="beta-admin")

    assert ListCustomFields(uow=deps.uow)(other_admin, "account") == []
    with deps.uow(other.id) as uow:
        assert uow.custom_fields.get(memo.id) is None
        assert uow.custom_fields.schema_for("account").fields == ()
    with pytest.raises(NotFound):
        update(deps, other_admin, field_id=memo.id, expected_version=1, label_ja="x")
    same_key = define(deps, other_admin, entity="account", key="memo", label_ja="メモ", kind="number")
    assert same_key.id != memo.id
    with pytest.raises(NotFound):
        update(deps, admin, field_id=CustomFieldId(deps.ids.new_id()), expected_version=1)
