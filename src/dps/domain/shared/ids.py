"""Typed identifiers. Every id is a time-ordered UUID (v7), made by an IdFactory port."""

from __future__ import annotations

from typing import NewType
from uuid import UUID

TenantId = NewType("TenantId", UUID)
UserId = NewType("UserId", UUID)
CompanyId = NewType("CompanyId", UUID)
OrganizationId = NewType("OrganizationId", UUID)
PositionId = NewType("PositionId", UUID)
PublicGroupId = NewType("PublicGroupId", UUID)
GroupRoleId = NewType("GroupRoleId", UUID)
AffiliationId = NewType("AffiliationId", UUID)
GroupMembershipId = NewType("GroupMembershipId", UUID)
ApiTokenId = NewType("ApiTokenId", UUID)
