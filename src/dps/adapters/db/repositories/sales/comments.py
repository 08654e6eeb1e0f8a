"""SQL store of comments."""

from __future__ import annotations

from dps.adapters.db.repositories.base import TenantScoped
from dps.application.sales.collaboration.ports import CommentRepository


class SqlCommentRepository(TenantScoped, CommentRepository):
    """Filled in by the comments work."""
