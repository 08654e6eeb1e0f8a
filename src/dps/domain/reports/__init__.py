"""The reporting context: saved report definitions (レポート定義) and who may use or change them."""
