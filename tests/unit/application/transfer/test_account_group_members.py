"""The members cell of the account-groups sheet: what an export writes (one account per line) reads
back as the same accounts in the same order, and hand-typed separators work too."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from dps.application.transfer.kinds.account_groups import member_refs

labels = st.one_of(st.from_regex(r"\A[0-9]{13}\Z"), st.from_regex(r"\A[A-Za-z0-9][A-Za-z0-9_.-]{0,20}\Z"),
                   st.uuids().map(str))


@given(st.lists(labels, max_size=30))
def test_an_exported_cell_reads_back_as_the_same_accounts(accounts: list[str]) -> None:
    unique = list(dict.fromkeys(accounts))
    assert member_refs("\n".join(unique)) == unique


@given(st.lists(labels, min_size=1, max_size=10), st.sampled_from([",", "、", ";", " , ", "\n\n", "；", "，"]))
def test_hand_typed_separators(accounts: list[str], separator: str) -> None:
    assert member_refs(separator.join(accounts) + separator) == list(dict.fromkeys(accounts))
