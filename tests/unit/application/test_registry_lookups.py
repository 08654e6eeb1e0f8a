"""The registry use cases' rules with an in-memory registry: look-up validation, the mapping of a registry
record onto an account's fields and when a difference is offered (pure, with hypothesis where it helps)."""

from __future__ import annotations

from datetime import date
from uuid import uuid4

import pytest
from hypothesis import given
from hypothesis import strategies as st

from dps.application.registry.lookups import (
    LookUpCorporations,
    account_values,
    postal_code_of,
    registry_changes,
    same_value,
)
from dps.application.registry.ports import CorporateRecord, RegistryUnavailable
from dps.application.shared.errors import Invalid
from dps.domain.registry.corporate_number import CorporateNumber
from dps.domain.sales.accounts import Account
from dps.domain.shared.ids import TenantId, UserId
from dps.domain.shared.principal import License, Principal
from tests.fakes.registry import FakeRegistry, sample_record

NUMBER = "5010001008846"
SUCCESSOR = "7000012050002"


def _record(**overrides: object) -> CorporateRecord:
    return sample_record(**overrides)


def _principal() -> Principal:
    return Principal(tenant_id=TenantId(uuid4()), user_id=UserId(uuid4()), login_id="alice", name="Alice",
                     license=License.FULL)


@pytest.fixture
def principal() -> Principal:
    return _principal()


def _account(**values: object) -> Account:
    account = Account(id=uuid4(), name=str(values.pop("name", "株式会社サンプル")))
    account.change(values)
    return account


# -- look-ups ------------------------------------------------------------------------------------------


def test_a_number_is_normalised_and_asked_exactly(principal: Principal) -> None:
    registry = FakeRegistry([_record()])
    found = LookUpCorporations(registry)(principal, number="５-0100-0100-8846")
    assert [c.corporate_number for c in found] == [NUMBER]
    assert registry.asked == [("numbers", (NUMBER,))]
    assert found[0].values["postal_code"] == "100-0005"


def test_a_wrong_check_digit_is_invalid_on_number_and_the_registry_is_not_asked(principal: Principal) -> None:
    registry = FakeRegistry([_record()])
    with pytest.raises(Invalid) as bad:
        LookUpCorporations(registry)(principal, number="6010001008846")
    assert list(bad.value.errors) == ["number"]
    assert "expected 5" in bad.value.errors["number"]
    with pytest.raises(Invalid) as short:
        LookUpCorporations(registry)(principal, number="501000100884")
    assert list(short.value.errors) == ["number"]
    assert registry.asked == []


@pytest.mark.parametrize("name", ["サ", " ｻ ", "A"])
def test_a_name_shorter_than_two_characters_is_invalid(principal: Principal, name: str) -> None:
    registry = FakeRegistry([_record()])
    with pytest.raises(Invalid) as bad:
        LookUpCorporations(registry)(principal, name=name)
    assert list(bad.value.errors) == ["name"]
    assert registry.asked == []


def test_nothing_or_both_given_is_invalid(principal: Principal) -> None:
    with pytest.raises(Invalid):
        LookUpCorporations(FakeRegistry())(principal)
    with pytest.raises(Invalid):
        LookUpCorporations(FakeRegistry())(principal, number=NUMBER, name="サンプル")


def test_by_name_asks_with_the_limit_and_marks_closed_ones(principal: Principal) -> None:
    closed = _record(corporate_number=SUCCESSOR, name="株式会社サンプル旧", close_date=date(2020, 4, 1),
                     close_cause="11", successor_number=NUMBER)
    registry = FakeRegistry([_record(), closed])
    found = LookUpCorporations(registry)(principal, name="サンプル", limit=50)
    assert registry.asked == [("name", ("サンプル", 20))]
    assert [(c.name, c.is_closed) for c in found] == [("株式会社サンプル", False), ("株式会社サンプル旧", True)]
    assert found[1].close_cause_label.startswith("合併による解散等")


def test_registry_unavailable_passes_through(principal: Principal) -> None:
    with pytest.raises(RegistryUnavailable) as down:
        LookUpCorporations(FakeRegistry(down=True))(principal, name="サンプル")
    assert down.value.reason == "unreachable"


# -- mapping and differences ---------------------------------------------------------------------------


def test_account_values_of_a_domestic_and_a_foreign_corporation() -> None:
    assert account_values(_record()) == {
        "name": "株式会社サンプル", "kana": "サンプル", "postal_code": "100-0005", "prefecture": "東京都",
        "address": "千代田区丸の内1丁目1-1",
    }
    abroad = _record(prefecture="", city="", street="", postal_code="", address_outside="New York, USA")
    assert account_values(abroad)["address"] == "New York, USA"


