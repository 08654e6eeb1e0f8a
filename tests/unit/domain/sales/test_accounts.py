"""取引先 Account: field rules, 法人番号, staff (one main), relations, parent cycles, search text."""

from __future__ import annotations

from datetime import date, datetime
from uuid import UUID, uuid4

import pytest
from hypothesis import given
from hypothesis import strategies as st

from dps.domain.registry.corporate_number import check_digit
from dps.domain.sales.account_groups import AccountGroup
from dps.domain.sales.accounts import Account
from dps.domain.sales.records import Relation, StaffMember
from dps.domain.shared.errors import DomainError
from dps.domain.shared.ids import UserId

USERS = [UserId(UUID(int=i + 1)) for i in range(4)]


def test_columns_are_the_attribute_names_and_text_is_stripped() -> None:
    a = Account(id=uuid4(), name="  株式会社テスト ", kana="テスト", corporate_number="５０１０００１００８８４６",
                account_type_code="customer", employees=10)
    assert a.name == "株式会社テスト"
    assert a.corporate_number == "5010001008846"
    assert a.codes() == {"account_type_code": "customer"}
    assert a.search_text == "株式会社てすと てすと"


@pytest.mark.parametrize(("values", "field"), [
    ({"name": ""}, "name"),
    ({"name": "x" * 201}, "name"),
    ({"corporate_number": "1010001008846"}, "corporate_number"),
    ({"corporate_number": "12345"}, "corporate_number"),
    ({"employees": -1}, "employees"),
    ({"prefecture": "x" * 11}, "prefecture"),
    ({"favourite_colour": "blue"}, "favourite_colour"),
])
def test_change_refuses_bad_values(values: dict[str, object], field: str) -> None:
    a = Account(id=uuid4(), name="A")
    with pytest.raises(DomainError) as e:
        a.change(values)
    assert e.value.field == field
    assert a.name == "A"


def test_blank_codes_and_corporate_number_clear_to_none() -> None:
    a = Account(id=uuid4(), name="A", corporate_number="5010001008846", industry_code="it", code="A-1")
    a.change({"corporate_number": " ", "industry_code": "", "code": ""})
    assert (a.corporate_number, a.industry_code, a.code) == (None, None, None)


@given(st.text(alphabet="0123456789", min_size=12, max_size=12), st.integers(0, 9))
def test_only_the_right_check_digit_is_accepted(base: str, first: int) -> None:
    raw = f"{first}{base}"
    if first == check_digit(base):
        assert Account(id=uuid4(), name="A", corporate_number=raw).corporate_number == raw
    else:
        with pytest.raises(DomainError):
            Account(id=uuid4(), name="A", corporate_number=raw)


@given(st.lists(st.tuples(st.sampled_from(USERS), st.booleans()), max_size=5))
def test_staff_has_each_user_once_and_at_most_one_main(pairs: list[tuple[UserId, bool]]) -> None:
    staff = [StaffMember(u, main) for u, main in pairs]
    valid = len({u for u, _ in pairs}) == len(pairs) and sum(m for _, m in pairs) <= 1
    a = Account(id=uuid4(), name="A")
    if valid:
        a.set_staff(staff)
        assert a.staff == tuple(staff)
    else:
        with pytest.raises(DomainError) as e:
            a.set_staff(staff)
        assert e.value.field == "staff"
        assert a.staff == ()


def test_relations_list_each_person_once() -> None:
    p = uuid4()
    a = Account(id=uuid4(), name="A")
    with pytest.raises(DomainError):
        a.set_relations([Relation(p, "contact"), Relation(p, "user")])
    a.set_relations([Relation(p, "contact")])
    assert a.relations == (Relation(p, "contact"),)


@given(st.integers(1, 6), st.data())
def test_parent_may_never_close_a_loop(depth: int, data: st.DataObject) -> None:
    """A chain root <- ... <- leaf: re-parenting any member under one of its descendants (or itself) is refused,
    under any other account accepted."""
    chain = [uuid4() for _ in range(depth + 1)]  # chain[i]'s parent is chain[i - 1]
    i = data.draw(st.integers(0, depth), label="account")
    j = data.draw(st.integers(0, depth), label="new parent")
    account = Account(id=chain[i], name="A")
    ancestors_of_new_parent = list(reversed(chain[:j]))
    if j >= i:
        with pytest.raises(DomainError) as e:
            account.set_parent(chain[j], ancestors_of_new_parent)
        assert e.value.field == "parent_account_id"
    else:
        account.set_parent(chain[j], ancestors_of_new_parent)
        assert account.parent_account_id == chain[j]
    outsider = uuid4()
    account.set_parent(outsider, [])
    assert account.parent_account_id == outsider


