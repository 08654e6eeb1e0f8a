"""Which corporate registry sources this installation asks, and in what order (DPS_REGISTRY_ORDER): the
offline copy always, the online APIs only where their credential is set."""

from __future__ import annotations

from typing import TYPE_CHECKING

import sqlalchemy as sa

from dps.application.registry.ports import CorporateRegistry, RegistrySource
from dps.bootstrap.settings import Settings

if TYPE_CHECKING:
    from dps.application.registry.chain import RegistryChain


def registry_sources(settings: Settings) -> tuple[RegistrySource, ...]:
    """The configured order without the online sources that lack a credential (an API without its key
    would only ever answer 'unauthorized')."""
    configured = {
        RegistrySource.OFFLINE: True,
        RegistrySource.NTA: bool(settings.nta_app_id),
        RegistrySource.GBIZINFO: bool(settings.gbizinfo_token),
    }
    return tuple(source for name in settings.registry_order if configured[source := RegistrySource(name)])


def build_corporate_registry(settings: Settings, engine: sa.Engine) -> RegistryChain:
    """The chain of adapters in `registry_sources` order (imported here: an HTTP client is built only
    when the registry is first used)."""
    from dps.adapters.registry.gbizinfo import GbizinfoRegistry
    from dps.adapters.registry.nta import NtaRegistry
    from dps.adapters.registry.offline import OfflineRegistry
    from dps.application.registry.chain import RegistryChain

    sources: list[CorporateRegistry] = []
    for source in registry_sources(settings):
        if source is RegistrySource.OFFLINE:
            sources.append(OfflineRegistry(engine))
        elif source is RegistrySource.NTA:
            sources.append(NtaRegistry(settings.nta_base_url, settings.nta_app_id))
        else:
            sources.append(GbizinfoRegistry(settings.gbizinfo_base_url, settings.gbizinfo_token))
    return RegistryChain(sources)
