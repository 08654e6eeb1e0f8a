"""ホーム / home: who is logged in, in which organisation, with which licence."""

from __future__ import annotations

from typing import Any

from litestar import Request, get
from litestar.response import Template

from dps.application.directory.organizations import ListOrganizations
from dps.domain.shared.principal import Principal
from dps.entrypoints.http.ui.pages import page


@get("/", include_in_schema=False, sync_to_thread=True)
def home(request: Request[Any, Any, Any], principal: Principal, list_organizations: ListOrganizations) -> Template:
    organization = None
    if principal.primary_organization_id is not None:
        organization = next(
            (o for o in list_organizations(principal) if o.id == principal.primary_organization_id), None
        )
    return page(request, "home.html", context={"organization": organization})
