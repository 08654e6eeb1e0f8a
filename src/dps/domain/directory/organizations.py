"""組織 Organisation: a unit in a company's tree whose name and parent change over time.

An organisation is a sequence of contiguous versions; renaming, moving or closing it from a
date splits the version in force on that date, so history stays as it was.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import date

from attrs import define, evolve, field, frozen

from dps.domain.directory.codes import validate_code, validate_name
from dps.domain.shared.errors import DomainError
from dps.domain.shared.ids import CompanyId, OrganizationId
from dps.domain.shared.periods import Period


@frozen
class OrgVersion:
    """What the organisation is called and where it hangs during `period`."""

    period: Period
    name: str
    parent_id: OrganizationId | None
    kana: str = ""
    sort_key: int = 0


@define(eq=False)
class Organization:
    id: OrganizationId
    company_id: CompanyId
    code: str = field(converter=validate_code)
    versions: list[OrgVersion] = field(factory=list)
    version: int = 1

    @classmethod
    def open(
        cls,
        id: OrganizationId,
        company_id: CompanyId,
        code: str,
        name: str,
        *,
        parent_id: OrganizationId | None,
        valid_from: date,
        kana: str = "",
        sort_key: int = 0,
    ) -> Organization:
        first = OrgVersion(Period(valid_from), validate_name(name), parent_id, kana, sort_key)
        return cls(id=id, company_id=company_id, code=code, versions=[first])

    @property
    def valid_from(self) -> date:
        return self.versions[0].period.start

    @property
    def valid_to(self) -> date | None:
        return self.versions[-1].period.end

    @property
    def span(self) -> Period:
        return Period(self.valid_from, self.valid_to)

    def version_at(self, day: date) -> OrgVersion | None:
        for v in self.versions:
            if v.period.contains(day):
                return v
        return None

    def is_valid_at(self, day: date) -> bool:
        return self.version_at(day) is not None

    def parent_at(self, day: date) -> OrganizationId | None:
        v = self.version_at(day)
        return v.parent_id if v else None

    def change_points(self) -> Iterator[date]:
        for v in self.versions:
            yield v.period.start

    def rename(self, name: str, *, effective_from: date, kana: str | None = None) -> None:
        """From `effective_from` on (including already scheduled later versions) the name is `name`."""
        name = validate_name(name)
        self._change_from(effective_from, lambda v: evolve(v, name=name, kana=v.kana if kana is None else kana))

    def move(self, parent_id: OrganizationId | None, *, effective_from: date) -> None:
        """Hang the organisation under `parent_id` from `effective_from` on; the tree checks cycles."""
        if parent_id == self.id:
            raise DomainError("an organisation cannot be its own parent", field="parent_id")
        self._change_from(effective_from, lambda v: evolve(v, parent_id=parent_id))

    def close(self, *, effective_from: date) -> None:
        """The organisation ceases to exist on `effective_from` (that day is the first without it)."""
        if effective_from <= self.valid_from:
            raise DomainError("an organisation cannot close on or before the day it opens", field="effective_from")
        kept: list[OrgVersion] = []
        for v in self.versions:
            if v.period.start >= effective_from:
                continue
            if v.period.contains(effective_from):
                v = evolve(v, period=v.period.ending(effective_from))
            kept.append(v)
        self.versions = kept

    def _change_from(self, day: date, change: Callable[[OrgVersion], OrgVersion]) -> None:
        if not self.span.contains(day):
            raise DomainError(
                f"organisation '{self.code}' does not exist on {day.isoformat()}", field="effective_from"
            )
        new: list[OrgVersion] = []
        for v in self.versions:
            if v.period.contains(day) and v.period.start < day:
                before, after = v.period.split_at(day)
                new.append(evolve(v, period=before))
                new.append(change(evolve(v, period=after)))
            elif v.period.start >= day:
                new.append(change(v))
            else:
                new.append(v)
        self.versions = _merge_equal_neighbours(new)


def _merge_equal_neighbours(versions: list[OrgVersion]) -> list[OrgVersion]:
    merged: list[OrgVersion] = []
    for v in versions:
        if merged:
            last = merged[-1]
            if evolve(last, period=v.period) == v and last.period.end == v.period.start:
                merged[-1] = evolve(last, period=Period(last.period.start, v.period.end))
                continue
        merged.append(v)
    return merged
