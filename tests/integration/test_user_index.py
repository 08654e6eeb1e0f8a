"""The user index pages name owners and staff from: one read per directory version, shared by the
requests of a process, and a new or renamed user is seen on the next call (the version moved)."""

from __future__ import annotations

from dps.application.directory.users import AddUserCommand
from dps.bootstrap.container import Container
from dps.domain.shared.principal import License, Principal
from dps.domain.tenancy.tenants import Tenant


def test_the_index_is_reused_until_the_directory_changes(container: Container, tenant: Tenant,
                                                          admin: Principal) -> None:
    index = container.user_index()
    first = index(admin)
    assert index(admin) is first  # nothing changed: the same memo entry

    tanaka = container.add_user()(admin, AddUserCommand(login_id="tanaka", name="田中", kana="たなか",
                                                          license=License.FULL))
    after = index(admin)
    assert after is not first
    assert (after[tanaka.id].name, after[tanaka.id].login_id, after[tanaka.id].kana) == ("田中", "tanaka", "たなか")
    assert after[tanaka.id].is_active

    container.deactivate_user()(admin, "tanaka")
    gone = index(admin)
    assert gone[tanaka.id].name == "田中"  # inactive users still own records: still named
    assert not gone[tanaka.id].is_active
