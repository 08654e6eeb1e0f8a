"""Users' own Excel templates (帳票テンプレート): upload (checked), list, delete, and fill with a report."""
