"""Request-scoped reads: inside `shared_reads()` a read-only unit of work takes the tenant row an earlier
read-only unit of work of the same request read (no second round trip); units of work that write read
their own, and a commit makes the next reader read again. Outside a request nothing is shared."""

from __future__ import annotations

from contextlib import AbstractContextManager

import sqlalchemy as sa

from dps.adapters.db.tables.tenancy import tenants
from dps.adapters.db.unit_of_work import SqlUnitOfWork
from dps.application.shared.request_reads import current_reads, shared_reads
from dps.domain.tenancy.tenants import Tenant
from tests.integration.conftest import statements_sent


def tenant_reads(engine: sa.Engine) -> AbstractContextManager[list[str]]:
    """The statements that read the tenants table while the block runs."""
    return statements_sent(engine, lambda s: s.lstrip().upper().startswith("SELECT") and "FROM tenants" in s)


def rename(engine: sa.Engine, tenant: Tenant, name: str) -> None:
    """A change made elsewhere (another process, another request)."""
    with engine.begin() as conn:
        conn.execute(tenants.update().where(tenants.c.id == tenant.id).values(name=name))


def read_name(engine: sa.Engine, tenant: Tenant, *, read_only: bool = True) -> str:
    with SqlUnitOfWork(engine, tenant.id, read_only=read_only) as uow:
        return uow.tenant().name


def test_readers_of_one_request_share_the_tenant_row(engine: sa.Engine, tenant: Tenant) -> None:
    with shared_reads(), tenant_reads(engine) as reads:
        first = read_name(engine, tenant)
        rename(engine, tenant, "別の名前")
        assert read_name(engine, tenant) == first  # the row this request already read
    assert len(reads) == 1
    assert read_name(engine, tenant) == "別の名前"  # outside a request: read anew
    assert current_reads() is None


def test_without_a_request_every_reader_reads(engine: sa.Engine, tenant: Tenant) -> None:
    with tenant_reads(engine) as reads:
        read_name(engine, tenant)
        read_name(engine, tenant)
    assert len(reads) == 2


def test_a_writer_reads_its_own_row_and_leaves_none(engine: sa.Engine, tenant: Tenant) -> None:
    with shared_reads() as shared:
        read_name(engine, tenant)
        rename(engine, tenant, "変更後")
        assert read_name(engine, tenant, read_only=False) == "変更後"
        assert shared.tenants[tenant.id].name != "変更後"  # a writer's read is not offered to readers


def test_a_commit_makes_the_next_reader_read_again(engine: sa.Engine, tenant: Tenant) -> None:
    with shared_reads() as shared:
        assert read_name(engine, tenant) == tenant.name
        with SqlUnitOfWork(engine, tenant.id) as uow:
            uow.conn.execute(tenants.update().where(tenants.c.id == tenant.id).values(name="確定した名前"))
            uow.commit()
        assert not shared.tenants
        assert read_name(engine, tenant) == "確定した名前"

