"""This process's memo of the facts every request derives from a tenant's directory: the Principal of a
user and its Viewer (the hierarchy facts the visibility rules need).

Correctness across processes rests on the tenant's `directory_version`: every transaction that writes
anything a Principal or a Viewer is built from bumps it before it commits (the SQL unit of work does
it centrally), every entry is keyed by the version read *before* its facts were read, and every
request reads the current version first. So a change committed by any process is seen by every
process on its next request; an entry is at worst newer than its key, never older.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date

from attrs import frozen

from dps.application.shared.cache import Cache, LruCache
from dps.domain.shared.ids import TenantId, UserId
from dps.domain.shared.principal import Principal
from dps.domain.visibility.policy import Viewer

PrincipalKey = tuple[TenantId, UserId, int]
"""(tenant, user, directory_version)."""

ViewerKey = tuple[TenantId, UserId, int, date, Principal]
"""(tenant, user, directory_version, day, the principal the viewer was built for)."""

UserNamesKey = tuple[TenantId, int]
"""(tenant, directory_version)."""


@frozen
class UserSummary:
    """What a page shows of a user: the name (and login id), inactive users included (they still own records)."""

    name: str
    login_id: str
    is_active: bool
    kana: str = ""

DEFAULT_MAX_ENTRIES = 10_000
USER_NAME_TENANTS = 64
"""Tenants whose user index is kept (each a few hundred KB at 10,000 users)."""


@frozen
class DatedPrincipal:
    """A principal and the day (in the user's time zone) its affiliations and memberships were taken on."""

    day: date
    principal: Principal


class DirectoryMemo:
    """Bounded caches shared by the request threads of one process."""

    def __init__(
        self,
        max_entries: int = DEFAULT_MAX_ENTRIES,
        *,
        principals: Cache[PrincipalKey, DatedPrincipal] | None = None,
        viewers: Cache[ViewerKey, Viewer] | None = None,
        user_names: Cache[UserNamesKey, Mapping[UserId, UserSummary]] | None = None,
    ) -> None:
        self.principals: Cache[PrincipalKey, DatedPrincipal] = (
            LruCache(max_entries) if principals is None else principals
        )
        self.viewers: Cache[ViewerKey, Viewer] = LruCache(max_entries) if viewers is None else viewers
        self.user_names: Cache[UserNamesKey, Mapping[UserId, UserSummary]] = (
            LruCache(USER_NAME_TENANTS) if user_names is None else user_names
        )
        """Every user's summary per tenant and version: pages name owners and staff from it without a query."""

    def clear(self) -> None:
        self.principals.clear()
        self.viewers.clear()
        self.user_names.clear()
