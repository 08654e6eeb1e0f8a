"""パーソン persons and their 名刺 business cards (S4)."""
