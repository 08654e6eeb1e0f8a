"""ユーザ users as a sheet (administrators only). Natural key: the login id. Licence counts are checked
for the whole file: the active users of each licence after the import must fit the contract.

Passwords: an optional 初期パスワード column. It is read only for a new user, or for an existing user
who has no password yet (so re-importing an export never resets anyone's password); it must pass the
password rules and is stored hashed with the project's hasher. Exports leave it empty."""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from typing import Any
from uuid import UUID

from dps.application.sales.uow import SalesUnitOfWork
from dps.application.shared.ports import AuditLog
from dps.application.transfer.kinds.base import ImportContext, ParsedRow, Prepared
from dps.application.transfer.kinds.common import (
    check_duplicates,
    column_of,
    ensure_admin_import,
    mode_allows,
    version_matches,
    write_batch,
)
from dps.application.transfer.ports_store import TransferStores
from dps.application.transfer.schema import Column, ColumnType, SheetSchema
from dps.domain.directory.users import User, check_password_strength
from dps.domain.shared.errors import DomainError
from dps.domain.shared.ids import UserId
from dps.domain.shared.principal import License, Principal, Role
from dps.domain.visibility.policy import Viewer

T, B = ColumnType.TEXT, ColumnType.BOOLEAN

COLUMNS: tuple[Column, ...] = (
    Column("id", "ユーザID", "User ID", ColumnType.ID),
    Column("version", "バージョン", "Version", ColumnType.INTEGER),
    Column("login_id", "ログインID", "Login ID", T, required=True, max_length=100),
    Column("name", "氏名", "Name", T, required=True, max_length=200),
    Column("kana", "氏名カナ", "Name (kana)", T, max_length=200),
    Column("email", "メールアドレス", "E-mail", T, max_length=254),
    Column("license", "ライセンス", "Licence", T, required=True, max_length=10),
    Column("is_admin", "管理者", "Administrator", B),
    Column("locale", "言語", "Language", T, max_length=2),
    Column("time_zone", "タイムゾーン", "Time zone", T, max_length=64),
    Column("is_active", "有効", "Active", B),
    Column("password", "初期パスワード", "Initial password", T, max_length=200),
)

_LICENSES = {"full": License.FULL, "フル": License.FULL, "フルユーザ": License.FULL,
             "light": License.LIGHT, "ライト": License.LIGHT, "ライトユーザ": License.LIGHT}


def _license(value: Any) -> License:
    found = _LICENSES.get(str(value or "").strip().lower())
    if found is None:
        raise DomainError("ライセンスは full または light です / licence must be full or light", field="license")
    return found


def _content(u: User) -> tuple[Any, ...]:
    return (u.login_id, u.name, u.kana, u.email, u.license, u.roles, u.locale, u.time_zone, u.is_active,
            u.password_hash)


