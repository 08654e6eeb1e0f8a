"""The parts every sales record form and page shares, whatever its family.

- user names (`UserNames`: one read of the users per page, looked up by a UUID or its text) and the
  chips of picked users (`chosen`);
- 拡張項目 custom fields: `CustomFieldView` for the `_form.html` macro, `read_custom_fields` for
  the ``cf.<key>`` fields, `custom_field_values` to refill them;
- 非公開 and its allow-list: `read_restriction`, `restriction_values`, `restriction_choices`;
- 自社担当者 from the user picker: `read_staff`, `staff_values`;
- `FormDeps`: what a form page reads besides its record, as one handler dependency (`FORM_DEPENDENCIES`);
- the use case's error keys as the form's field names (`form_errors`), the form's version
  (`form_version`), full-user-only forms (`ensure_writer`), background posts from dps.js (`is_fetch`),
  and linked records the user may not see (`visible_or_none`).

Code lists (options, labels) are in `code_choices`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from typing import Any, TypeVar, cast
from uuid import UUID

from attrs import frozen
from litestar import Request
from litestar.di import Provide
from litestar.exceptions import PermissionDeniedException

from dps.application.catalog.code_lists import ListCodeLists
from dps.application.catalog.custom_fields import ListCustomFields
from dps.application.directory.groups import ListPublicGroups
from dps.application.directory.memo import UserSummary
from dps.application.directory.organizations import ListOrganizations
from dps.application.directory.users import UserIndex
from dps.application.sales.deps import SalesDeps
from dps.application.shared.errors import Forbidden, NotFound
from dps.domain.catalog.code_lists import CodeList
from dps.domain.sales.records import SalesRecord, StaffMember
from dps.domain.shared.ids import OrganizationId, PublicGroupId, UserId
from dps.domain.shared.principal import Principal
from dps.domain.visibility.records import Restriction
from dps.entrypoints.http.api.record_input import CUSTOM_FIELD_PREFIX, custom_field_filters
from dps.entrypoints.http.ui.code_choices import Option, code_lists_by_key
from dps.entrypoints.http.ui.query_form import FieldReader

T = TypeVar("T")
CUSTOM_FIELD_ERROR_PREFIX = "custom_fields."
"""How the use cases name a custom field in their errors."""
MISSING_VERSION = 0
"""A form without its version is treated as stale (versions start at 1): 409, never a blind overwrite."""
FETCH_HEADER = "x-requested-with"


# -- requests and licences -------------------------------------------------------------------------


def is_fetch(request: Request[Any, Any, Any]) -> bool:
    """A background post from dps.js (``X-Requested-With: fetch``): answer with the card's fragment."""
    return request.headers.get(FETCH_HEADER, "").lower() == "fetch"


def ensure_writer(principal: Principal, message: str | None = None) -> None:
    """Forms are for full users (the use cases refuse a light user's post anyway): 403, with `message`
    on the error page when given."""
    if principal.can_write_records:
        return
    if message is not None:
        raise Forbidden(message)
    raise PermissionDeniedException()


def form_version(form: FieldReader) -> int:
    """The version the form was read at (its hidden field); without one the save is refused as stale."""
    version = form.integer("version")
    return MISSING_VERSION if version is None else version


def visible_or_none(load: Callable[[], T]) -> T | None:
    """A linked record's detail, or None when it is gone or hidden from the user (simply not shown)."""
    try:
        return load()
    except NotFound:
        return None


# -- users -----------------------------------------------------------------------------------------


class UserNames(Mapping[str, str]):
    """User id -> name for a page (owners, staff, allow-lists of any number of rows), from the
    process's user index (one version read per request) — never one query per row.

    Looked up by the id's text; a UUID works as well (``users.get(row.owner_id)`` in templates)."""

    def __init__(self, index: Mapping[UserId, UserSummary] | Mapping[UUID, UserSummary]) -> None:
        self._index = cast(Mapping[UUID, UserSummary], index)

    @classmethod
    def of(cls, users: Iterable[Any]) -> UserNames:
        """From users already read (anything with ``id``, ``name`` and ``login_id``)."""
        return cls({u.id: UserSummary(name=u.name, login_id=getattr(u, "login_id", ""),
                                      is_active=getattr(u, "is_active", True)) for u in users})

    def _summary(self, key: object) -> UserSummary | None:
        if isinstance(key, UUID):
            return self._index.get(key)
        try:
            return self._index.get(UUID(str(key)))
        except ValueError:
            return None

    def __getitem__(self, key: str) -> str:
        found = self._summary(key)
        if found is None:
            raise KeyError(key)
        return found.name

    def __contains__(self, key: object) -> bool:
        return self._summary(key) is not None

    def __iter__(self) -> Iterator[str]:
        return (str(k) for k in self._index)

    def __len__(self) -> int:
        return len(self._index)

    def name(self, user_id: object, default: str = "") -> str:
        found = self._summary(user_id)
        return default if found is None else found.name

    def active_options(self) -> list[Option]:
        """(id, "name (login)") of the active users, by name — for small pickers only."""
        return sorted(((str(k), f"{v.name} ({v.login_id})") for k, v in self._index.items() if v.is_active),
                      key=lambda option: option[1])


