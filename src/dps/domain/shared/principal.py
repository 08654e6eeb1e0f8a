"""The acting user of a request or command: who, in which tenant, with which rights."""

from __future__ import annotations

import enum

from attrs import field, frozen

from dps.domain.shared.ids import OrganizationId, PublicGroupId, TenantId, UserId


class License(enum.StrEnum):
    """フルユーザ / ライトユーザ: a light user reads, comments and likes, nothing more."""

    FULL = "full"
    LIGHT = "light"


class Role(enum.StrEnum):
    """Application roles (ロール), granted per user on top of the licence."""

    TENANT_ADMIN = "tenant_admin"
    SEE_ALL = "see_all"


@frozen
class Principal:
    """Built once per request from the session or API token; passed to every use case."""

    tenant_id: TenantId
    user_id: UserId
    login_id: str
    name: str
    license: License
    roles: frozenset[Role] = field(factory=frozenset)
    organization_ids: frozenset[OrganizationId] = field(factory=frozenset)
    primary_organization_id: OrganizationId | None = None
    group_ids: frozenset[PublicGroupId] = field(factory=frozenset)
    locale: str = "ja"
    time_zone: str = "Asia/Tokyo"

    @property
    def is_admin(self) -> bool:
        return Role.TENANT_ADMIN in self.roles

    @property
    def can_write_records(self) -> bool:
        """Light users may write comments and likes only; everything else needs a full licence."""
        return self.license is License.FULL

    @property
    def can_comment_and_like(self) -> bool:
        return True
