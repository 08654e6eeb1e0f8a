"""活動 activities, planned and actual (S7)."""
