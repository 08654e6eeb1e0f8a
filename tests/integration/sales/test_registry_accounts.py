"""Comparing accounts with the corporate registry and applying its fields, on both engines: the
differences, the account's own registry status fields (English name, closing date and cause, successor),
the ordinary update path (version, rights, master-data log), and 404 for an account the user may not see."""

from __future__ import annotations

from datetime import date

import pytest

from dps.application.catalog.custom_fields import DefineCustomField, DefineCustomFieldCommand
from dps.application.registry.lookups import ApplyRegistryToAccount, CompareAccountWithRegistry
from dps.application.sales.accounts.commands import UpdateAccount, UpdateAccountCommand
from dps.application.sales.accounts.queries import GetAccount
from dps.application.sales.accounts.record_parts import RecordParts
from dps.application.shared.errors import Conflict, Forbidden, Invalid, NotFound
from dps.bootstrap.container import Container
from dps.domain.shared.principal import Principal
from dps.domain.tenancy.tenants import Tenant
from dps.domain.visibility.records import Restriction
from tests.fakes.registry import FakeRegistry, sample_record
from tests.integration.sales.accounts_helpers import CORP_A, CORP_B, Directory, build_directory


@pytest.fixture
def d(container: Container, tenant: Tenant, admin: Principal) -> Directory:
    return build_directory(container, tenant, admin)


@pytest.fixture
def registry() -> FakeRegistry:
    return FakeRegistry([
        sample_record(),
        sample_record(corporate_number=CORP_B, name="旧サンプル株式会社", furigana="キュウサンプル",
                      close_date=date(2023, 3, 31), close_cause="11", successor_number=CORP_A),
    ])


def test_compare_lists_only_what_differs(d: Directory, registry: FakeRegistry) -> None:
    account = d.account("alice", "サンプル", kana="カブシキガイシャサンプル", corporate_number=CORP_A,
                        postal_code="100-0005", prefecture="東京都")
    comparison = CompareAccountWithRegistry(d.deps, registry)(d.principal("dave"), account.id)
    assert comparison.version == 1
    assert comparison.corporate_number == CORP_A
    assert [(c.field, c.current, c.registry) for c in comparison.changes] == [
        ("name", "サンプル", "株式会社サンプル"),
        ("address", "", "千代田区丸の内1丁目1-1"),
        ("en_name", "", "Sample Co., Ltd."),
    ]
    assert comparison.change("en_name") is not None
    assert comparison.change("en_name").target == "en_name"  # type: ignore[union-attr]
    assert registry.asked == [("numbers", (CORP_A,))]


def test_apply_writes_the_chosen_fields_through_the_account_update(d: Directory, registry: FakeRegistry) -> None:
    account = d.account("alice", "サンプル", corporate_number=CORP_A, phone="03-1111-2222")
    applied = ApplyRegistryToAccount(d.deps, registry)(
        d.principal("alice"), account.id, ["name", "postal_code", "address"], 1)
    assert applied.version == 2
    stored = GetAccount(d.deps)(d.principal("alice"), account.id).account
    assert (stored.name, stored.postal_code, stored.prefecture, stored.address, stored.phone) == (
        "株式会社サンプル", "100-0005", "", "千代田区丸の内1丁目1-1", "03-1111-2222")
    assert stored.updated_by == d.users["alice"]
    left = CompareAccountWithRegistry(d.deps, registry)(d.principal("alice"), account.id)
    assert [c.field for c in left.changes] == ["kana", "prefecture", "en_name"]


