"""The people and collaboration cards every record detail page shares: comments (コメント) on any
record, and the editing of its 自社担当者 (staff, one of them 主担当) and 関係者 (relations: persons
and their role).

Comments post normally (303 back to the detail, or a 422 page keeping the typed text) and, with
dps.js, in the background (``X-Requested-With: fetch``): the answer is the ``#comments`` card
fragment. Activities, leads and campaigns answer comments on their own pages' routes.

``/<family>/<id>/staff`` shows two small forms (staff, relations); each carries the record's
version and runs ReplaceStaff / ReplaceRelations through ``forms.submit`` (422 with the typed
values, 409 with the conflict banner). Light users get no controls and their posts are refused."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import Any, cast
from uuid import UUID

from attrs import frozen
from litestar import Request, get, post
from litestar.handlers import HTTPRouteHandler
from litestar.response import Redirect, Template

from dps.application.catalog.code_lists import ListCodeLists
from dps.application.directory.users import UserIndex
from dps.application.sales.accounts.queries import GetAccount
from dps.application.sales.activities.queries import GetActivity
from dps.application.sales.campaigns.queries import ViewCampaign
from dps.application.sales.collaboration.comments import AddComment, AddCommentCommand, ListComments
from dps.application.sales.collaboration.views import CommentView
from dps.application.sales.deps import SalesDeps
from dps.application.sales.leads.queries import ViewLead
from dps.application.sales.opportunities.queries import GetOpportunity
from dps.application.sales.persons.ports import PersonQuery
from dps.application.sales.persons.queries import GetPerson, SearchPersons
from dps.application.sales.record_people import (
    RELATION_ROLE,
    GetRelations,
    GetStaff,
    RelationsView,
    ReplaceRelations,
    ReplaceRelationsCommand,
    ReplaceStaff,
    ReplaceStaffCommand,
    StaffView,
)
from dps.application.shared.errors import Conflict, Invalid
from dps.application.shared.paging import MAX_PAGE_SIZE, PageRequest
from dps.domain.sales.records import RecordType, Relation, StaffMember
from dps.domain.shared.ids import UserId
from dps.domain.shared.principal import Principal
from dps.entrypoints.http.api.record_people import RESOURCES
from dps.entrypoints.http.ui.code_choices import code_lists_by_key, code_options
from dps.entrypoints.http.ui.forms import FormBody, submit
from dps.entrypoints.http.ui.pages import labels_for, page
from dps.entrypoints.http.ui.query_form import BAD_CHOICE, FieldReader
from dps.entrypoints.http.ui.record_forms import UserNames, chosen, ensure_writer, form_errors, is_fetch
from dps.entrypoints.http.ui.records import not_found_page, record_id

COMMENT_KINDS = ("accounts", "persons", "opportunities")
"""Families whose comments post here (activities, leads and campaigns have their own stream routes)."""
RELATION_KINDS = ("accounts", "persons", "opportunities", "leads", "campaigns")
"""Families whose 関係者 are edited here; an activity's people are its 面談者 (edited in its own form)."""
COMMENT_PAGE = 200
RELATION_ROW = re.compile(r"^relations-(\d+)-(person_id|role_code)$")
KIND_LABELS: Mapping[str, str] = {
    "accounts": "acct.kind", "persons": "person.kind", "opportunities": "opp.kind", "activities": "act.kind_label",
    "leads": "collab.kind.lead", "campaigns": "collab.kind.campaign",
}


# --- loading for the detail pages -------------------------------------------------------------


def record_comments(deps: SalesDeps, principal: Principal, record_type: RecordType,
                    record: UUID, limit: int = COMMENT_PAGE) -> Sequence[CommentView]:
    """The record's comments, oldest first, for its comments card (one read)."""
    return ListComments(deps)(principal, record_type, record, PageRequest(limit=limit)).items


