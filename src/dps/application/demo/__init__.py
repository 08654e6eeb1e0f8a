"""The demo tenant: a small, realistic Japanese sales organisation to try DPS with."""