def test_an_account_that_already_matches_has_no_changes() -> None:
    account = _account(kana="カブシキガイシャ サンプル", postal_code="1000005", prefecture="東京都",
                       address="千代田区丸の内1丁目1-1")
    assert registry_changes(account, _record(en_name="")) == ()


def test_a_closed_account_that_already_matches_has_no_changes() -> None:
    account = _account(kana="サンプル", postal_code="100-0005", prefecture="東京都", address="千代田区丸の内1丁目1-1",
                       en_name="Sample Co., Ltd.", closed_on=date(2024, 3, 31), close_cause="合併による解散等",
                       successor_corporate_number=SUCCESSOR)
    record = _record(en_name="Sample Co., Ltd.", close_date=date(2024, 3, 31), close_cause="11",
                     successor_number=SUCCESSOR)
    assert registry_changes(account, record) == ()


def test_changes_name_the_account_fields_applying_writes() -> None:
    account = _account(name="サンプル商事", kana="", postal_code="100-0001", address="", en_name="Old Name")
    record = _record(en_name="Sample Co., Ltd.", close_date=date(2024, 3, 31), close_cause="11",
                     successor_number=SUCCESSOR)
    changes = {c.field: c for c in registry_changes(account, record)}
    assert list(changes) == ["name", "kana", "postal_code", "prefecture", "address", "en_name", "closed_on",
                             "close_cause", "successor_corporate_number"]
    assert all(c.applicable and c.target == c.field for c in changes.values())
    assert (changes["name"].current, changes["name"].registry) == ("サンプル商事", "株式会社サンプル")
    assert changes["postal_code"].registry == "100-0005"
    assert (changes["en_name"].current, changes["en_name"].registry) == ("Old Name", "Sample Co., Ltd.")
    assert (changes["closed_on"].current, changes["closed_on"].registry) == ("", "2024-03-31")
    assert changes["close_cause"].registry == "11"
    assert changes["close_cause"].registry_label.startswith("合併による解散等")
    assert changes["successor_corporate_number"].registry == SUCCESSOR


def test_a_closing_cause_given_as_text_is_compared_and_applied_as_its_code() -> None:
    account = _account(closed_on=date(2024, 3, 31), close_cause="21")
    record = _record(close_date=date(2024, 3, 31), close_cause="登記官による閉鎖")  # gBizINFO v1 gives text
    assert "close_cause" not in {c.field for c in registry_changes(account, record)}
    account.change({"close_cause": "01"})
    change = next(c for c in registry_changes(account, record) if c.field == "close_cause")
    assert (change.current, change.registry) == ("01", "21")
    assert (change.current_label, change.registry_label) == ("清算の結了等 / liquidation completed",
                                                             "登記官による閉鎖 / closed by the registrar")


def test_an_empty_registry_value_is_never_offered() -> None:
    account = _account(phone="03", prefecture="大阪府", address="北区")
    changes = registry_changes(account, _record(prefecture="", city="", street="", en_name=""))
    assert "prefecture" not in {c.field for c in changes}
    assert "address" not in {c.field for c in changes}


@pytest.mark.parametrize(("current", "registry"), [
    ("カブシキガイシャサンプル", "サンプル"), ("サンプルカブシキガイシャ", "サンプル"), ("ｻﾝﾌﾟﾙ", "サンプル"),
    ("さんぷる", "サンプル"), ("サンプル ", "サンプル"),
])
def test_kana_equal_up_to_width_script_and_corporate_form(current: str, registry: str) -> None:
    assert same_value("kana", current, registry)


def test_kana_that_differs_is_a_change() -> None:
    assert not same_value("kana", "サンプルショウジ", "サンプル")


@given(st.text(alphabet="0123456789", min_size=7, max_size=7))
def test_postal_codes_compare_with_or_without_hyphen(digits: str) -> None:
    formatted = postal_code_of(digits)
    assert formatted == f"{digits[:3]}-{digits[3:]}"
    assert same_value("postal_code", formatted, formatted)
    assert same_value("postal_code", digits, formatted)


@given(st.text(alphabet="0123456789", min_size=12, max_size=12))
def test_any_valid_number_is_accepted_and_any_other_first_digit_refused(base: str) -> None:
    good = str(CorporateNumber.from_base(base))
    registry = FakeRegistry()
    assert LookUpCorporations(registry)(_principal(), number=good) == []
    wrong = f"{int(good[0]) % 9 + 1}{base}"
    with pytest.raises(Invalid):
        LookUpCorporations(registry)(_principal(), number=wrong)
