"""Settings from `DPS_*` environment variables, with defaults that work out of the box."""

from __future__ import annotations

import os
import secrets
from collections.abc import Mapping
from pathlib import Path

from attrs import field, frozen

DEFAULT_OCR_WORKERS = min(4, os.cpu_count() or 1)
"""One Tesseract worker per core, at most four (the adapter's own default is the same)."""


@frozen
class Settings:
    data_dir: Path
    """DPS_DATA_DIR: where the embedded database, the secret key and uploads live (default ./var)."""
    database_url: str
    """DPS_DATABASE_URL: SQLAlchemy URL; default SQLite at <data_dir>/dps.sqlite3."""
    log_dir: Path
    """DPS_LOG_DIR: one directory per tenant with its six logs (default <data_dir>/logs)."""
    secret_key: str
    """DPS_SECRET_KEY: signs session and CSRF cookies; generated into <data_dir>/secret_key when unset."""
    default_time_zone: str = "Asia/Tokyo"
    """DPS_DEFAULT_TIME_ZONE: the time zone of new tenants and users."""
    default_tenant: str = "demo"
    """DPS_DEFAULT_TENANT: tenant code pre-filled on the login form."""
    host: str = "127.0.0.1"
    """DPS_HOST: address `dps serve` binds to."""
    port: int = 8000
    """DPS_PORT: port `dps serve` listens on."""
    workers: int = 1
    """DPS_WORKERS: app processes `dps serve` starts (needs PostgreSQL above 1)."""
    secure_cookies: bool = False
    """DPS_SECURE_COOKIES: mark cookies Secure (set it behind TLS)."""
    log_level: str = "INFO"
    """DPS_LOG_LEVEL."""
    password_hash_memory_kib: int = 65536
    """DPS_PASSWORD_HASH_MEMORY_KIB: argon2 memory cost (lower only in tests)."""
    max_upload_bytes: int = 20 * 1024 * 1024
    """DPS_MAX_UPLOAD_BYTES: the largest accepted upload."""
    files_dir: Path | None = None
    """DPS_FILES_DIR: where attachment bytes are kept (default <data_dir>/files)."""
    ocr_workers: int = field(factory=lambda: DEFAULT_OCR_WORKERS)
    """DPS_OCR_WORKERS: Tesseract worker processes per DPS process (models kept loaded); 0 runs the command."""
    clamd_address: str = ""
    """DPS_CLAMD_ADDRESS: ClamAV daemon to scan uploads with, 'host:port' or a unix socket path; empty = no scan."""
    registry_order: tuple[str, ...] = ("offline", "nta", "gbizinfo")
    """DPS_REGISTRY_ORDER: corporate registry sources asked in turn (offline, nta, gbizinfo), comma-separated."""
    nta_app_id: str = ""
    """DPS_NTA_APP_ID: the NTA 法人番号システム Web-API application id; empty leaves the NTA out."""
    nta_base_url: str = "https://api.houjin-bangou.nta.go.jp/4"
    """DPS_NTA_BASE_URL: the NTA Web-API (Ver.4) base URL."""
    gbizinfo_token: str = ""
    """DPS_GBIZINFO_TOKEN: the gBizINFO API token; empty leaves gBizINFO out."""
    gbizinfo_base_url: str = "https://info.gbiz.go.jp/hojin"
    """DPS_GBIZINFO_BASE_URL: the gBizINFO REST API base URL."""

    @property
    def attachments_dir(self) -> Path:
        return self.files_dir or self.data_dir / "files"

    @property
    def is_sqlite(self) -> bool:
        return self.database_url.startswith("sqlite")


class SettingsError(ValueError):
    """A DPS_* variable holds a value that cannot be used."""


