"""The local file store: per-tenant directories, server-made keys only, atomic writes, the size limit."""

from __future__ import annotations

import io
from pathlib import Path
from uuid import UUID

import pytest

from dps.adapters.files.local import LocalFileStore
from dps.application.sales.files import new_storage_key
from dps.application.shared.errors import Invalid, NotFound
from dps.domain.shared.ids import TenantId

ACME = TenantId(UUID("0190a4c8-0000-7000-8000-000000000001"))
OTHER = TenantId(UUID("0190a4c8-0000-7000-8000-000000000002"))


class Trickle(io.RawIOBase):
    """A source that yields `total` bytes in small pieces and counts how much was pulled."""

    def __init__(self, total: int, piece: int = 1000) -> None:
        self.left, self.piece, self.pulled = total, piece, 0

    def readable(self) -> bool:
        return True

    def read(self, size: int = -1, /) -> bytes:
        n = min(self.left, self.piece if size < 0 else min(size, self.piece))
        self.left -= n
        self.pulled += n
        return b"x" * n


def files_under(root: Path) -> list[Path]:
    return [p for p in root.rglob("*") if p.is_file()]


def test_put_open_delete_round_trip_per_tenant(tmp_path: Path) -> None:
    store = LocalFileStore(tmp_path)
    key = new_storage_key()
    assert store.put(ACME, key, io.BytesIO("見積書".encode() * 1000), max_bytes=1 << 20) == 9000

    with store.open(ACME, key) as f:
        assert f.read() == "見積書".encode() * 1000
    assert store.path_of(ACME, key).parent.parent == tmp_path / str(ACME)
    with pytest.raises(NotFound):
        store.open(OTHER, key)  # another tenant's directory holds nothing under that key

    store.delete(ACME, key)
    store.delete(ACME, key)  # twice is fine
    with pytest.raises(NotFound):
        store.open(ACME, key)
    assert files_under(tmp_path) == []


def test_more_than_max_bytes_stops_reading_and_leaves_nothing(tmp_path: Path) -> None:
    store = LocalFileStore(tmp_path)
    source = Trickle(10_000_000)
    with pytest.raises(Invalid) as e:
        store.put(ACME, new_storage_key(), source, max_bytes=5_000)
    assert e.value.errors == {"file": "larger than 5000 bytes"}
    assert source.pulled <= 6_000  # stopped at the first piece past the limit, not at the end
    assert files_under(tmp_path) == []


def test_exactly_max_bytes_is_accepted(tmp_path: Path) -> None:
    store = LocalFileStore(tmp_path)
    key = new_storage_key()
    assert store.put(ACME, key, Trickle(5_000), max_bytes=5_000) == 5_000
    assert [p.name for p in files_under(tmp_path)] == [key]


def test_a_failing_source_leaves_no_temporary_file(tmp_path: Path) -> None:
    class Broken(io.RawIOBase):
        def read(self, size: int = -1, /) -> bytes:
            raise OSError("connection lost")

    with pytest.raises(OSError, match="connection lost"):
        LocalFileStore(tmp_path).put(ACME, new_storage_key(), Broken(), max_bytes=100)
    assert files_under(tmp_path) == []


@pytest.mark.parametrize("key", [
    "../../etc/passwd", "..", "", "a" * 31, "A" * 32, "g" * 32, "/" + "a" * 31, "見積書.pdf", "a" * 31 + "/",
    "0" * 16 + "\0" + "0" * 15,
])
def test_keys_of_any_other_shape_are_refused(tmp_path: Path, key: str) -> None:
    store = LocalFileStore(tmp_path)
    with pytest.raises(ValueError, match="storage key"):
        store.put(ACME, key, io.BytesIO(b"x"), max_bytes=10)
    with pytest.raises(ValueError, match="storage key"):
        store.open(ACME, key)
    with pytest.raises(ValueError, match="storage key"):
        store.delete(ACME, key)
    assert files_under(tmp_path) == []


def test_new_keys_are_distinct_hex() -> None:
    keys = {new_storage_key() for _ in range(1000)}
    assert len(keys) == 1000
    assert all(len(k) == 32 and int(k, 16) >= 0 for k in keys)
