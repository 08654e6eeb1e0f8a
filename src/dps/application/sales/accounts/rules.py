"""Checks of an account against the tenant's data that the aggregate cannot make alone: code-list values,
the parent (exists, visible, no cycle) and the uniqueness of the 法人番号."""

from __future__ import annotations

from collections.abc import Iterable
from uuid import UUID

from dps.application.sales.access import visible_chain
from dps.application.sales.uow import SalesUnitOfWork
from dps.application.shared.errors import Conflict, Invalid, domain_rules
from dps.domain.sales.accounts import ACCOUNT_CODE_LISTS, Account
from dps.domain.sales.records import RecordType
from dps.domain.visibility.policy import Viewer


def check_codes(uow: SalesUnitOfWork, account: Account, attributes: Iterable[str] = ACCOUNT_CODE_LISTS) -> None:
    """Each given picklist attribute holds an active value of its code list (on update only the changed
    ones are checked, so a value retired since does not block unrelated edits)."""
    for attribute in attributes:
        list_key = ACCOUNT_CODE_LISTS.get(attribute)
        value = getattr(account, attribute, None)
        if list_key is None or value is None:
            continue
        code_list = uow.code_lists.get(list_key)
        if code_list is None:
            raise Invalid.field(attribute, f"code list '{list_key}' is missing")
        with domain_rules():
            code_list.validate(value, field_name=attribute)


def set_parent(uow: SalesUnitOfWork, viewer: Viewer, account: Account, parent_id: UUID | None) -> None:
    """親取引先: an account of the tenant the actor can see, and no loop in the hierarchy."""
    if parent_id is not None:
        chain = uow.records.access_chain(RecordType.ACCOUNT, parent_id)
        if chain is None or not visible_chain(viewer, chain):
            raise Invalid.field("parent_account_id",
                                f"親取引先が見つかりません / parent account '{parent_id}' not found")
    with domain_rules():
        account.set_parent(parent_id, uow.accounts.ancestors(parent_id) if parent_id is not None else ())


def ensure_corporate_number_free(uow: SalesUnitOfWork, account: Account) -> None:
    """One account per 法人番号 in a tenant."""
    if account.corporate_number is None:
        return
    holder = uow.accounts.id_by_corporate_number(account.corporate_number)
    if holder is not None and holder != account.id:
        raise Conflict(
            f"法人番号 {account.corporate_number} は既に別の取引先に登録されています / "
            f"corporate number {account.corporate_number} is already used by account {holder}",
            field="corporate_number",
        )
