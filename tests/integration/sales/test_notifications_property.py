"""Property (R7): for random owners, creators, staff, 非公開 allow-lists, parent opportunities, actors
and extra recipients, the notifier writes exactly one notification to each interested user who can
see the record (and its restricted parent) today, and to nobody else. The oracle walks the fixed
organisation and group trees by hand, independently of the Viewer and the closure table."""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from datetime import UTC, date, datetime

import pytest
import sqlalchemy as sa
from attrs import frozen
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from dps.adapters.db.tables.collaboration import notifications
from dps.application.sales.deps import SalesDeps
from dps.application.sales.uow import SalesUnitOfWork
from dps.application.shared.paging import PageRequest
from dps.application.visibility.viewers import viewer_for
from dps.bootstrap.container import Container
from dps.domain.sales.events import EventKind, RecordEvent
from dps.domain.sales.notifications import Notification
from dps.domain.sales.records import RecordType
from dps.domain.shared.principal import Principal
from dps.domain.visibility.policy import Viewer
from dps.domain.visibility.records import Restriction
from tests.integration.sales.test_comments_support import Directory, build_directory, insert_record

LOGINS = ("oscar", "sam", "alice", "olga", "frank", "luke", "gina")
ORG_PARENT: dict[str, str | None] = {"HQ": None, "SALES": "HQ", "TEAM1": "SALES", "ADMIN": "HQ"}
GROUP_PARENT: dict[str, str | None] = {"KEY": None, "KEY_EAST": "KEY"}
ORGS_NOW = {"oscar": {"TEAM1"}, "sam": {"SALES"}, "alice": {"ADMIN"}, "olga": {"ADMIN"}, "frank": {"ADMIN"},
            "luke": {"TEAM1"}, "gina": set()}
GROUPS_NOW = {"gina": {"KEY_EAST"}}


def _up(node: str, parent: dict[str, str | None]) -> set[str]:
    found: set[str] = set()
    cur: str | None = node
    while cur is not None:
        found.add(cur)
        cur = parent[cur]
    return found


@frozen
class Access:
    owner: str | None
    creator: str | None
    staff: frozenset[str]
    restricted: bool
    users: frozenset[str]
    orgs: frozenset[str]
    groups: frozenset[str]

    def seen_by(self, login: str) -> bool:
        """R2 by hand: listing an organisation or group includes its children."""
        if not self.restricted or login in {self.owner, self.creator} | self.staff | self.users:
            return True
        my_org_ancestors = set().union(*(_up(o, ORG_PARENT) for o in ORGS_NOW[login]))
        my_group_ancestors = set().union(*(_up(g, GROUP_PARENT) for g in GROUPS_NOW.get(login, set())))
        return bool(self.orgs & my_org_ancestors or self.groups & my_group_ancestors)


def _subset(items: Iterable[str]) -> st.SearchStrategy[frozenset[str]]:
    return st.frozensets(st.sampled_from(tuple(items)), max_size=3)


accesses = st.builds(
    Access, owner=st.none() | st.sampled_from(LOGINS), creator=st.none() | st.sampled_from(LOGINS),
    staff=_subset(LOGINS), restricted=st.booleans(), users=_subset(LOGINS), orgs=_subset(ORG_PARENT),
    groups=_subset(GROUP_PARENT),
)


@pytest.fixture
def people(container: Container, admin: Principal) -> Directory:
    return build_directory(container, admin)


def _insert(container: Container, people: Directory, record_type: RecordType, a: Access,
            opportunity_id: object = None) -> object:
    restriction = Restriction(
        users=frozenset(people.id(u) for u in a.users), organizations=frozenset(people.orgs[o] for o in a.orgs),
        groups=frozenset(people.groups[g] for g in a.groups),
    ) if a.restricted else None
    return insert_record(
        container.engine(), people.tenant_id, record_type,
        owner=people.id(a.owner) if a.owner else None, creator=people.id(a.creator) if a.creator else None,
        staff=[people.id(s) for s in a.staff], restriction=restriction,
        opportunity_id=opportunity_id,  # type: ignore[arg-type]
    )


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(record=accesses, parent=st.none() | accesses, actor=st.sampled_from(LOGINS), extra=_subset(LOGINS),
       kind=st.sampled_from(list(EventKind)))
