"""キャンペーン campaigns and their members (S2)."""
