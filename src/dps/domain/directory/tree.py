"""The organisation tree of one company, checked as a whole: a change to one node must keep it a tree."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date

from attrs import define

from dps.domain.directory.companies import Company
from dps.domain.directory.organizations import Organization
from dps.domain.shared.errors import DomainError
from dps.domain.shared.ids import OrganizationId


@define
class OrgTree:
    """All organisations of `company`; `check` enforces the rules a change must keep."""

    company: Company
    organizations: dict[OrganizationId, Organization]

    @classmethod
    def of(cls, company: Company, organizations: Iterable[Organization]) -> OrgTree:
        return cls(company, {o.id: o for o in organizations})

    def put(self, org: Organization) -> None:
        """Add or replace `org` after checking every rule; on error the tree is unchanged."""
        candidate = dict(self.organizations)
        candidate[org.id] = org
        _check(self.company, candidate, org)
        self.organizations = candidate

    def parents_at(self, day: date) -> dict[OrganizationId, OrganizationId | None]:
        return parents_at(self.organizations.values(), day)


def parents_at(organizations: Iterable[Organization], day: date) -> dict[OrganizationId, OrganizationId | None]:
    """The parent of every organisation valid on `day` (None for the company's top level)."""
    out: dict[OrganizationId, OrganizationId | None] = {}
    for o in organizations:
        v = o.version_at(day)
        if v is not None:
            out[o.id] = v.parent_id
    return out


def _check(company: Company, orgs: Mapping[OrganizationId, Organization], changed: Organization) -> None:
    if changed.company_id != company.id:
        raise DomainError("organisation belongs to another company", field="company_id")
    if changed.valid_from < company.valid_from:
        raise DomainError(
            f"organisation '{changed.code}' cannot start ({changed.valid_from.isoformat()}) before its "
            f"company '{company.code}' exists ({company.valid_from.isoformat()})",
            field="valid_from",
        )
    # Parents must exist over the whole of each version that hangs under them, and so must
    # the children of the changed organisation (a close may strand them).
    for org in orgs.values():
        if org.id != changed.id and changed.id not in {v.parent_id for v in org.versions}:
            continue
        for v in org.versions:
            if v.parent_id is None:
                continue
            parent = orgs.get(v.parent_id)
            if parent is None:
                raise DomainError("parent organisation does not exist in this company", field="parent_id")
            if not parent.span.covers(v.period):
                raise DomainError(
                    f"organisation '{org.code}' would hang under '{parent.code}' on days when "
                    f"'{parent.code}' does not exist",
                    field="parent_id" if org.id == changed.id else "effective_from",
                )
    # No cycles at any date where any organisation changes.
    days = sorted({d for o in orgs.values() for d in o.change_points()})
    for day in days:
        parent_of = parents_at(orgs.values(), day)
        _assert_acyclic(parent_of, day)


def _assert_acyclic(parent_of: Mapping[OrganizationId, OrganizationId | None], day: date) -> None:
    done: set[OrganizationId] = set()
    for start in parent_of:
        path: list[OrganizationId] = []
        on_path: set[OrganizationId] = set()
        node: OrganizationId | None = start
        while node is not None and node not in done:
            if node in on_path:
                raise DomainError(
                    f"the move would make a cycle in the organisation tree on {day.isoformat()}",
                    field="parent_id",
                )
            on_path.add(node)
            path.append(node)
            node = parent_of.get(node)
        done.update(path)
