"""Labels of the people and collaboration cards every record detail page shares (添付ファイル, コメント,
自社担当者 and 関係者 editing)."""

from __future__ import annotations

MESSAGES: dict[str, tuple[str, str]] = {
    "collab.kind.lead": ("リード", "Lead"),
    "collab.kind.campaign": ("キャンペーン", "Campaign"),
    "collab.file_name": ("ファイル名", "File name"),
    "collab.file_size": ("サイズ", "Size"),
    "collab.uploaded_by": ("登録者", "Uploaded by"),
    "collab.uploaded_at": ("登録日時", "Uploaded at"),
    "collab.file": ("ファイル", "File"),
    "collab.upload": ("アップロード", "Upload"),
    "collab.confirm_delete_file": ("このファイルを削除しますか？", "Delete this file?"),
    "collab.upload_error.too_large": ("ファイルが大きすぎます", "The file is too large"),
    "collab.upload_error.no_file": ("ファイルを選択してください", "Choose a file"),
    "collab.upload_error.refused": (
        "このファイルは登録できません（ファイル名または内容）", "This file cannot be attached (its name or content)",
    ),
    "collab.no_comments": ("コメントはまだありません", "No comments yet"),
    "collab.comment_body": ("コメント", "Comment"),
    "collab.back_to_record": ("レコードに戻る", "Back to the record"),
    "collab.people_title": ("自社担当者・関係者の編集", "Staff and relations"),
    "collab.staff_users": ("担当者", "Staff members"),
    "collab.main_staff": ("主担当", "Main staff member"),
    "collab.save_staff": ("担当者を保存", "Save staff"),
    "collab.person": ("パーソン", "Person"),
    "collab.role": ("役割", "Role"),
    "collab.save_relations": ("関係者を保存", "Save relations"),
    "collab.person_required": ("パーソンを選択してください", "Choose a person"),
}
