"""Code lists: a value is accepted only while it exists and is active; defaults are well-formed."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from dps.domain.catalog.code_lists import CodeList, CodeValue
from dps.domain.catalog.defaults import default_code_lists
from dps.domain.shared.errors import DomainError

codes = st.from_regex(r"[a-z0-9][a-z0-9_]{0,7}", fullmatch=True)


@given(present=st.sets(codes, min_size=1, max_size=8), probe=codes, inactive=st.sets(codes, max_size=4))
def test_validate_accepts_exactly_the_active_values(present: set[str], probe: str, inactive: set[str]) -> None:
    code_list = CodeList(key="stage", values=[CodeValue(code=c, label_ja=c) for c in sorted(present)])
    for c in inactive & present:
        code_list.deactivate(c)
    accepted = probe in present and probe not in inactive
    if accepted:
        assert code_list.validate(probe).code == probe
    else:
        with pytest.raises(DomainError) as err:
            code_list.validate(probe, field_name="stage_code")
        assert err.value.field == "stage_code"
        assert probe in str(err.value)
    assert [v.code for v in code_list.active()] == sorted(present - inactive)


def test_duplicate_code_is_refused() -> None:
    code_list = CodeList(key="kind", values=[CodeValue(code="a", label_ja="A")])
    with pytest.raises(DomainError):
        code_list.add(CodeValue(code="a", label_ja="again"))


@pytest.mark.parametrize("probability", [-1, 101])
def test_probability_is_a_percentage(probability: int) -> None:
    with pytest.raises(DomainError):
        CodeValue(code="A", label_ja="A", probability=probability)


def test_defaults_cover_the_sales_picklists_with_unique_codes() -> None:
    lists = {cl.key: cl for cl in default_code_lists()}
    for key in ("opportunity_stage", "certainty", "activity_kind", "account_type", "transaction_status",
                "lead_status", "lead_source", "campaign_kind", "budget_kind"):
        assert lists[key].active(), key
        codes_ = [v.code for v in lists[key].values]
        assert len(codes_) == len(set(codes_)), key
    assert all(v.probability is not None for v in lists["certainty"].values)
