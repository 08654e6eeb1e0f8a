"""OCR engines for business cards: local Tesseract (the default) and the Cloud OCR API client."""
