"""Business cards on both engines: the newest card is current and moves the person (異動); an older
card added later is history only; the history lists moves newest first."""

from __future__ import annotations

from datetime import date

import pytest

from dps.application.sales.accounts.record_parts import RecordParts
from dps.application.sales.persons.cards import AddBusinessCard, AddBusinessCardCommand, ListBusinessCards
from dps.application.sales.persons.queries import GetPerson
from dps.application.shared.errors import Invalid, NotFound
from dps.bootstrap.container import Container
from dps.domain.shared.principal import Principal
from dps.domain.tenancy.tenants import Tenant
from dps.domain.visibility.records import Restriction
from tests.integration.sales.accounts_helpers import Directory, build_directory


@pytest.fixture
def d(container: Container, tenant: Tenant, admin: Principal) -> Directory:
    return build_directory(container, tenant, admin)


def test_newer_card_moves_the_person_older_card_is_history(d: Directory) -> None:
    first, second = d.account("alice", "旧社"), d.account("alice", "新社")
    person = d.person("alice", first, "木村", department="営業部", title="主任")
    add = AddBusinessCard(d.deps)
    alice = d.principal("alice")

    promoted = add(alice, AddBusinessCardCommand(person.id, date(2024, 4, 1), {
        "company_name": "旧社", "last_name": "木村", "department": "営業部", "title": "課長"}, account_id=first.id))
    assert promoted.is_current
    assert promoted.move is not None
    assert promoted.move.changed == ("title",)
    assert promoted.card.received_by == d.users["alice"]

    moved = add(alice, AddBusinessCardCommand(person.id, date(2026, 4, 1), {
        "company_name": "新社", "last_name": "木村", "department": "企画部", "title": "部長"}, account_id=second.id))
    assert moved.move is not None
    assert set(moved.move.changed) == {"account_id", "department", "title"}
    now = GetPerson(d.deps)(alice, person.id).person
    assert (now.account_id, now.department, now.title) == (second.id, "企画部", "部長")
    assert now.version == 3

    old = add(alice, AddBusinessCardCommand(person.id, date(2020, 4, 1), {
        "company_name": "旧社", "last_name": "木村", "department": "総務部", "title": "担当"}, account_id=first.id))
    assert not old.is_current
    assert old.move is None
    unchanged = GetPerson(d.deps)(alice, person.id).person
    assert (unchanged.account_id, unchanged.title, unchanged.version) == (second.id, "部長", 3)

    history = ListBusinessCards(d.deps)(d.principal("dave"), person.id)
    assert [e.card.received_on.year for e in history] == [2026, 2024, 2020]
    assert [e.is_current for e in history] == [True, False, False]
    assert history[0].changed == ("company", "department", "title")
    assert history[1].changed == ("department", "title")
    assert history[2].changed == ()


def test_card_checks(d: Directory) -> None:
    account = d.account("alice", "A社")
    person = d.person("alice", account, "林")
    alice = d.principal("alice")
    with pytest.raises(Invalid) as no_company:
        AddBusinessCard(d.deps)(alice, AddBusinessCardCommand(person.id, date(2026, 1, 1), {"last_name": "林"}))
    assert "company_name" in no_company.value.errors
    with pytest.raises(Invalid) as unknown:
        AddBusinessCard(d.deps)(alice, AddBusinessCardCommand(
            person.id, date(2026, 1, 1), {"company_name": "A社", "last_name": "林", "shoe_size": "27"}))
    assert "shoe_size" in unknown.value.errors
    hidden = d.account("erin", "隠し社", parts=RecordParts(restriction=Restriction()))
    with pytest.raises(Invalid):
        AddBusinessCard(d.deps)(alice, AddBusinessCardCommand(
            person.id, date(2026, 1, 1), {"company_name": "隠し社", "last_name": "林"}, account_id=hidden.id))
    secret = d.person("erin", account, "秘", parts=RecordParts(restriction=Restriction()))
    with pytest.raises(NotFound):
        ListBusinessCards(d.deps)(alice, secret.id)