def test_status_fields_land_in_the_accounts_own_fields_and_custom_fields_are_left_alone(
    d: Directory, registry: FakeRegistry, admin: Principal
) -> None:
    define = DefineCustomField(uow=d.deps.uow, clock=d.deps.clock, ids=d.deps.ids, audit=d.deps.audit)
    define(admin, DefineCustomFieldCommand(entity="account", key="en_name", label_ja="英語名(旧)", kind="text"))
    account = d.account("alice", "旧サンプル株式会社", kana="キュウサンプル", corporate_number=CORP_B,
                        parts=RecordParts(custom_fields={"en_name": "kept"}))
    comparison = CompareAccountWithRegistry(d.deps, registry)(d.principal("alice"), account.id)
    assert {c.field: c.target for c in comparison.changes} == {
        "postal_code": "postal_code", "prefecture": "prefecture", "address": "address", "en_name": "en_name",
        "closed_on": "closed_on", "close_cause": "close_cause",
        "successor_corporate_number": "successor_corporate_number",
    }
    cause = comparison.change("close_cause")
    assert cause is not None
    assert (cause.registry, cause.registry_label) == ("11", "合併による解散等 / dissolved by merger")
    ApplyRegistryToAccount(d.deps, registry)(
        d.principal("alice"), account.id, ["en_name", "closed_on", "close_cause", "successor_corporate_number"], 1)
    detail = GetAccount(d.deps)(d.principal("alice"), account.id)
    stored = detail.account
    assert (stored.en_name, stored.closed_on, stored.close_cause, stored.successor_corporate_number) == (
        "Sample Co., Ltd.", date(2023, 3, 31), "11", CORP_A)
    assert stored.custom_fields == {"en_name": "kept"}
    assert stored.version == 2
    left = CompareAccountWithRegistry(d.deps, registry)(d.principal("alice"), account.id)
    assert [c.field for c in left.changes] == ["postal_code", "prefecture", "address"]


def test_a_stale_version_is_a_conflict_and_nothing_changes(d: Directory, registry: FakeRegistry) -> None:
    account = d.account("alice", "サンプル", corporate_number=CORP_A)
    UpdateAccount(d.deps)(d.principal("alice"), UpdateAccountCommand(
        account_id=account.id, expected_version=1, values={"phone": "03"}))
    with pytest.raises(Conflict) as stale:
        ApplyRegistryToAccount(d.deps, registry)(d.principal("alice"), account.id, ["name"], 1)
    assert stale.value.current_version == 2
    assert GetAccount(d.deps)(d.principal("alice"), account.id).account.name == "サンプル"


def test_bad_choices_are_invalid(d: Directory, registry: FakeRegistry) -> None:
    account = d.account("alice", "株式会社サンプル", corporate_number=CORP_A)
    apply = ApplyRegistryToAccount(d.deps, registry)
    for fields, fragment in ((["phone"], "unknown"), ([], "at least one"), (["name"], "already match"),
                             (["close_date"], "unknown"), (["custom_fields.en_name"], "unknown")):
        with pytest.raises(Invalid) as bad:
            apply(d.principal("alice"), account.id, fields, 1)
        assert list(bad.value.errors) == ["fields"]
        assert fragment in bad.value.errors["fields"]


def test_no_number_or_an_unknown_number_is_invalid_on_corporate_number(d: Directory) -> None:
    without = d.account("alice", "番号なし")
    with pytest.raises(Invalid) as none:
        CompareAccountWithRegistry(d.deps, FakeRegistry())(d.principal("alice"), without.id)
    assert list(none.value.errors) == ["corporate_number"]
    unknown = d.account("alice", "未登録", corporate_number=CORP_A)
    with pytest.raises(Invalid) as missing:
        CompareAccountWithRegistry(d.deps, FakeRegistry())(d.principal("alice"), unknown.id)
    assert "registry does not know" in missing.value.errors["corporate_number"]


def test_invisible_accounts_are_not_found_and_light_users_may_not_apply(
    d: Directory, registry: FakeRegistry
) -> None:
    secret = d.account("erin", "秘密", corporate_number=CORP_A, parts=RecordParts(restriction=Restriction()))
    for use in (lambda p: CompareAccountWithRegistry(d.deps, registry)(p, secret.id),
                lambda p: ApplyRegistryToAccount(d.deps, registry)(p, secret.id, ["name"], 1)):
        with pytest.raises(NotFound):
            use(d.principal("dave"))
    assert registry.asked == []  # nothing about the hidden account was looked up
    public = d.account("alice", "サンプル", corporate_number=CORP_B)
    assert CompareAccountWithRegistry(d.deps, registry)(d.principal("lucy"), public.id).changes
    with pytest.raises(Forbidden):
        ApplyRegistryToAccount(d.deps, registry)(d.principal("lucy"), public.id, ["name"], 1)
