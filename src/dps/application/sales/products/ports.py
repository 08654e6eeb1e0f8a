"""Store of products."""

from __future__ import annotations

from typing import Protocol


class ProductRepository(Protocol):
    """Products and product categories."""
