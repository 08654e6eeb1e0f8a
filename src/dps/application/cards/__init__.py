"""Business cards: reading a card image into fields (OCR port + the domain parser)."""
