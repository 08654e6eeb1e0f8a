"""DPS_REGISTRY_ORDER and the online registries' settings: defaults, validation, and which sources the
container asks (online ones only with their credential)."""

from __future__ import annotations

from pathlib import Path

import pytest
import sqlalchemy as sa

from dps.application.registry.ports import RegistrySource
from dps.bootstrap.registry import build_corporate_registry, registry_sources
from dps.bootstrap.settings import Settings, SettingsError, load_settings


def _load(tmp_path: Path, **env: str) -> Settings:
    return load_settings({"DPS_DATA_DIR": str(tmp_path), "DPS_SECRET_KEY": "k" * 32, **env})


def test_defaults(tmp_path: Path) -> None:
    s = _load(tmp_path)
    assert s.registry_order == ("offline", "nta", "gbizinfo")
    assert (s.nta_app_id, s.gbizinfo_token) == ("", "")
    assert s.nta_base_url == "https://api.houjin-bangou.nta.go.jp/4"
    assert s.gbizinfo_base_url == "https://info.gbiz.go.jp/hojin"
    assert registry_sources(s) == (RegistrySource.OFFLINE,)


def test_order_and_credentials_choose_the_sources(tmp_path: Path) -> None:
    s = _load(tmp_path, DPS_REGISTRY_ORDER=" GBizINFO, nta ,offline", DPS_NTA_APP_ID="app-1",
              DPS_GBIZINFO_TOKEN="tok", DPS_NTA_BASE_URL="http://127.0.0.1:9/4/",
              DPS_GBIZINFO_BASE_URL="http://127.0.0.1:9/hojin")
    assert s.registry_order == ("gbizinfo", "nta", "offline")
    assert s.nta_base_url == "http://127.0.0.1:9/4"
    assert registry_sources(s) == (RegistrySource.GBIZINFO, RegistrySource.NTA, RegistrySource.OFFLINE)
    only_nta = _load(tmp_path, DPS_REGISTRY_ORDER="nta,gbizinfo", DPS_NTA_APP_ID="app-1")
    assert registry_sources(only_nta) == (RegistrySource.NTA,)
    blank = _load(tmp_path, DPS_REGISTRY_ORDER=" , ")
    assert blank.registry_order == ("offline", "nta", "gbizinfo")


@pytest.mark.parametrize(("env", "named"), [
    ({"DPS_REGISTRY_ORDER": "offline,teikoku"}, "'teikoku'"),
    ({"DPS_REGISTRY_ORDER": "nta,offline,nta"}, "twice"),
    ({"DPS_NTA_BASE_URL": "ftp://example.org"}, "DPS_NTA_BASE_URL"),
    ({"DPS_GBIZINFO_BASE_URL": "info.gbiz.go.jp"}, "DPS_GBIZINFO_BASE_URL"),
])
def test_bad_values_are_settings_errors_naming_the_culprit(tmp_path: Path, env: dict[str, str], named: str) -> None:
    with pytest.raises(SettingsError) as bad:
        _load(tmp_path, **env)
    assert named in str(bad.value)


def test_the_container_builds_the_chain_in_that_order(tmp_path: Path) -> None:
    engine = sa.create_engine("sqlite://")
    s = _load(tmp_path, DPS_REGISTRY_ORDER="nta,offline,gbizinfo", DPS_NTA_APP_ID="app-1")
    chain = build_corporate_registry(s, engine)
    assert [source.source for source in chain.sources] == [RegistrySource.NTA, RegistrySource.OFFLINE]
    engine.dispose()
