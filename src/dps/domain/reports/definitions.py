"""レポート定義 Report definitions: a report kind with what a user chose for it - the columns in
order, the parameters (filters, grouping, period) as strings, the sort, the template to fill - and
who may use it. A definition belongs to its owner; sharing it with everybody, with organisations
(their sub-organisations too) or with public groups lets others run and copy it, never change it.

Pure rules: the use rule is evaluated over plain sets (`DefinitionUser`, built from the visibility
`Viewer`), and the database adapter compiles the same rule to SQL for lists."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from datetime import datetime
from types import MappingProxyType
from typing import Any
from uuid import UUID

from attrs import evolve, field, frozen

from dps.domain.shared.errors import DomainError
from dps.domain.shared.ids import OrganizationId, PublicGroupId, UserId
from dps.domain.visibility.policy import Viewer

NAME_MAX = 200
KIND_MAX = 32
DESCRIPTION_MAX = 4000
KEY_MAX = 100
PARAM_VALUE_MAX = 1000
COPY_SUFFIX = " のコピー"
COLUMN_KEY = re.compile(r"^[a-z0-9_.:-]+$")
PARAM_NAME = re.compile(r"^[a-z][a-z0-9_]*$")


def _params(value: Mapping[str, str]) -> Mapping[str, str]:
    return MappingProxyType(dict(value))


@frozen
class Sharing:
    """Who besides the owner may use the definition: everybody (`everyone`), members of the
    organisations (and of their sub-organisations), members of the public groups (and of their
    sub-groups)."""

    everyone: bool = False
    organization_ids: frozenset[OrganizationId] = field(factory=frozenset)
    group_ids: frozenset[PublicGroupId] = field(factory=frozenset)

    @property
    def is_shared(self) -> bool:
        return self.everyone or bool(self.organization_ids) or bool(self.group_ids)


PRIVATE = Sharing()


@frozen
class DefinitionUser:
    """What the use rule needs to know about a user, as plain data: the user, whether an
    administrator, the organisations the user belongs to with all their ancestors, and the public
    groups with their ancestors (a definition shared with an organisation reaches its subtree)."""

    user_id: UUID
    is_admin: bool = False
    organization_ids: frozenset[OrganizationId] = field(factory=frozenset)
    group_ids: frozenset[PublicGroupId] = field(factory=frozenset)

    @classmethod
    def of(cls, viewer: Viewer) -> DefinitionUser:
        """The Viewer's ancestor sets are exactly 'my organisations / groups and everything above'."""
        p = viewer.principal
        return cls(p.user_id, p.is_admin, viewer.org_ancestors, viewer.group_ancestors)


@frozen
class DefinitionDraft:
    """What a user enters for a definition; `ReportDefinition.create` / `revise` check it whole."""

    name: str
    kind: str
    description: str = ""
    columns: tuple[str, ...] = ()
    params: Mapping[str, str] = field(factory=dict, converter=_params)
    sort_key: str | None = None
    sort_desc: bool = False
    template_id: UUID | None = None
    sharing: Sharing = PRIVATE


@frozen(kw_only=True)
class ReportDefinition:
    """One saved report. Immutable: changes return a new value (the repository bumps `version`)."""

    id: UUID
    name: str
    kind: str
    description: str = ""
    columns: tuple[str, ...] = ()
    """Column keys in display order; empty means every column of the kind."""
    params: Mapping[str, str] = field(factory=dict, converter=_params)
    sort_key: str | None = None
    sort_desc: bool = False
    template_id: UUID | None = None
    sharing: Sharing = PRIVATE
    owner_id: UserId | None = None
    created_by: UserId | None = None
    created_at: datetime | None = None
    updated_by: UserId | None = None
    updated_at: datetime | None = None
    version: int = 1

    @classmethod
    def create(cls, definition_id: UUID, draft: DefinitionDraft, *, owner_id: UserId | None,
               at: datetime) -> ReportDefinition:
        """A new definition owned by `owner_id`, every rule checked (DomainError naming the field)."""
        return cls(id=definition_id, owner_id=owner_id, created_by=owner_id, created_at=at, updated_by=owner_id,
                   updated_at=at, **_checked(draft))

    def revise(self, draft: DefinitionDraft, *, by: UserId | None, at: datetime) -> ReportDefinition:
        """Everything replaced by `draft` (owner and version kept); on a broken rule nothing changes."""
        return evolve(self, updated_by=by, updated_at=at, **_checked(draft))

    def copy(self, new_id: UUID, *, owner_id: UserId | None, at: datetime, name: str | None = None
             ) -> ReportDefinition:
        """「<name> のコピー」 owned by the copier and shared with nobody; the rest as it is."""
        new_name = _checked_name(name if name is not None else copy_name(self.name))
        return evolve(self, id=new_id, name=new_name, sharing=PRIVATE, owner_id=owner_id, created_by=owner_id,
                      created_at=at, updated_by=owner_id, updated_at=at, version=1)

    @property
    def draft(self) -> DefinitionDraft:
        return DefinitionDraft(self.name, self.kind, self.description, self.columns, self.params, self.sort_key,
                               self.sort_desc, self.template_id, self.sharing)

    def may_use(self, user: DefinitionUser) -> bool:
        return may_use(self.owner_id, self.sharing, user)

    def may_change(self, user: DefinitionUser) -> bool:
        return may_change(self.owner_id, user)