def person_names(deps: SalesDeps, principal: Principal, account_id: UUID | None,
                 relations: Sequence[Relation]) -> dict[UUID, str]:
    """Names of related persons, from one search over the record's account (relations are that
    account's people); a person elsewhere shows as a plain link."""
    if not relations or account_id is None:
        return {}
    found = SearchPersons(deps)(principal, PersonQuery(account_id=account_id), PageRequest(limit=MAX_PAGE_SIZE))
    return {p.id: p.full_name for p in found.items}


# --- comments ---------------------------------------------------------------------------------


def _comments_fragment(request: Request[Any, Any, Any], deps: SalesDeps, principal: Principal, kind: str,
                       record: UUID, *, error: str | None = None, body: str = "", whole: bool = False) -> Template:
    comments = record_comments(deps, principal, RESOURCES[kind], record)
    template = "record_comments.html" if whole else "_comments.html"
    return page(request, template, status_code=422 if error else 200, context={
        "comments_fragment": True, "kind": kind, "record_id": record, "comments": comments,
        "comment_error": error, "comment_body": body,
    })


def _comment(
    kind: str, request: Request[Any, Any, Any], principal: Principal, raw_id: str, data: FormBody,
    sales_deps: SalesDeps,
) -> Template | Redirect:
    """Add a comment: the card fragment for dps.js, else back to the detail (303); an empty
    comment is 422 with the typed text kept."""
    with not_found_page():
        record = record_id(RESOURCES[kind].value, raw_id)
        body = FieldReader(data).raw("body")
        try:
            AddComment(sales_deps)(principal, AddCommentCommand(RESOURCES[kind], record, body))
        except Invalid as e:
            error = next(iter(e.errors.values()), e.message)
            return _comments_fragment(request, sales_deps, principal, kind, record, error=error, body=body,
                                      whole=not is_fetch(request))
        if is_fetch(request):
            return _comments_fragment(request, sales_deps, principal, kind, record)
    return Redirect(f"/{kind}/{record}#comments", status_code=303)


# --- staff and relations ----------------------------------------------------------------------


@frozen
class Head:
    """What the staff page shows of its record: the family, id, name and (for names) its account."""

    kind: str
    id: UUID
    name: str
    account_id: UUID | None

    @property
    def href(self) -> str:
        return f"/{self.kind}/{self.id}"

    @property
    def label_key(self) -> str:
        return KIND_LABELS[self.kind]


def _head(deps: SalesDeps, principal: Principal, kind: str, raw_id: str) -> Head:
    """The record behind the path (its get use case: 404 when unknown or not visible)."""
    with not_found_page():
        rid = record_id(RESOURCES[kind].value, raw_id)
        if kind == "accounts":
            account = GetAccount(deps)(principal, rid).account
            return Head(kind, rid, account.name, account.id)
        if kind == "persons":
            person = GetPerson(deps)(principal, rid).person
            return Head(kind, rid, person.full_name, person.account_id)
        if kind == "opportunities":
            deal = GetOpportunity(deps)(principal, rid).opportunity
            return Head(kind, rid, deal.name, deal.account_id)
        if kind == "activities":
            activity = GetActivity(deps)(principal, rid)
            return Head(kind, rid, activity.subject, activity.account_id)
        if kind == "leads":
            lead = ViewLead(deps)(principal, rid).lead
            return Head(kind, rid, f"{lead.company_name} {lead.last_name} {lead.first_name}".strip(), None)
        campaign = ViewCampaign(deps)(principal, rid).campaign
        return Head(kind, rid, campaign.name, None)


def _back(head: Head) -> Template | Redirect:
    return Redirect(head.href, status_code=303)


def _staff_values(view: StaffView) -> dict[str, Any]:
    main = next((m.user_id for m in view.staff if m.is_main), None)
    return {"staff_user_ids": [str(m.user_id) for m in view.staff], "main_user_id": str(main or ""),
            "version": str(view.version)}


def _relation_values(view: RelationsView, names: Mapping[UUID, str]) -> dict[str, Any]:
    values: dict[str, Any] = {"version": str(view.version)}
    for i, r in enumerate(view.relations):
        values |= {f"relations-{i}-person_id": str(r.person_id),
                   f"relations-{i}-person_id_label": names.get(r.person_id, ""),
                   f"relations-{i}-role_code": r.role_code or ""}
    return values