def test_an_account_is_not_its_own_parent_at_birth() -> None:
    same = uuid4()
    with pytest.raises(DomainError):
        Account(id=same, name="A", parent_account_id=same)


def test_account_group_rules() -> None:
    g = AccountGroup(id=uuid4(), code="top-100", name=" 重点顧客 ")
    assert g.name == "重点顧客"
    g.rename("系列", "グループ会社")
    assert (g.name, g.description) == ("系列", "グループ会社")
    with pytest.raises(DomainError):
        g.rename(" ")
    with pytest.raises(DomainError):
        AccountGroup(id=uuid4(), code="bad code!", name="x")


# -- the registry status: English name, closing date and cause, successor ------------------------------

SUCCESSOR = "7000012050002"


def test_status_fields_are_kept_as_the_account_stores_them() -> None:
    a = Account(id=uuid4(), name="旧サンプル", corporate_number="5010001008846", en_name=" Old Sample Co. ",
                closed_on="2023-03-31", close_cause="合併による解散等", successor_corporate_number="7-0000-1205-0002")
    assert (a.en_name, a.closed_on, a.close_cause, a.successor_corporate_number) == (
        "Old Sample Co.", date(2023, 3, 31), "11", SUCCESSOR)
    assert a.is_closed
    assert "old sample co." in a.search_text
    a.change({"closed_on": "", "close_cause": " ", "successor_corporate_number": "", "en_name": ""})
    assert (a.en_name, a.closed_on, a.close_cause, a.successor_corporate_number) == ("", None, None, None)
    assert not a.is_closed


@pytest.mark.parametrize(("given", "stored"), [
    ("11", "11"), ("1", "01"), ("登記官による閉鎖", "21"), ("その他の清算の結了等 / other liquidation", "31"),
    ("dissolved by merger", "11"), ("精算の結了等", "01"), ("破産手続開始", "破産手続開始"),
])
def test_a_close_cause_is_stored_as_the_ntas_code_when_it_is_one(given: str, stored: str) -> None:
    assert Account(id=uuid4(), name="A", close_cause=given).close_cause == stored


@pytest.mark.parametrize(("values", "field"), [
    ({"en_name": "x" * 201}, "en_name"),
    ({"closed_on": "2023-02-30"}, "closed_on"),
    ({"closed_on": "yesterday"}, "closed_on"),
    ({"closed_on": datetime(2023, 3, 31, 12, 0)}, "closed_on"),
    ({"close_cause": "x" * 101}, "close_cause"),
    ({"close_cause": 11}, "close_cause"),
    ({"successor_corporate_number": "1234"}, "successor_corporate_number"),
    ({"successor_corporate_number": "1000012050002"}, "successor_corporate_number"),
])
def test_bad_status_values_are_refused_naming_the_field(values: dict[str, object], field: str) -> None:
    a = Account(id=uuid4(), name="A")
    with pytest.raises(DomainError) as e:
        a.change(values)
    assert e.value.field == field
    with pytest.raises(DomainError) as built:
        Account(id=uuid4(), name="A", **values)  # type: ignore[arg-type]
    assert built.value.field == field


def test_the_successor_is_not_the_account_itself_and_a_refused_change_changes_nothing() -> None:
    with pytest.raises(DomainError) as own:
        Account(id=uuid4(), name="A", corporate_number=SUCCESSOR, successor_corporate_number=SUCCESSOR)
    assert own.value.field == "successor_corporate_number"
    a = Account(id=uuid4(), name="A", corporate_number="5010001008846")
    with pytest.raises(DomainError):
        a.change({"name": "B", "en_name": "B Co.", "successor_corporate_number": "5010001008846"})
    assert (a.name, a.en_name, a.successor_corporate_number) == ("A", "", None)
    b = Account(id=uuid4(), name="B", successor_corporate_number=SUCCESSOR)
    with pytest.raises(DomainError) as taken:
        b.change({"corporate_number": SUCCESSOR})  # becoming its own successor is refused too
    assert taken.value.field == "successor_corporate_number"
    assert b.corporate_number is None


@given(st.text(alphabet="0123456789", min_size=12, max_size=12), st.integers(1, 8))
def test_a_successor_with_a_bad_check_digit_is_always_refused(base: str, shift: int) -> None:
    wrong = f"{(check_digit(base) + shift - 1) % 9 + 1}{base}"
    assert wrong[0] != str(check_digit(base))
    with pytest.raises(DomainError) as e:
        Account(id=uuid4(), name="A", successor_corporate_number=wrong)
    assert e.value.field == "successor_corporate_number"
    a = Account(id=uuid4(), name="A")
    with pytest.raises(DomainError):
        a.change({"successor_corporate_number": wrong})
    assert a.successor_corporate_number is None