def may_use(owner_id: UUID | None, sharing: Sharing, user: DefinitionUser) -> bool:
    """Run, open and copy: the owner; everybody when shared with all; members of a shared
    organisation or of one below it; members of a shared public group or of one below it;
    administrators."""
    return (
        may_change(owner_id, user)
        or sharing.everyone
        or not sharing.organization_ids.isdisjoint(user.organization_ids)
        or not sharing.group_ids.isdisjoint(user.group_ids)
    )


def may_change(owner_id: UUID | None, user: DefinitionUser) -> bool:
    """Edit, re-share and delete: the owner and administrators only."""
    return user.is_admin or (owner_id is not None and owner_id == user.user_id)


def copy_name(name: str, attempt: int = 1) -> str:
    """「<name> のコピー」, 「<name> のコピー (2)」, ... cut so it stays within NAME_MAX."""
    suffix = COPY_SUFFIX if attempt <= 1 else f"{COPY_SUFFIX} ({attempt})"
    return name.strip()[:NAME_MAX - len(suffix)] + suffix


def _checked_name(raw: str) -> str:
    name = raw.strip()
    if not name:
        raise DomainError("名前を入力してください / a name is required", field="name")
    if len(name) > NAME_MAX:
        raise DomainError(f"名前は {NAME_MAX} 文字以内 / at most {NAME_MAX} characters", field="name")
    return name


def _checked_columns(columns: Iterable[str]) -> tuple[str, ...]:
    seen: list[str] = []
    for i, raw in enumerate(columns):
        key = raw.strip()
        if not key or len(key) > KEY_MAX or not COLUMN_KEY.match(key):
            raise DomainError(f"列キー {raw!r} が不正です / not a column key: {raw!r}", field=f"columns[{i}]")
        if key in seen:
            raise DomainError(f"列 {key} が重複しています / column {key} is listed twice", field=f"columns[{i}]")
        seen.append(key)
    return tuple(seen)


def _checked_params(params: Mapping[str, str]) -> dict[str, str]:
    out: dict[str, str] = {}
    for name, raw in params.items():
        if not PARAM_NAME.match(name) or len(name) > KEY_MAX:
            raise DomainError(f"パラメータ名 {name!r} が不正です / not a parameter name", field=f"params.{name}")
        value = raw.strip()
        if len(value) > PARAM_VALUE_MAX:
            raise DomainError(f"{PARAM_VALUE_MAX} 文字以内 / at most {PARAM_VALUE_MAX} characters",
                              field=f"params.{name}")
        if value:
            out[name] = value
    return dict(sorted(out.items()))


def _checked(draft: DefinitionDraft) -> dict[str, Any]:
    """The draft's fields, trimmed and checked, as keyword arguments of `ReportDefinition`."""
    name = _checked_name(draft.name)
    kind = draft.kind.strip()
    if not kind or len(kind) > KIND_MAX:
        raise DomainError("レポートの種類を選んでください / choose a report kind", field="kind")
    description = draft.description.strip()
    if len(description) > DESCRIPTION_MAX:
        raise DomainError(f"説明は {DESCRIPTION_MAX} 文字以内 / at most {DESCRIPTION_MAX} characters",
                          field="description")
    columns = _checked_columns(draft.columns)
    sort_key = (draft.sort_key or "").strip() or None
    if sort_key is not None and columns and sort_key not in columns:
        raise DomainError(f"並べ替えの列 {sort_key} は選んだ列にありません / sort column {sort_key} is not "
                          "one of the chosen columns", field="sort_key")
    if sort_key is not None and (len(sort_key) > KEY_MAX or not COLUMN_KEY.match(sort_key)):
        raise DomainError(f"列キー {sort_key!r} が不正です / not a column key", field="sort_key")
    return {
        "name": name, "kind": kind, "description": description, "columns": columns,
        "params": _checked_params(draft.params), "sort_key": sort_key,
        "sort_desc": draft.sort_desc if sort_key is not None else False, "template_id": draft.template_id,
        "sharing": draft.sharing,
    }
