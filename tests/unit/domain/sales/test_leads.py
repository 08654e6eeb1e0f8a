"""Lead rules: required fields, 法人番号, e-mail, codes, the one-way conversion (a hypothesis state
machine) and follow-up actions."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, precondition, rule

from dps.domain.catalog.code_lists import CodeList
from dps.domain.catalog.defaults import default_code_lists
from dps.domain.registry.corporate_number import CorporateNumber
from dps.domain.sales.leads import CONVERTED, NEW, Lead, LeadAction, LeadAlreadyConverted, normalize_email
from dps.domain.shared.errors import DomainError

NOW = datetime(2026, 11, 25, 9, 0, tzinfo=UTC)
VALID_NUMBER = str(CorporateNumber.from_base("700110005901"))


def lead(**values: Any) -> Lead:
    base: dict[str, Any] = {"id": uuid.uuid4(), "company_name": "株式会社テスト", "last_name": "山田",
                            "source_code": "seminar"}
    return Lead(**(base | values))


def lists() -> dict[str, CodeList]:
    return {cl.key: cl for cl in default_code_lists()}


def test_company_name_last_name_and_source_are_required() -> None:
    for name in ("company_name", "last_name", "source_code"):
        with pytest.raises(DomainError) as e:
            lead(**{name: "  "})
        assert e.value.field == name
    fresh = lead()
    assert fresh.status_code == NEW
    assert not fresh.is_converted


def test_the_corporate_number_is_normalised_and_its_check_digit_validated() -> None:
    spaced = f"{VALID_NUMBER[:1]}-{VALID_NUMBER[1:5]}-{VALID_NUMBER[5:9]}-{VALID_NUMBER[9:]}"
    assert lead(corporate_number=spaced).corporate_number == VALID_NUMBER
    assert lead(corporate_number="").corporate_number is None
    wrong = str((int(VALID_NUMBER[0]) + 1) % 10) + VALID_NUMBER[1:]
    with pytest.raises(DomainError) as e:
        lead(corporate_number=wrong)
    assert e.value.field == "corporate_number"


@pytest.mark.parametrize(("raw", "expected"), [(" Taro@Example.CO.JP ", "taro@example.co.jp"), ("", "")])
def test_email_is_trimmed_and_lower_cased(raw: str, expected: str) -> None:
    assert normalize_email(raw) == expected
    assert lead(email=raw).email == expected


@pytest.mark.parametrize("bad", ["taro", "taro@", "ta ro@example.jp", "@example.jp"])
def test_email_must_look_like_an_address(bad: str) -> None:
    with pytest.raises(DomainError) as e:
        lead(email=bad)
    assert e.value.field == "email"


def test_search_text_folds_kana_and_width() -> None:
    text = lead(company_name="ＡＢＣ商事", company_kana="エービーシーショウジ", last_name="山田",
                last_name_kana="ヤマダ").search_text
    assert "abc商事" in text
    assert "えーびーしーしょうじ" in text
    assert "やまだ" in text


def test_codes_are_checked_against_the_lists() -> None:
    cl = lists()
    lead(status_code="working", industry_code="it", size_code="m").check_codes(cl)
    with pytest.raises(DomainError) as e:
        lead(source_code="fax").check_codes(cl)
    assert e.value.field == "source_code"
    held = lead(source_code="fax")
    held.check_codes(cl, only={"status_code"})  # values not being set are left alone


def test_a_follow_status_needs_a_campaign_and_goes_with_it() -> None:
    with pytest.raises(DomainError) as e:
        lead(campaign_follow_status_code="invited")
    assert e.value.field == "campaign_follow_status_code"
    l1 = lead(campaign_id=uuid.uuid4(), campaign_follow_status_code="invited")
    l1.revise({"campaign_id": None})
    assert l1.campaign_follow_status_code is None


def test_status_converted_is_reserved_for_conversion() -> None:
    with pytest.raises(DomainError) as e:
        lead(status_code=CONVERTED)
    assert e.value.field == "status_code"
    with pytest.raises(DomainError):
        lead().revise({"status_code": CONVERTED})
    with pytest.raises(DomainError):
        lead().revise({"converted_account_id": uuid.uuid4()})


def test_score_is_not_negative() -> None:
    assert lead(score=0).score == 0
    with pytest.raises(DomainError) as e:
        lead(score=-1)
    assert e.value.field == "score"


statuses = st.sampled_from(["new", "working", "qualified", "unqualified", CONVERTED])


class LeadLifecycle(RuleBasedStateMachine):
    """Random edits, status changes and conversions: conversion happens once, and afterwards the
    status and the links never change again."""

    def __init__(self) -> None:
        super().__init__()
        self.lead = lead()
        self.links: tuple[Any, ...] | None = None

    @rule(status=statuses)
    def set_status(self, status: str) -> None:
        before = self.lead.status_code
        try:
            self.lead.revise({"status_code": status})
        except DomainError:
            assert status == CONVERTED or self.lead.is_converted
            assert self.lead.status_code == before
            if self.lead.is_converted:
                assert status != before
        else:
            assert status != CONVERTED or before == CONVERTED

    @rule(name=st.sampled_from(["山田", "佐藤", ""]), notes=st.text(max_size=20))
    def edit(self, name: str, notes: str) -> None:
        if name:
            self.lead.revise({"last_name": name, "notes": notes})
            assert self.lead.last_name == name
        else:
            with pytest.raises(DomainError, match="required"):
                self.lead.revise({"last_name": name, "notes": notes})

    @precondition(lambda self: self.links is None)
    @rule()
    def convert(self) -> None:
        account, person = uuid.uuid4(), uuid.uuid4()
        self.lead.convert(account_id=account, person_id=person, at=NOW)
        self.links = (account, person, NOW)

    @precondition(lambda self: self.links is not None)
    @rule()
    def convert_again(self) -> None:
        with pytest.raises(LeadAlreadyConverted):
            self.lead.convert(account_id=uuid.uuid4(), person_id=uuid.uuid4(), at=NOW + timedelta(days=1))

    @invariant()
    def converted_exactly_when_linked(self) -> None:
        links = (self.lead.converted_account_id, self.lead.converted_person_id, self.lead.converted_at)
        if self.links is None:
            assert not self.lead.is_converted
            assert links == (None, None, None)
        else:
            assert self.lead.is_converted
            assert self.lead.status_code == CONVERTED
            assert links == self.links


TestLeadLifecycle = LeadLifecycle.TestCase


def test_an_action_needs_a_date_and_a_kind_or_description() -> None:
    with pytest.raises(DomainError) as e:
        LeadAction(id=uuid.uuid4(), lead_id=uuid.uuid4(), action_on=date(2026, 12, 1), created_at=NOW)
    assert e.value.field == "description"
    action = LeadAction(id=uuid.uuid4(), lead_id=uuid.uuid4(), action_on=date(2026, 12, 1), kind_code="call",
                        created_at=NOW)
    action.check_codes(lists()["activity_kind"])
    action.mark_done()
    assert action.is_done
    action.revise({"is_done": False, "action_on": date(2026, 12, 3), "description": " 再電話 "})
    assert (action.is_done, action.action_on, action.description) == (False, date(2026, 12, 3), "再電話")
    with pytest.raises(DomainError):
        action.revise({"lead_id": uuid.uuid4()})
    with pytest.raises(DomainError):
        action.revise({"kind_code": None, "description": ""})
    assert action.kind_code == "call"
