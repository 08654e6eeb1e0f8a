"""RegistryChain with in-memory registries: later sources are asked only for what is still missing, the
first non-empty search wins, failing sources are skipped, and only an all-failed chain raises."""

from __future__ import annotations

from collections.abc import Sequence

import pytest
from hypothesis import given
from hypothesis import strategies as st

from dps.application.registry.chain import RegistryChain
from dps.application.registry.ports import CorporateRecord, RegistrySource, RegistryUnavailable
from dps.application.shared.errors import Invalid
from dps.domain.registry.corporate_number import CorporateNumber

NUMBERS = [CorporateNumber.from_base(f"0100012345{i:02d}").value for i in range(8)]


class MemoryRegistry:
    """Knows some numbers (names say which source answered), or fails every call; records what it was asked."""

    def __init__(self, source: RegistrySource, known: Sequence[str] = (), *, names: Sequence[str] = (),
                 failing: bool = False) -> None:
        self.source = source
        self.known = {n: CorporateRecord(n, f"{source.value}-{n}", source) for n in known}
        self.names = [CorporateRecord(NUMBERS[0], name, source) for name in names]
        self.failing = failing
        self.asked: list[list[str]] = []

    def _fail(self) -> None:
        if self.failing:
            raise RegistryUnavailable(self.source, "unreachable", f"{self.source.value} down")

    def by_numbers(self, numbers: Sequence[str]) -> Sequence[CorporateRecord]:
        self.asked.append(list(numbers))
        self._fail()
        return [self.known[n] for n in numbers if n in self.known]

    def search_name(self, name: str, *, limit: int = 20) -> Sequence[CorporateRecord]:
        self.asked.append([name])
        self._fail()
        return self.names[:limit]


def test_later_sources_are_asked_only_for_missing_numbers() -> None:
    offline = MemoryRegistry(RegistrySource.OFFLINE, NUMBERS[:2])
    nta = MemoryRegistry(RegistrySource.NTA, NUMBERS[1:4])
    gbiz = MemoryRegistry(RegistrySource.GBIZINFO, NUMBERS)

    records = RegistryChain([offline, nta, gbiz]).by_numbers(NUMBERS[:5])

    assert [(r.corporate_number, r.source) for r in records] == [
        (NUMBERS[0], RegistrySource.OFFLINE), (NUMBERS[1], RegistrySource.OFFLINE), (NUMBERS[2], RegistrySource.NTA),
        (NUMBERS[3], RegistrySource.NTA), (NUMBERS[4], RegistrySource.GBIZINFO)]
    assert nta.asked == [NUMBERS[2:5]]
    assert gbiz.asked == [NUMBERS[4:5]]


def test_nothing_more_is_asked_once_everything_is_found() -> None:
    offline = MemoryRegistry(RegistrySource.OFFLINE, NUMBERS)
    nta = MemoryRegistry(RegistrySource.NTA, NUMBERS)
    assert len(RegistryChain([offline, nta]).by_numbers(NUMBERS[:3])) == 3
    assert nta.asked == []


def test_numbers_are_validated_and_normalised_first() -> None:
    offline = MemoryRegistry(RegistrySource.OFFLINE, NUMBERS)
    with pytest.raises(Invalid) as caught:
        RegistryChain([offline]).by_numbers(["1234567890123"])
    assert "corporate_number" in caught.value.errors
    assert offline.asked == []
    RegistryChain([offline]).by_numbers([f"T{NUMBERS[0]}", NUMBERS[0]])
    assert offline.asked == [[NUMBERS[0]]]


def test_a_failing_source_is_skipped() -> None:
    nta = MemoryRegistry(RegistrySource.NTA, failing=True)
    gbiz = MemoryRegistry(RegistrySource.GBIZINFO, NUMBERS[:1])
    chain = RegistryChain([nta, gbiz])
    assert [r.source for r in chain.by_numbers(NUMBERS[:2])] == [RegistrySource.GBIZINFO]
    assert [r.source for r in chain.search_name("x")] == []  # gbiz answered (empty): not a failure


def test_when_every_source_fails_the_first_error_is_raised() -> None:
    chain = RegistryChain([MemoryRegistry(RegistrySource.NTA, failing=True),
                           MemoryRegistry(RegistrySource.GBIZINFO, failing=True)])
    with pytest.raises(RegistryUnavailable) as caught:
        chain.by_numbers(NUMBERS[:1])
    assert caught.value.source is RegistrySource.NTA
    with pytest.raises(RegistryUnavailable) as caught:
        chain.search_name("サンプル")
    assert caught.value.source is RegistrySource.NTA


def test_an_empty_chain_is_not_configured() -> None:
    with pytest.raises(RegistryUnavailable) as caught:
        RegistryChain([]).search_name("サンプル")
    assert caught.value.reason == "not_configured"
    assert RegistryChain([]).source is RegistrySource.OFFLINE


def test_search_takes_the_first_non_empty_answer() -> None:
    offline = MemoryRegistry(RegistrySource.OFFLINE)
    nta = MemoryRegistry(RegistrySource.NTA, failing=True)
    gbiz = MemoryRegistry(RegistrySource.GBIZINFO, names=["a", "b", "c"])
    last = MemoryRegistry(RegistrySource.NTA, names=["z"])
    chain = RegistryChain([offline, nta, gbiz, last])
    assert [r.name for r in chain.search_name("サンプル", limit=2)] == ["a", "b"]
    assert last.asked == []
    assert chain.source is RegistrySource.OFFLINE
    with pytest.raises(Invalid):
        chain.search_name("  ")


_SOURCES = [RegistrySource.OFFLINE, RegistrySource.NTA, RegistrySource.GBIZINFO]


@given(st.lists(st.tuples(st.sets(st.sampled_from(NUMBERS)), st.booleans()), min_size=1, max_size=3),
       st.lists(st.sampled_from(NUMBERS), max_size=8))
def test_the_merge_rule(setup: list[tuple[set[str], bool]], wanted: list[str]) -> None:
    """Each number comes from the first working source that knows it; each source is asked exactly the
    numbers no earlier working source knew (and only if any were left); all failing raises."""
    sources = [MemoryRegistry(_SOURCES[i], sorted(known), failing=failing)
               for i, (known, failing) in enumerate(setup)]
    distinct = list(dict.fromkeys(wanted))
    chain = RegistryChain(sources)

    expected: dict[str, RegistrySource] = {}
    asked_expected: list[list[list[str]]] = []
    answered = False
    for registry, (known, failing) in zip(sources, setup, strict=True):
        missing = [n for n in distinct if n not in expected]
        asked_expected.append([missing] if missing else [])
        if not missing or failing:
            continue
        answered = True
        expected.update({n: registry.source for n in missing if n in known})

    if distinct and not answered:
        with pytest.raises(RegistryUnavailable) as caught:
            chain.by_numbers(wanted)
        assert caught.value.source is next(s.source for s in sources if s.failing)
    else:
        records = chain.by_numbers(wanted)
        assert [(r.corporate_number, r.source) for r in records] == [
            (n, expected[n]) for n in distinct if n in expected]
    assert [s.asked for s in sources] == asked_expected
