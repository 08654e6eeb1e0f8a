"""One module per kind of sheet; `KINDS` names them for the use cases, the CLI and the web screens."""

from __future__ import annotations

from collections.abc import Callable

from dps.application.transfer.kinds.account_groups import AccountGroupsKind
from dps.application.transfer.kinds.accounts import AccountsKind
from dps.application.transfer.kinds.activities import ActivitiesKind
from dps.application.transfer.kinds.base import TransferKind
from dps.application.transfer.kinds.cards import CardsKind
from dps.application.transfer.kinds.opportunities import OpportunitiesKind
from dps.application.transfer.kinds.persons import PersonsKind
from dps.application.transfer.kinds.product_categories import ProductCategoriesKind
from dps.application.transfer.kinds.products import ProductsKind
from dps.application.transfer.kinds.sales_results import SalesResultsKind
from dps.application.transfer.kinds.users import UsersKind

KINDS: dict[str, Callable[[], TransferKind]] = {
    "accounts": AccountsKind,
    "users": UsersKind,
    "products": ProductsKind,
    "persons": PersonsKind,
    "cards": CardsKind,
    "account-groups": AccountGroupsKind,
    "product-categories": ProductCategoriesKind,
    "opportunities": OpportunitiesKind,
    "activities": ActivitiesKind,
    "sales-results": SalesResultsKind,
}
"""Kind name -> a fresh handler (one per import: a handler keeps state while it prepares a file)."""
