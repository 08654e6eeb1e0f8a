"""A tenant: one customer company using the service, with its licence counts and defaults."""

from __future__ import annotations

import re
from datetime import datetime

from attrs import define, field

from dps.domain.shared.errors import DomainError
from dps.domain.shared.ids import TenantId
from dps.domain.shared.principal import License
from dps.domain.visibility.policy import UpdateRule

_CODE = re.compile(r"^[a-z0-9][a-z0-9-]{1,38}[a-z0-9]$")


def validate_tenant_code(code: str) -> str:
    """Tenant codes appear in log paths and login forms: lower-case letters, digits and hyphens."""
    if not _CODE.match(code):
        raise DomainError(
            "tenant code must be 3-40 characters of a-z, 0-9 and '-', not starting or ending with '-'",
            field="code",
        )
    return code


def validate_time_zone_name(name: str) -> str:
    if not re.match(r"^[A-Za-z_]+(/[A-Za-z0-9_+-]+)*$", name):
        raise DomainError(f"'{name}' is not a time zone name such as Asia/Tokyo", field="time_zone")
    return name


@define(eq=False)
class Tenant:
    """Licence counts bound how many active users of each type the tenant may have (T2)."""

    id: TenantId
    code: str = field(converter=validate_tenant_code)
    name: str
    time_zone: str = field(default="Asia/Tokyo", converter=validate_time_zone_name)
    fiscal_year_start_month: int = 4
    full_licenses: int = 100
    light_licenses: int = 100
    is_active: bool = True
    update_rule: UpdateRule = UpdateRule.ANY_FULL_USER
    """Who may update a record they can see (R1): every full user (as DPS) or strictly those in charge."""
    created_at: datetime | None = None
    version: int = 1
    directory_version: int = 1
    """Changes whenever anything a user's principal or visibility facts are built from changes (users,
    affiliations, groups, positions, organisations, the closure, API tokens); caches key on it."""

    def __attrs_post_init__(self) -> None:
        if not self.name.strip():
            raise DomainError("tenant name must not be empty", field="name")
        if not 1 <= self.fiscal_year_start_month <= 12:
            raise DomainError("fiscal year start month must be 1-12", field="fiscal_year_start_month")
        if self.full_licenses < 0 or self.light_licenses < 0:
            raise DomainError("licence counts cannot be negative", field="licenses")

    def licenses_of(self, license: License) -> int:
        return self.full_licenses if license is License.FULL else self.light_licenses

    def check_license_available(self, license: License, active_users_of_type: int) -> None:
        """Refuse one more active user of `license` once the contracted count is used up."""
        limit = self.licenses_of(license)
        if active_users_of_type >= limit:
            raise DomainError(
                f"all {limit} {license.value} licences of tenant '{self.code}' are in use",
                field="license",
            )
