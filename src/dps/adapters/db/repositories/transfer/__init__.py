"""Set-based stores for Excel/CSV import and export: executemany writes and keyset-paged streams, on
the unit of work's own connection (so the directory-version watch sees user writes)."""