def _rows(values: Mapping[str, Any]) -> list[int]:
    return sorted({int(m.group(1)) for m in (RELATION_ROW.match(k) for k in values) if m})


@frozen
class PeopleForm:
    """One of the page's two forms as the template shows it."""

    values: Mapping[str, Any]
    errors: Mapping[str, str]
    conflict: Conflict | None = None


@frozen
class PeopleDeps:
    sales: SalesDeps
    users: UserIndex
    code_lists: ListCodeLists


def _people_page(
    request: Request[Any, Any, Any], principal: Principal, d: PeopleDeps, head: Head, *,
    staff: PeopleForm | None = None, relations: PeopleForm | None = None, status_code: int = 200,
) -> Template:
    """The staff page; the form not being answered shows the record as it is now."""
    rtype = RESOURCES[head.kind]
    if staff is None:
        staff = PeopleForm(_staff_values(GetStaff(d.sales)(principal, rtype, head.id)), {})
    if relations is None and head.kind in RELATION_KINDS:
        view = GetRelations(d.sales)(principal, rtype, head.id)
        names = person_names(d.sales, principal, head.account_id, view.relations)
        relations = PeopleForm(_relation_values(view, names), {})
    users = UserNames(d.users(principal))
    if staff.values.get("main_user_id") and not staff.values.get("main_user_id_label"):
        staff = PeopleForm({**staff.values, "main_user_id_label": users.name(staff.values["main_user_id"])},
                           staff.errors)
    lists = code_lists_by_key(principal, d.code_lists)
    role_options = code_options(lists, RELATION_ROLE) if RELATION_ROLE in lists else None
    return page(request, "record_people.html", status_code=status_code, context={
        "head": head, "staff": staff, "relations": relations,
        "chosen_staff": chosen(staff.values.get("staff_user_ids"), users),
        "rows": (_rows(relations.values) or [0]) if relations else [], "role_options": role_options,
    })


def _people_deps(sales_deps: SalesDeps, user_index: UserIndex, list_code_lists: ListCodeLists) -> PeopleDeps:
    return PeopleDeps(sales=sales_deps, users=user_index, code_lists=list_code_lists)


def _people_form(
    kind: str, request: Request[Any, Any, Any], principal: Principal, raw_id: str, sales_deps: SalesDeps,
    user_index: UserIndex, list_code_lists: ListCodeLists,
) -> Template:
    """自社担当者 / 関係者 の編集 (full users only)."""
    head = _head(sales_deps, principal, kind, raw_id)
    ensure_writer(principal)
    return _people_page(request, principal, _people_deps(sales_deps, user_index, list_code_lists), head)


def _staff_save(
    kind: str, request: Request[Any, Any, Any], principal: Principal, raw_id: str, data: FormBody,
    sales_deps: SalesDeps, user_index: UserIndex, list_code_lists: ListCodeLists,
) -> Template | Redirect:
    """Replace the staff: the chosen users, the 主担当 one marked (added when not chosen)."""
    head = _head(sales_deps, principal, kind, raw_id)
    ensure_writer(principal)
    form = FieldReader(data)
    chosen = list(dict.fromkeys(form.uuids("staff_user_ids")))
    main = form.uuid("main_user_id")
    version = form.integer("version")
    if version is None:
        form.errors["version"] = BAD_CHOICE
    if main is not None and main not in chosen:
        chosen.insert(0, main)
    members = tuple(StaffMember(user_id=cast(UserId, u), is_main=u == main) for u in chosen)
    d = _people_deps(sales_deps, user_index, list_code_lists)

    def render(errors: dict[str, str], conflict: Conflict | None, status: int) -> Template | Redirect:
        shown = form_errors(errors, {"staff": "staff_user_ids"})
        return _people_page(request, principal, d, head, staff=PeopleForm(form.values, shown, conflict),
                            status_code=status)

    return submit(
        lambda: ReplaceStaff(sales_deps)(principal, ReplaceStaffCommand(
            record_type=RESOURCES[head.kind], record_id=head.id, staff=members, expected_version=version or 0)),
        on_success=lambda _: _back(head), render=render, reader=form,
    )


