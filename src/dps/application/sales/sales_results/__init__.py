"""販売実績 sales results: reading them (lists and totals for the reports) and the bulk store the
CSV / Excel import writes through."""
