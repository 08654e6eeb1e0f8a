"""取引先 accounts and 取引先汎用グループ account groups (S5)."""
