"""One module per kind of sheet; `KINDS` names them for the use cases, the CLI and the web screens."""

from __future__ import annotations

from collections.abc import Callable

from dps.application.transfer.kinds.accounts import AccountsKind
from dps.application.transfer.kinds.base import TransferKind
from dps.application.transfer.kinds.products import ProductsKind
from dps.application.transfer.kinds.users import UsersKind

KINDS: dict[str, Callable[[], TransferKind]] = {
    "accounts": AccountsKind,
    "users": UsersKind,
    "products": ProductsKind,
}
"""Kind name -> a fresh handler (one per import: a handler keeps state while it prepares a file)."""
