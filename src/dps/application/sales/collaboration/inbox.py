"""My notifications: list (newest first, optionally unread only), unread count, mark one or all
read. Only the reader's own, and only those whose record the reader can still see (R7); another
user's notification is not found."""

from __future__ import annotations

from uuid import UUID

from dps.application.sales.access import viewer_in
from dps.application.sales.collaboration.views import NotificationView
from dps.application.sales.deps import SalesDeps
from dps.application.shared.errors import NotFound
from dps.application.shared.paging import Page, PageRequest
from dps.domain.shared.principal import Principal


class ListNotifications:
    def __init__(self, deps: SalesDeps) -> None:
        self._d = deps

    def __call__(self, principal: Principal, *, unread_only: bool, request: PageRequest) -> Page[NotificationView]:
        with self._d.reading(principal.tenant_id) as uow:
            viewer = viewer_in(uow, principal, self._d.clock)
            return uow.notifications.page_for(viewer, unread_only=unread_only, request=request)


class CountUnreadNotifications:
    def __init__(self, deps: SalesDeps) -> None:
        self._d = deps

    def __call__(self, principal: Principal) -> int:
        with self._d.reading(principal.tenant_id) as uow:
            return uow.notifications.count_unread(viewer_in(uow, principal, self._d.clock))


class MarkNotificationRead:
    """Reading twice keeps the first read time."""

    def __init__(self, deps: SalesDeps) -> None:
        self._d = deps

    def __call__(self, principal: Principal, notification_id: UUID) -> NotificationView:
        d = self._d
        with d.uow(principal.tenant_id) as uow:
            viewer = viewer_in(uow, principal, d.clock)
            if uow.notifications.view(viewer, notification_id) is None:
                raise NotFound("notification", notification_id)
            uow.notifications.mark_read(principal.user_id, notification_id, d.clock.now())
            view = uow.notifications.view(viewer, notification_id)
            uow.commit()
        assert view is not None
        return view


class MarkAllNotificationsRead:
    """Returns how many were unread."""

    def __init__(self, deps: SalesDeps) -> None:
        self._d = deps

    def __call__(self, principal: Principal) -> int:
        d = self._d
        with d.uow(principal.tenant_id) as uow:
            count = uow.notifications.mark_all_read(viewer_in(uow, principal, d.clock), d.clock.now())
            uow.commit()
        return count
