"""In-memory stand-ins for the transfer ports: a row source, sinks that keep what is written, a product
store whose writes become visible only on commit, and a unit of work that rolls back on exit. Enough
to test the import algorithm (modes, duplicates, all-or-nothing, batches) without files or a database."""

from __future__ import annotations

import uuid
from collections.abc import Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any

from dps.application.shared.errors import Conflict
from dps.application.transfer.ports import SourceRow, UnreadableFile
from dps.application.transfer.schema import SheetSchema
from dps.domain.catalog.code_lists import CodeList, CodeValue
from dps.domain.sales.products import Product
from dps.domain.shared.ids import TenantId
from dps.domain.tenancy.tenants import Tenant


class FakeSource:
    def __init__(self, columns: Sequence[str | None], rows: Sequence[Sequence[Any]]) -> None:
        self.columns = list(columns)
        self.headers = [c or "?" for c in columns]
        self._rows = [SourceRow(number=i + 2, cells=tuple(r)) for i, r in enumerate(rows)]
        self.reads = 0

    def rows(self) -> Iterator[SourceRow]:
        self.reads += 1
        yield from self._rows


class FakeSources:
    """`open(path)` gives the FakeSource registered for that path (paths need not exist unless batch
    mode stamps the checkpoint with the file's size and time)."""

    def __init__(self) -> None:
        self.files: dict[Path, FakeSource] = {}

    def add(self, path: Path, columns: Sequence[str | None], rows: Sequence[Sequence[Any]]) -> FakeSource:
        self.files[path] = src = FakeSource(columns, rows)
        return src

    def open(self, path: Path, schema: SheetSchema, *, encoding: str | None = None) -> FakeSource:
        if path not in self.files:
            raise UnreadableFile("no such file")
        return self.files[path]


class FakeSink:
    def __init__(self, headers: Sequence[str] = ()) -> None:
        self.headers = list(headers)
        self.rows: list[list[Any]] = []
        self.closed = False
        self.schema: SheetSchema | None = None

    def write_header(self, schema: SheetSchema, *, english_first: bool = False) -> None:
        self.schema = schema

    def write_row(self, values: Sequence[Any]) -> None:
        self.rows.append(list(values))

    def close(self) -> None:
        self.closed = True


class FakeSinks:
    def __init__(self) -> None:
        self.written: dict[Path, FakeSink] = {}
        self.choices: dict[Path, Any] = {}

    def export(self, path: Path, schema: SheetSchema, *, code_choices: dict[str, Sequence[str]] | None = None
               ) -> FakeSink:
        self.written[path] = sink = FakeSink()
        self.choices[path] = code_choices
        return sink

    def error_report(self, path: Path, headers: Sequence[str], *, keys: Sequence[str | None] | None = None
                     ) -> FakeSink:
        self.written[path] = sink = FakeSink(headers)
        return sink


class FakeProductStore:
    """Committed products by id; `pending` writes of the open transaction. `fail_on_insert` makes the
    n-th insert call raise (a crash in the middle of a batched import)."""

    def __init__(self) -> None:
        self.committed: dict[uuid.UUID, Product] = {}
        self.pending: dict[uuid.UUID, Product] = {}
        self.insert_calls = 0
        self.fail_on_insert: int | None = None

    def _all(self) -> dict[uuid.UUID, Product]:
        return {**self.committed, **self.pending}

    def by_codes(self, codes: Any) -> dict[str, Product]:
        return {p.code: _copy(p) for p in self._all().values() if p.code in set(codes)}

    def by_ids(self, ids: Any) -> dict[uuid.UUID, Product]:
        return {i: _copy(p) for i, p in self._all().items() if i in set(ids)}

    def insert(self, items: Sequence[Product]) -> None:
        self.insert_calls += 1
        if self.fail_on_insert == self.insert_calls:
            raise RuntimeError("disk full")
        for p in items:
            if p.code in {q.code for q in self._all().values()}:
                raise Conflict("code taken")
            self.pending[p.id] = _copy(p)

    def update(self, items: Sequence[tuple[Product, int]]) -> None:
        for p, v in items:
            current = self._all()[p.id]
            if current.version != v:
                raise Conflict("changed")
            p.version = v + 1
            self.pending[p.id] = _copy(p)

    def stream(self, filters: Mapping[str, str], page_size: int = 1000) -> Iterator[Product]:
        yield from sorted(self.committed.values(), key=lambda p: p.code)

    def commit(self) -> None:
        self.committed.update(self.pending)
        self.pending.clear()

    def rollback(self) -> None:
        self.pending.clear()


def _copy(p: Product) -> Product:
    return Product(id=p.id, code=p.code, name=p.name, kana=p.kana, category_code=p.category_code, unit=p.unit,
                   standard_price=p.standard_price, cost=p.cost, is_active=p.is_active,
                   description=p.description, created_at=p.created_at, updated_at=p.updated_at, version=p.version)


class FakeCodeLists:
    def __init__(self, lists: Sequence[CodeList]) -> None:
        self._lists = {c.key: c for c in lists}

    def get(self, key: str) -> CodeList | None:
        return self._lists.get(key)

    def list(self) -> list[CodeList]:
        return list(self._lists.values())


class FakeUow:
    def __init__(self, tenant: Tenant, store: FakeProductStore) -> None:
        self._tenant = tenant
        self.store = store
        self.code_lists = FakeCodeLists([CodeList(key="product_category", values=[
            CodeValue(code="HW", label_ja="ハードウェア", label_en="Hardware"),
            CodeValue(code="SW", label_ja="ソフトウェア", label_en="Software")])])
        self.commits = 0

    def __enter__(self) -> FakeUow:
        return self

    def __exit__(self, *exc: object) -> None:
        self.store.rollback()

    def commit(self) -> None:
        self.commits += 1
        self.store.commit()

    def tenant(self) -> Tenant:
        return self._tenant


class FakeStores:
    def __init__(self, products: FakeProductStore) -> None:
        self._products = products

    def products(self, uow: Any) -> FakeProductStore:
        return self._products

    def directory(self, uow: Any) -> Any:
        raise NotImplementedError

    def accounts(self, uow: Any) -> Any:
        raise NotImplementedError

    def users(self, uow: Any) -> Any:
        raise NotImplementedError


def fake_tenant() -> Tenant:
    return Tenant(id=TenantId(uuid.uuid4()), code="acme", name="ACME")
