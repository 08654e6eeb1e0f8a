"""Excel and CSV import/export (A1, A18): one schema per sheet, shared by both directions."""