def _relations_save(
    kind: str, request: Request[Any, Any, Any], principal: Principal, raw_id: str, data: FormBody,
    sales_deps: SalesDeps, user_index: UserIndex, list_code_lists: ListCodeLists,
) -> Template | Redirect:
    """Replace the relations: rows ``relations-<i>-person_id`` (lookup) and ``-role_code``; empty rows
    are dropped, a role without a person is an error."""
    head = _head(sales_deps, principal, kind, raw_id)
    ensure_writer(principal)
    form = FieldReader(data)
    version = form.integer("version")
    if version is None:
        form.errors["version"] = BAD_CHOICE
    relations: list[Relation] = []
    for i in _rows(data):
        person = form.uuid(f"relations-{i}-person_id")
        role = form.text(f"relations-{i}-role_code")
        form.raw(f"relations-{i}-person_id_label")
        if person is not None:
            relations.append(Relation(person_id=person, role_code=role))
        elif role is not None and f"relations-{i}-person_id" not in form.errors:
            form.errors[f"relations-{i}-person_id"] = labels_for(principal).pair("collab.person_required")
    d = _people_deps(sales_deps, user_index, list_code_lists)

    def render(errors: dict[str, str], conflict: Conflict | None, status: int) -> Template | Redirect:
        return _people_page(request, principal, d, head, relations=PeopleForm(form.values, errors, conflict),
                            status_code=status)

    return submit(
        lambda: ReplaceRelations(sales_deps)(principal, ReplaceRelationsCommand(
            record_type=RESOURCES[head.kind], record_id=head.id, relations=tuple(relations),
            expected_version=version or 0)),
        on_success=lambda _: _back(head), render=render, reader=form,
    )


def kind_routes(kind: str) -> list[HTTPRouteHandler]:
    """One family's handlers (litestar needs one handler per path: a path list breaks sync handlers)."""
    base = f"/{kind}/{{raw_id:str}}"

    @get(f"{base}/staff", include_in_schema=False, sync_to_thread=True)
    def people_form(
        request: Request[Any, Any, Any], principal: Principal, raw_id: str, sales_deps: SalesDeps,
        user_index: UserIndex, list_code_lists: ListCodeLists,
    ) -> Template:
        return _people_form(kind, request, principal, raw_id, sales_deps, user_index, list_code_lists)

    @post(f"{base}/staff", include_in_schema=False, sync_to_thread=True)
    def staff_save(
        request: Request[Any, Any, Any], principal: Principal, raw_id: str, data: FormBody, sales_deps: SalesDeps,
        user_index: UserIndex, list_code_lists: ListCodeLists,
    ) -> Template | Redirect:
        return _staff_save(kind, request, principal, raw_id, data, sales_deps, user_index, list_code_lists)

    handlers: list[HTTPRouteHandler] = [people_form, staff_save]
    if kind in RELATION_KINDS:
        @post(f"{base}/relations", include_in_schema=False, sync_to_thread=True)
        def relations_save(
            request: Request[Any, Any, Any], principal: Principal, raw_id: str, data: FormBody,
            sales_deps: SalesDeps, user_index: UserIndex, list_code_lists: ListCodeLists,
        ) -> Template | Redirect:
            return _relations_save(kind, request, principal, raw_id, data, sales_deps, user_index, list_code_lists)

        handlers.append(relations_save)
    if kind in COMMENT_KINDS:
        @post(f"{base}/comments", include_in_schema=False, sync_to_thread=True)
        def record_comment(
            request: Request[Any, Any, Any], principal: Principal, raw_id: str, data: FormBody,
            sales_deps: SalesDeps,
        ) -> Template | Redirect:
            return _comment(kind, request, principal, raw_id, data, sales_deps)

        handlers.append(record_comment)
    return handlers


ROUTES = tuple(handler for kind in RESOURCES for handler in kind_routes(kind))
"""This module's pages, registered in the UI router."""
