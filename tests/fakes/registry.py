"""An in-memory CorporateRegistry for tests of the registry's use cases, pages and API."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from attrs import define, field

from dps.application.registry.ports import CorporateRecord, RegistrySource, RegistryUnavailable


@define
class FakeRegistry:
    """Answers from `records` (by number; by name: the records whose name contains it) and remembers what
    it was asked; `down` makes every call a RegistryUnavailable with `reason`."""

    records: list[CorporateRecord] = field(factory=list)
    down: bool = False
    reason: str = "unreachable"
    asked: list[tuple[str, object]] = field(factory=list)
    source: RegistrySource = RegistrySource.OFFLINE

    def _check(self) -> None:
        if self.down:
            raise RegistryUnavailable(RegistrySource.NTA, self.reason,
                                      "法人番号システムに接続できません / the NTA Web-API is unreachable")

    def by_numbers(self, numbers: Sequence[str]) -> Sequence[CorporateRecord]:
        self.asked.append(("numbers", tuple(numbers)))
        self._check()
        return [r for r in self.records if r.corporate_number in numbers]

    def search_name(self, name: str, *, limit: int = 20) -> Sequence[CorporateRecord]:
        self.asked.append(("name", (name, limit)))
        self._check()
        return [r for r in self.records if name in r.name][:limit]


def sample_record(**overrides: object) -> CorporateRecord:
    """株式会社サンプル (5010001008846) in 東京都千代田区, with its English name."""
    values: dict[str, object] = {
        "corporate_number": "5010001008846", "name": "株式会社サンプル", "source": RegistrySource.OFFLINE,
        "furigana": "サンプル", "prefecture": "東京都", "city": "千代田区", "street": "丸の内１丁目１－１",
        "postal_code": "1000005", "en_name": "Sample Co., Ltd.",
    }
    return CorporateRecord(**{**values, **overrides})  # type: ignore[arg-type]


SAMPLE_NUMBER = "5010001008846"
CLOSED_NUMBER = "7000012050002"


def sample_registry() -> FakeRegistry:
    """A live corporation and a closed one merged into it (the screens' and the API's examples)."""
    return FakeRegistry([
        sample_record(),
        sample_record(corporate_number=CLOSED_NUMBER, name="旧サンプル株式会社", furigana="キュウサンプル",
                      close_date=date(2023, 3, 31), close_cause="11", successor_number=SAMPLE_NUMBER),
    ])