def load_settings(env: Mapping[str, str] | None = None) -> Settings:
    """Read DPS_* from `env` (default os.environ); the only place that reads the environment."""
    env = os.environ if env is None else env
    data_dir = Path(env.get("DPS_DATA_DIR", "./var")).resolve()
    database_url = env.get("DPS_DATABASE_URL") or f"sqlite:///{data_dir / 'dps.sqlite3'}"
    log_dir = Path(env.get("DPS_LOG_DIR") or data_dir / "logs").resolve()
    secret = env.get("DPS_SECRET_KEY") or _stored_secret(data_dir)
    return Settings(
        data_dir=data_dir,
        database_url=database_url,
        log_dir=log_dir,
        secret_key=secret,
        default_time_zone=env.get("DPS_DEFAULT_TIME_ZONE", "Asia/Tokyo"),
        default_tenant=env.get("DPS_DEFAULT_TENANT", "demo"),
        host=env.get("DPS_HOST", "127.0.0.1"),
        port=_int(env, "DPS_PORT", 8000),
        workers=_int(env, "DPS_WORKERS", 1),
        secure_cookies=env.get("DPS_SECURE_COOKIES", "").lower() in ("1", "true", "yes"),
        log_level=env.get("DPS_LOG_LEVEL", "INFO").upper(),
        password_hash_memory_kib=_int(env, "DPS_PASSWORD_HASH_MEMORY_KIB", 65536),
        max_upload_bytes=_int(env, "DPS_MAX_UPLOAD_BYTES", 20 * 1024 * 1024),
        files_dir=Path(env["DPS_FILES_DIR"]).resolve() if env.get("DPS_FILES_DIR") else None,
        ocr_workers=_ocr_workers(env),
        clamd_address=env.get("DPS_CLAMD_ADDRESS", ""),
        registry_order=_registry_order(env.get("DPS_REGISTRY_ORDER", "")),
        nta_app_id=env.get("DPS_NTA_APP_ID", "").strip(),
        nta_base_url=_base_url(env, "DPS_NTA_BASE_URL", "https://api.houjin-bangou.nta.go.jp/4"),
        gbizinfo_token=env.get("DPS_GBIZINFO_TOKEN", "").strip(),
        gbizinfo_base_url=_base_url(env, "DPS_GBIZINFO_BASE_URL", "https://info.gbiz.go.jp/hojin"),
    )


REGISTRY_SOURCES = ("offline", "nta", "gbizinfo")
"""The corporate registry sources DPS_REGISTRY_ORDER may name (the values of `RegistrySource`)."""


def _registry_order(raw: str) -> tuple[str, ...]:
    """The sources in the order given (blank: offline, nta, gbizinfo); an unknown or repeated name is an error."""
    names = tuple(n.strip().lower() for n in raw.split(",") if n.strip())
    if not names:
        return REGISTRY_SOURCES
    for name in names:
        if name not in REGISTRY_SOURCES:
            raise SettingsError(
                f"DPS_REGISTRY_ORDER names an unknown registry source {name!r} (known: {', '.join(REGISTRY_SOURCES)})")
    if len(set(names)) != len(names):
        raise SettingsError(f"DPS_REGISTRY_ORDER names a source twice: {raw!r}")
    return names


def _base_url(env: Mapping[str, str], name: str, default: str) -> str:
    """An http(s) URL without its trailing slash."""
    url = (env.get(name) or default).strip().rstrip("/")
    if not url.startswith(("http://", "https://")) or len(url) <= len("https://"):
        raise SettingsError(f"{name} must be an http:// or https:// URL, got {url!r}")
    return url


def _ocr_workers(env: Mapping[str, str]) -> int:
    count = _int(env, "DPS_OCR_WORKERS", DEFAULT_OCR_WORKERS)
    if not 0 <= count <= 64:
        raise SettingsError(f"DPS_OCR_WORKERS must be between 0 and 64, got {count}")
    return count


def _int(env: Mapping[str, str], name: str, default: int) -> int:
    raw = env.get(name)
    if raw is None or raw == "":
        return default
    try:
        return int(raw)
    except ValueError as e:
        raise SettingsError(f"{name} must be a whole number, got {raw!r}") from e


def _stored_secret(data_dir: Path) -> str:
    """Generate the secret key once and keep it (mode 600) so sessions survive restarts."""
    path = data_dir / "secret_key"
    if path.exists():
        return path.read_text().strip()
    data_dir.mkdir(parents=True, exist_ok=True)
    key = secrets.token_urlsafe(48)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w") as f:
        f.write(key)
    return key
