"""Several registries asked in the configured order (offline first, then the online APIs where configured),
as one `CorporateRegistry`. A source that cannot answer is skipped; only when every source asked failed
does the caller see the failure (the first one), so the UI can say "registry unreachable, enter manually"."""

from __future__ import annotations

from collections.abc import Sequence

from dps.application.registry.ports import CorporateRecord, CorporateRegistry, RegistrySource, RegistryUnavailable
from dps.application.shared.errors import Invalid, domain_rules
from dps.domain.registry.corporate_number import CorporateNumber


class RegistryChain:
    """`by_numbers` asks each source only for the numbers the earlier ones did not know; `search_name`
    takes the first non-empty answer. Stateless, so one chain serves concurrent requests."""

    def __init__(self, sources: Sequence[CorporateRegistry]) -> None:
        self.sources = tuple(sources)

    @property
    def source(self) -> RegistrySource:
        """The first source's (the chain answers as its preferred source)."""
        return self.sources[0].source if self.sources else RegistrySource.OFFLINE

    def by_numbers(self, numbers: Sequence[str]) -> Sequence[CorporateRecord]:
        with domain_rules():
            wanted = list(dict.fromkeys(CorporateNumber.parse(n).value for n in numbers))
        self._require_sources()
        found: dict[str, CorporateRecord] = {}
        errors: list[RegistryUnavailable] = []
        answered = False
        for registry in self.sources:
            missing = [n for n in wanted if n not in found]
            if not missing:
                break
            try:
                records = registry.by_numbers(missing)
            except RegistryUnavailable as e:
                errors.append(e)
                continue
            answered = True
            for record in records:
                if record.corporate_number in missing and record.corporate_number not in found:
                    found[record.corporate_number] = record
        if wanted and not answered:
            raise errors[0]
        return [found[n] for n in wanted if n in found]

    def search_name(self, name: str, *, limit: int = 20) -> Sequence[CorporateRecord]:
        if not name.strip():
            raise Invalid.field("name", "法人名を入力してください / enter a name")
        self._require_sources()
        errors: list[RegistryUnavailable] = []
        answered = False
        for registry in self.sources:
            try:
                records = registry.search_name(name, limit=limit)
            except RegistryUnavailable as e:
                errors.append(e)
                continue
            answered = True
            if records:
                return list(records)[:limit]
        if not answered:
            raise errors[0]
        return []

    def _require_sources(self) -> None:
        if not self.sources:
            raise RegistryUnavailable(RegistrySource.OFFLINE, "not_configured",
                                      "法人番号の照会先が設定されていません。手入力してください / "
                                      "no corporate registry is configured, enter manually")
