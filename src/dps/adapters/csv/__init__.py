"""CSV codecs for the transfer ports (sales results and CSV files in general): UTF-8 with or without
BOM and Shift_JIS (cp932), detected or given."""
