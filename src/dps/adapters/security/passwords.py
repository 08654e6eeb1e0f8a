"""argon2id password hashing (memory-hard), through argon2-cffi."""

from __future__ import annotations

from argon2 import PasswordHasher as _Argon2
from argon2.exceptions import InvalidHashError, VerificationError

from dps.application.shared.ports import PasswordHasher


class Argon2PasswordHasher(PasswordHasher):
    """Defaults follow RFC 9106's second recommended profile (64 MiB, 3 passes); tests may lower them."""

    def __init__(self, *, time_cost: int = 3, memory_cost_kib: int = 65536, parallelism: int = 4) -> None:
        self._h = _Argon2(time_cost=time_cost, memory_cost=memory_cost_kib, parallelism=parallelism)

    def hash(self, password: str) -> str:
        return self._h.hash(password)

    def verify(self, password_hash: str, password: str) -> bool:
        try:
            return self._h.verify(password_hash, password)
        except (VerificationError, InvalidHashError):
            return False

    def needs_rehash(self, password_hash: str) -> bool:
        try:
            return self._h.check_needs_rehash(password_hash)
        except InvalidHashError:
            return True
