"""The demo data is consistent before it ever meets a database."""

from __future__ import annotations

from collections import Counter

from dps.application.demo import seed
from dps.domain.directory.users import check_password_strength, validate_login_id
from dps.domain.shared.principal import License


def test_login_ids_are_valid_and_unique() -> None:
    logins = [u.login_id for u in seed.USERS]
    assert len(logins) == len(set(logins)) >= 12
    assert all(validate_login_id(login) == login for login in logins)
    assert [u.login_id for u in seed.USERS if u.admin] == [seed.DEMO_ADMIN_LOGIN]


def test_the_demo_password_is_strong_enough_for_every_user() -> None:
    for u in seed.USERS:
        check_password_strength(seed.DEMO_PASSWORD, login_id=u.login_id)


def test_users_fit_the_licences_and_both_types_are_there() -> None:
    counts = Counter(u.license for u in seed.USERS)
    assert 0 < counts[License.FULL] <= seed.DEMO_FULL_LICENSES
    assert 0 < counts[License.LIGHT] <= seed.DEMO_LIGHT_LICENSES


def test_the_tree_lists_parents_first_and_is_at_least_four_levels_deep() -> None:
    companies = {c.code for c in seed.COMPANIES}
    seen: dict[tuple[str, str], int] = {}
    for o in seed.ORGANIZATIONS:
        assert o.company in companies
        assert (o.company, o.code) not in seen
        level = 1 if o.parent is None else seen[o.company, o.parent] + 1
        seen[o.company, o.code] = level
    assert max(seen.values()) >= 4
    assert {company for company, _ in seen} == companies


def test_every_post_names_a_known_organisation_position_and_group_role() -> None:
    orgs = {(o.company, o.code) for o in seed.ORGANIZATIONS}
    positions = {p.code for p in seed.POSITIONS}
    roles = {g.code: {code for code, _ in g.roles} for g in seed.GROUPS}
    for u in seed.USERS:
        for post in (u.primary, *u.concurrent):
            assert (post.company, post.org) in orgs
            assert post.position is None or post.position in positions
        for group, role in u.groups:
            assert role in roles[group]
    assert any(u.concurrent for u in seed.USERS)
