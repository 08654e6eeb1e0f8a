"""Adapters of the bulk card import: image inspection (Pillow) and PDF page rendering (pdftoppm)."""