def user_names(principal: Principal, user_index: UserIndex) -> UserNames:
    """Every user's name, the inactive ones too (they still own records), from the memoised index."""
    return UserNames(user_index(principal))


def chosen(ids: object, names: Mapping[str, str]) -> list[Option]:
    """The picked users of a multi lookup (a value or a list of them) as (id, name) chips; an id
    without a name shows as itself."""
    listed = ids if isinstance(ids, list | tuple) else [ids] if ids else []
    return [(str(i), names.get(str(i), str(i))) for i in listed if i]


# -- custom fields ---------------------------------------------------------------------------------


@frozen
class CustomFieldView:
    """A 拡張項目 as the `custom_fields` form macro shows it: its choices are the codes of its code list."""

    key: str
    label: str
    kind: str
    required: bool
    choices: tuple[str, ...] = ()


def custom_field_views(
    principal: Principal, deps: SalesDeps, entity: str,
    lists: Mapping[str, CodeList] | Callable[[], Mapping[str, CodeList]], *, english: bool = False,
) -> list[CustomFieldView]:
    """The active custom fields of `entity` (labels in English when asked and given). `lists` may be a
    function: then the code lists are read only when there are fields."""
    definitions = ListCustomFields(uow=deps.uow)(principal, entity)
    if not definitions:
        return []
    by_key = lists() if callable(lists) else lists
    views = []
    for d in definitions:
        listed = by_key.get(d.code_list_key or "")
        views.append(CustomFieldView(
            key=d.key, label=(d.label_en or d.label_ja) if english else d.label_ja, kind=str(d.kind),
            required=d.required, choices=tuple(v.code for v in listed.active()) if listed is not None else ()))
    return views


def read_custom_fields(
    form: FieldReader, definitions: Sequence[CustomFieldView], *, drop_empty: bool = False,
) -> dict[str, Any]:
    """The ``cf.<key>`` fields as the use cases take them (a list for a multi choice); an empty one
    clears the value on update, unless `drop_empty` leaves the empty ones out."""
    found: dict[str, Any] = {}
    for d in definitions:
        name = CUSTOM_FIELD_PREFIX + d.key
        found[d.key] = list(form.all(name)) if d.kind == "multi_choice" else form.raw(name)
    return without_empty(found) if drop_empty else found


def without_empty(values: Mapping[str, Any]) -> dict[str, Any]:
    """Custom field values without the empty ones (what a new record is created with)."""
    return {k: v for k, v in values.items() if v not in ("", [], None)}


def custom_field_values(record: SalesRecord) -> dict[str, Any]:
    """A saved record's custom field values as the form names them."""
    return {CUSTOM_FIELD_PREFIX + k: v for k, v in record.custom_fields.items()}


# -- 非公開 ------------------------------------------------------------------------------------------


def read_restriction(form: FieldReader) -> Restriction | None:
    """非公開 and its allow-list; unchecked is public (the lists are still read, to refill the form)."""
    users = form.uuids("allowed_user_ids")
    organizations = form.uuids("allowed_organization_ids")
    groups = form.uuids("allowed_group_ids")
    if not form.flag("is_restricted"):
        return None
    return Restriction(
        users=frozenset(cast(UserId, u) for u in users),
        organizations=frozenset(cast(OrganizationId, o) for o in organizations),
        groups=frozenset(cast(PublicGroupId, g) for g in groups),
    )


def restriction_values(record: SalesRecord) -> dict[str, Any]:
    """A saved record's 非公開 and allow-list as the form names them."""
    r = record.restriction
    return {
        "is_restricted": r is not None,
        "allowed_user_ids": sorted(str(u) for u in r.users) if r else [],
        "allowed_organization_ids": sorted(str(o) for o in r.organizations) if r else [],
        "allowed_group_ids": sorted(str(g) for g in r.groups) if r else [],
    }


def restriction_choices(
    principal: Principal, list_organizations: ListOrganizations, list_public_groups: ListPublicGroups, *,
    with_codes: bool = False,
) -> dict[str, list[Option]]:
    """The allow-list's organisations and public groups as options (``choices`` of the form macro);
    `with_codes` shows an organisation as "<code> <name>"."""
    return {
        "organizations": [(str(o.id), f"{o.code} {o.name}" if with_codes else o.name)
                          for o in list_organizations(principal)],
        "groups": [(str(g.id), g.name) for g in list_public_groups(principal)],
    }


