"""DPS: sales-force automation for Japanese sales teams."""
