"""Saved report definitions (レポート定義): save, copy, share, list and run them."""