def test_notifications_go_exactly_to_interested_users_who_can_see_the_record(
    container: Container, people: Directory, record: Access, parent: Access | None, actor: str,
    extra: frozenset[str], kind: EventKind,
) -> None:
    deps: SalesDeps = container.sales_deps()
    if parent is None:
        record_type, record_id = RecordType.ACCOUNT, _insert(container, people, RecordType.ACCOUNT, record)
    else:
        deal = _insert(container, people, RecordType.OPPORTUNITY, parent)
        record_type, record_id = RecordType.ACTIVITY, _insert(container, people, RecordType.ACTIVITY, record, deal)
    event = RecordEvent(kind=kind, record_type=record_type, record_id=record_id,  # type: ignore[arg-type]
                        actor_id=people.id(actor), extra_recipients=frozenset(people.id(u) for u in extra))

    with deps.uow(people.tenant_id) as uow:
        deps.notifier.notify(uow, event)
        rows = uow.conn.execute(sa.select(notifications.c.user_id).where(notifications.c.record_id == record_id))  # type: ignore[attr-defined]
        told = [r.user_id for r in rows]
        # rolled back on exit: every example starts without notifications

    interested = {record.owner, record.creator, *record.staff, *extra} - {None, actor}
    expected = {
        people.id(u) for u in interested
        if u is not None and record.seen_by(u) and (parent is None or parent.seen_by(u))
    }
    assert sorted(told) == sorted(expected)  # one each, to exactly those


_VIEWERS: dict[tuple[object, str], Viewer] = {}


def _viewer(uow: SalesUnitOfWork, people: Directory, login: str) -> Viewer:
    """Built once per directory: the directory does not change between examples."""
    key = (people.tenant_id, login)
    if key not in _VIEWERS:
        _VIEWERS[key] = viewer_for(uow, people.principals[login], date.today())
    return _VIEWERS[key]


@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(record=accesses, parent=st.none() | accesses)
def test_reading_shows_a_notification_exactly_when_its_record_is_visible(
    container: Container, people: Directory, record: Access, parent: Access | None
) -> None:
    """The SQL filter of the inbox (with the parent opportunity of an activity, R6) agrees with the
    hand-walked rule for every user."""
    deps: SalesDeps = container.sales_deps()
    if parent is None:
        record_type, record_id = RecordType.ACCOUNT, _insert(container, people, RecordType.ACCOUNT, record)
    else:
        deal = _insert(container, people, RecordType.OPPORTUNITY, parent)
        record_type, record_id = RecordType.ACTIVITY, _insert(container, people, RecordType.ACTIVITY, record, deal)
    with deps.uow(people.tenant_id) as uow:
        uow.notifications.add_many([
            Notification(id=uuid.uuid4(), user_id=people.id(login), kind=EventKind.RECORD_CHANGED,
                         record_type=record_type, record_id=record_id, actor_id=None, summary="x",  # type: ignore[arg-type]
                         created_at=datetime.now(UTC))
            for login in LOGINS
        ])
        for login in LOGINS:
            viewer = _viewer(uow, people, login)
            expected = record.seen_by(login) and (parent is None or parent.seen_by(login))
            assert uow.notifications.count_unread(viewer) == int(expected), login
            if login == "olga":  # the list compiles the same filter; once per example is enough
                page = uow.notifications.page_for(viewer, unread_only=True, request=PageRequest())
                assert [n.record_id for n in page.items] == ([record_id] if expected else [])
        # rolled back on exit
