"""SQL readers of the reports."""
