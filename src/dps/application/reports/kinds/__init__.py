"""Report kinds beyond 活動別 and 先行管理, one module per kind (each a `ReportKind` of the catalogue)."""
