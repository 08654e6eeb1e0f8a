"""Labels of the Excel template screens (帳票テンプレート)."""

from __future__ import annotations

MESSAGES: dict[str, tuple[str, str]] = {
    "tpl.title": ("Excelテンプレート", "Excel templates"),
    "tpl.intro": ("プレースホルダ ({{row.列キー}} など) を書いたExcelをアップロードすると、レポートのデータを差し込んだ"
                  "ブックをダウンロードできます。書式・数式・グラフ・他のシートはそのまま残ります。",
                  "Upload a workbook with placeholders ({{row.column_key}}, ...) and download it filled with a "
                  "report; its styles, formulas, charts and other sheets are kept."),
    "tpl.syntax": ("書式の説明", "Placeholder syntax"),
    "tpl.name": ("名前", "Name"),
    "tpl.kind": ("レポートの種類", "Report kind"),
    "tpl.any_kind": ("指定しない (どの種類にも使う)", "Any kind"),
    "tpl.file": ("ファイル (.xlsx)", "File (.xlsx)"),
    "tpl.upload": ("アップロード", "Upload"),
    "tpl.placeholders": ("プレースホルダ", "Placeholders"),
    "tpl.owner": ("登録者", "Owner"),
    "tpl.created_at": ("登録日時", "Uploaded"),
    "tpl.original": ("元のファイル", "Original file"),
    "tpl.fill": ("差し込んでダウンロード", "Fill and download"),
    "tpl.delete": ("削除", "Delete"),
    "tpl.confirm_delete": ("このテンプレートを削除しますか？", "Delete this template?"),
    "tpl.none": ("テンプレートはまだありません", "No templates yet"),
    "tpl.problems": ("テンプレートに問題があります (セル番地と理由)", "The template has problems (cell and reason)"),
    "tpl.cell": ("セル", "Cell"),
    "tpl.reason": ("理由", "Reason"),
    "tpl.in_use": ("レポート定義が使用中のため削除できません", "A report definition uses this template"),
    "tpl.not_allowed": ("このテンプレートを削除できるのは登録者か管理者です",
                        "Only its owner or an administrator may delete this template"),
    "tpl.limit": ("上限", "Limit"),
    "tpl.back": ("レポート一覧へ", "All reports"),
}