class UsersKind:
    name = "users"
    entity: str | None = None
    unique_columns: tuple[str, ...] = ("id", "login_id")

    def base_schema(self) -> SheetSchema:
        return SheetSchema(kind=self.name, sheet_title="ユーザ", columns=COLUMNS, natural_key=("login_id",))

    def authorize(self, principal: Principal, audit: AuditLog, action: str) -> None:
        ensure_admin_import(principal, audit, action)

    def code_choices(self, uow: SalesUnitOfWork, schema: SheetSchema) -> dict[str, Sequence[str]]:
        return {"license": ["full", "light"], "locale": ["ja", "en"]}

    def prepare(self, ctx: ImportContext, stores: TransferStores, rows: Sequence[ParsedRow]) -> list[Prepared]:
        store = stores.users(ctx.uow)
        rows = check_duplicates(rows, self.unique_columns, ctx.errors)
        by_id = store.by_ids({v for r in rows if isinstance(v := r.get("id"), UUID)})
        by_login = store.by_logins({str(v).strip() for r in rows if (v := r.get("login_id"))})
        tenant = ctx.uow.tenant()
        out: list[Prepared] = []
        was_active: dict[UUID, License | None] = {}
        for r in rows:
            row_id = r.get("id")
            current = by_id.get(row_id) if row_id is not None else by_login.get(str(r.get("login_id") or "").strip())
            if row_id is not None and current is None:
                ctx.errors.add(r.number, "id", "該当するユーザがありません / no such user")
                continue
            if not mode_allows(ctx.mode, current is not None, r.number, "id" if row_id else "login_id", ctx.errors):
                continue
            if current is not None:
                taken = by_login.get(str(r.get("login_id") or "").strip())
                if taken is not None and taken.id != current.id:
                    ctx.errors.add(r.number, "login_id", "ログインIDは既に使われています / login id already used")
                    continue
                if not version_matches(r, current.version, ctx.errors):
                    continue
                was_active[current.id] = current.license if current.is_active else None
            item = self._build(ctx, r, current, tenant.time_zone)
            if item is not None:
                out.append(item)
        self._check_licences(ctx, store.count_active(), out, was_active, tenant)
        return [i for i in out if i.row not in ctx.errors.rows]

    def _build(self, ctx: ImportContext, r: ParsedRow, current: User | None, default_tz: str) -> Prepared | None:
        try:
            if current is None:
                user = User(id=UserId(ctx.ids.new_id()), login_id=str(r.get("login_id") or ""),
                            name=str(r.get("name") or ""), license=_license(r.get("license")),
                            email=str(r.get("email") or ""), kana=str(r.get("kana") or ""),
                            locale=str(r.get("locale") or "ja"), time_zone=str(r.get("time_zone") or default_tz),
                            is_active=r.get("is_active") is not False,
                            roles=frozenset({Role.TENANT_ADMIN}) if r.get("is_admin") else frozenset())
                before: tuple[Any, ...] | None = None
            else:
                user = current
                before = _content(user)
                if r.has("login_id"):
                    user.login_id = str(r.get("login_id") or "")
                user.change_profile(
                    name=str(r.get("name") or "") if r.has("name") else None,
                    email=str(r.get("email") or "") if r.has("email") else None,
                    locale=str(r.get("locale") or "ja") if r.has("locale") else None,
                    time_zone=str(r.get("time_zone") or default_tz) if r.has("time_zone") else None,
                    kana=str(r.get("kana") or "") if r.has("kana") else None)
                if r.has("license"):
                    user.license = _license(r.get("license"))
                if r.has("is_active") and r.get("is_active") is not None:
                    user.is_active = bool(r.get("is_active"))
                if r.has("is_admin") and r.get("is_admin") is not None:
                    user.roles = (user.roles | {Role.TENANT_ADMIN}) if r.get("is_admin") else (
                        user.roles - {Role.TENANT_ADMIN})
            password = str(r.get("password") or "")
            if password and user.password_hash is None:
                check_password_strength(password, login_id=user.login_id)
                if ctx.hasher is None:
                    raise DomainError("password hashing is not available here", field="password")
                user.set_password_hash(ctx.hasher.hash(password), ctx.now)
        except DomainError as e:
            ctx.errors.add(r.number, column_of(e, default="login_id"), e.message)
            return None
        if current is None:
            return Prepared(row=r.number, action="insert", record=user)
        action = "unchanged" if _content(user) == before else "update"
        return Prepared(row=r.number, action=action, record=user, expected_version=user.version)

    @staticmethod
    def _check_licences(ctx: ImportContext, active: Mapping[License, int], items: Sequence[Prepared],
                        was_active: Mapping[UUID, License | None], tenant: Any) -> None:
        """The whole file at once: users leaving a licence free it first, then each row taking one must
        fit; the first row over the contract (and every later one of that licence) is an error."""
        count = dict(active)
        adding: list[tuple[Prepared, License]] = []
        for item in items:
            user: User = item.record
            old = was_active.get(user.id)
            new = user.license if user.is_active else None
            if old == new:
                continue
            if old is not None:
                count[old] = count.get(old, 0) - 1
            if new is not None:
                adding.append((item, new))
        for item, lic in adding:
            try:
                tenant.check_license_available(lic, count.get(lic, 0))
            except DomainError as e:
                ctx.errors.add(item.row, "license", f"ライセンス数を超えています / {e.message}")
                continue
            count[lic] = count.get(lic, 0) + 1

    def write(self, uow: SalesUnitOfWork, stores: TransferStores, items: Sequence[Prepared]) -> None:
        write_batch(stores.users(uow), items)

    def export_rows(self, uow: SalesUnitOfWork, stores: TransferStores, viewer: Viewer, schema: SheetSchema,
                    filters: Mapping[str, str]) -> Iterator[list[Any]]:
        keys = schema.keys
        for u in stores.users(uow).stream():
            extra = {"license": u.license.value, "is_admin": u.is_admin, "password": None}
            yield [extra[k] if k in extra else getattr(u, k) for k in keys]
