"""SQL repositories for companies and positions."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from dps.adapters.db.repositories.base import TenantScoped
from dps.adapters.db.tables.directory import companies, positions
from dps.application.directory.ports import CompanyRepository, PositionRepository
from dps.domain.directory.companies import Company
from dps.domain.directory.positions import Position
from dps.domain.shared.ids import CompanyId, PositionId


def _company(r: Any) -> Company:
    return Company(id=r.id, code=r.code, name=r.name, valid_from=r.valid_from, kana=r.kana, version=r.version)


class SqlCompanyRepository(TenantScoped, CompanyRepository):
    def get(self, company_id: CompanyId) -> Company | None:
        r = self._conn.execute(self._select(companies, companies.c.id == company_id)).first()
        return _company(r) if r else None

    def get_by_code(self, code: str) -> Company | None:
        r = self._conn.execute(self._select(companies, companies.c.code == code)).first()
        return _company(r) if r else None

    def list(self) -> Sequence[Company]:
        return [_company(r) for r in self._conn.execute(self._select(companies).order_by(companies.c.code))]

    def add(self, company: Company) -> None:
        self._insert(companies, _company_values(company) | {"id": company.id, "version": 1}, what="company")

    def update(self, company: Company) -> None:
        company.version = self._update_versioned(
            companies, company.id, company.version, _company_values(company), what="company"
        )


def _company_values(c: Company) -> dict[str, Any]:
    return {"code": c.code, "name": c.name, "kana": c.kana, "valid_from": c.valid_from}


def _position(r: Any) -> Position:
    return Position(
        id=r.id, company_id=r.company_id, code=r.code, name=r.name, rank=r.rank, is_manager=r.is_manager,
        version=r.version,
    )


class SqlPositionRepository(TenantScoped, PositionRepository):
    def get(self, position_id: PositionId) -> Position | None:
        r = self._conn.execute(self._select(positions, positions.c.id == position_id)).first()
        return _position(r) if r else None

    def get_by_code(self, company_id: CompanyId, code: str) -> Position | None:
        r = self._conn.execute(
            self._select(positions, positions.c.company_id == company_id, positions.c.code == code)
        ).first()
        return _position(r) if r else None

    def get_many(self, position_ids: Iterable[PositionId]) -> Sequence[Position]:
        ids = list(position_ids)
        if not ids:
            return []
        return [_position(r) for r in self._conn.execute(self._select(positions, positions.c.id.in_(ids)))]

    def list(self) -> Sequence[Position]:
        q = self._select(positions).order_by(positions.c.company_id, positions.c.rank.desc(), positions.c.code)
        return [_position(r) for r in self._conn.execute(q)]

    def add(self, position: Position) -> None:
        self._insert(positions, {
            "id": position.id, "company_id": position.company_id, "code": position.code, "name": position.name,
            "rank": position.rank, "is_manager": position.is_manager, "version": 1,
        }, what="position")
