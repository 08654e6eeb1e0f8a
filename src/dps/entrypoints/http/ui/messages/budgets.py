"""Labels of the budgets screens."""

from __future__ import annotations

MESSAGES: dict[str, tuple[str, str]] = {
    "budget.kind_label": ("予算", "Budget"),
    "budget.list_title": ("予算一覧", "Budgets"),
    "budget.new_title": ("予算登録", "New budget"),
    "budget.edit_title": ("予算編集", "Edit budget"),
    "budget.fiscal_year": ("年度", "Fiscal year"),
    "budget.kind": ("予算種別", "Kind"),
    "budget.organization": ("組織", "Organisation"),
    "budget.user": ("ユーザ", "User"),
    "budget.target": ("対象", "Target"),
    "budget.include_sub_orgs": ("下位組織を含む", "Include sub-organisations"),
    "budget.by_category": ("商品カテゴリ別", "Per product category"),
    "budget.category": ("商品カテゴリ", "Product category"),
    "budget.notes": ("備考", "Notes"),
    "budget.month": ("月", "Month"),
    "budget.amount": ("金額", "Amount"),
    "budget.lines": ("月別予算", "Monthly amounts"),
    "budget.total": ("年間合計", "Year total"),
    "budget.quarter": ("四半期", "Quarter"),
    "budget.half": ("半期", "Half"),
    "budget.first_half": ("上期", "First half"),
    "budget.second_half": ("下期", "Second half"),
    "budget.deleted": ("件の予算を削除しました", "budgets deleted"),
    "budget.none_selected": ("削除する予算を選択してください", "Select the budgets to delete"),
    "budget.confirm_delete": ("この予算を削除しますか？", "Delete this budget?"),
    "budget.confirm_bulk_title": ("予算の一括削除", "Delete budgets"),
    "budget.confirm_bulk": ("次の予算を削除します。よろしいですか？", "These budgets will be deleted. Continue?"),
}