@frozen
class RecordPeople:
    """The users, organisations and public groups of a record form (one read each): the allow-list's
    choices and the picked users' names."""

    users: UserNames
    choices: Mapping[str, list[Option]]

    def context(self, values: Mapping[str, Any]) -> dict[str, Any]:
        """``choices``, ``chosen_users`` (allow-list) and ``chosen_staff`` (自社担当者) for the template."""
        return {"choices": self.choices, "chosen_users": chosen(values.get("allowed_user_ids"), self.users),
                "chosen_staff": chosen(values.get("staff_ids"), self.users)}


def record_people(
    principal: Principal, user_index: UserIndex, list_organizations: ListOrganizations,
    list_public_groups: ListPublicGroups, *, with_codes: bool = False,
) -> RecordPeople:
    return RecordPeople(users=user_names(principal, user_index), choices=restriction_choices(
        principal, list_organizations, list_public_groups, with_codes=with_codes))


# -- 自社担当者 -------------------------------------------------------------------------------------


def read_staff(form: FieldReader, name: str = "staff_ids") -> tuple[StaffMember, ...]:
    """自社担当者 from the user picker; the first one is the main one (主担当)."""
    ids = list(dict.fromkeys(form.uuids(name)))
    return tuple(StaffMember(user_id=cast(UserId, u), is_main=i == 0) for i, u in enumerate(ids))


def staff_values(record: SalesRecord) -> list[str]:
    """The staff's ids for the picker, the main one first."""
    return [str(m.user_id) for m in sorted(record.staff, key=lambda m: not m.is_main)]


# -- errors ----------------------------------------------------------------------------------------


def form_errors(errors: Mapping[str, str], renames: Mapping[str, str] | None = None) -> dict[str, str]:
    """The use case's error keys as the form's field names: ``custom_fields.<key>`` is ``cf.<key>``,
    and `renames` maps the family's own (``{"restriction": "is_restricted"}``)."""
    shown: dict[str, str] = {}
    for key, message in errors.items():
        if key.startswith(CUSTOM_FIELD_ERROR_PREFIX):
            key = CUSTOM_FIELD_PREFIX + key.removeprefix(CUSTOM_FIELD_ERROR_PREFIX)
        shown[(renames or {}).get(key, key)] = message
    return shown


def custom_field_query(request: Request[Any, Any, Any]) -> dict[str, str]:
    """A list's ``cf.<key>=<value>`` filters, the blank ones left out."""
    return {k: v for k, v in custom_field_filters(request).items() if v.strip()}


# -- the form page's dependencies --------------------------------------------------------------------


@frozen
class FormDeps:
    """What a record form page reads besides the record, for one request: code lists, custom fields,
    users (names, pickers), organisations and public groups (the allow-list's choices).

    A handler takes it as ``form_deps: FormDeps`` with ``dependencies=FORM_DEPENDENCIES``."""

    request: Request[Any, Any, Any]
    principal: Principal
    sales: SalesDeps
    code_lists: ListCodeLists
    users: UserIndex
    organizations: ListOrganizations
    groups: ListPublicGroups

    def lists(self) -> dict[str, CodeList]:
        """The code lists by key (one read)."""
        return code_lists_by_key(self.principal, self.code_lists)

    def user_names(self) -> UserNames:
        return user_names(self.principal, self.users)

    def people(self, *, with_codes: bool = False) -> RecordPeople:
        return record_people(self.principal, self.users, self.organizations, self.groups, with_codes=with_codes)

    def custom_fields(
        self, entity: str, lists: Mapping[str, CodeList] | None = None, *, english: bool = False,
    ) -> list[CustomFieldView]:
        """The entity's custom fields; the code lists are read here when not given (and only if needed)."""
        return custom_field_views(self.principal, self.sales, entity, self.lists if lists is None else lists,
                                  english=english)


def provide_form_deps(
    request: Request[Any, Any, Any], principal: Principal, sales_deps: SalesDeps, list_code_lists: ListCodeLists,
    user_index: UserIndex, list_organizations: ListOrganizations, list_public_groups: ListPublicGroups,
) -> FormDeps:
    return FormDeps(request=request, principal=principal, sales=sales_deps, code_lists=list_code_lists,
                    users=user_index, organizations=list_organizations, groups=list_public_groups)


FORM_DEPENDENCIES = {"form_deps": Provide(provide_form_deps, sync_to_thread=False)}
"""Handler dependencies of the record form pages: ``form_deps: FormDeps``."""
