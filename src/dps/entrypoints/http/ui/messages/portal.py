"""Labels of the portal screens."""

from __future__ import annotations

MESSAGES: dict[str, tuple[str, str]] = {
    "portal.title": ("ポータル", "Portal"),
    "portal.profile": ("ログイン中のユーザ", "Signed in as"),
    "portal.name": ("氏名", "Name"),
    "portal.login_id": ("ログインID", "Login ID"),
    "portal.organization": ("所属組織", "Organisation"),
    "portal.license": ("ライセンス", "Licence"),
    "portal.no_organization": ("未所属", "none"),
    # 今後の予定
    "portal.upcoming": ("今後の予定", "Upcoming"),
    "portal.upcoming_empty": ("今後の予定はありません。", "Nothing planned."),
    "portal.new_activity": ("活動を登録", "Register an activity"),
    "portal.date": ("日付", "Date"),
    "portal.time": ("時刻", "Time"),
    "portal.kind": ("種別", "Kind"),
    "portal.subject": ("件名", "Subject"),
    "portal.account": ("取引先", "Account"),
    "portal.opportunity": ("案件", "Opportunity"),
    "portal.owner": ("担当者", "Owner"),
    # 自担当の進行中案件
    "portal.pipeline": ("自担当の進行中案件", "My open opportunities"),
    "portal.pipeline_chart": ("ステージ別の見込金額（自担当・進行中）", "Expected amount by stage (mine, open)"),
    "portal.pipeline_empty": ("進行中の案件はありません。", "No open opportunities."),
    "portal.new_opportunity": ("案件を登録", "Register an opportunity"),
    "portal.stage": ("ステージ", "Stage"),
    "portal.count": ("件数", "Count"),
    "portal.expected_amount": ("見込金額", "Expected amount"),
    "portal.total": ("合計", "Total"),
    "portal.nearest": ("受注予定日が近い案件", "Nearest expected orders"),
    "portal.nearest_empty": ("受注予定日が今日以降の案件はありません。", "No expected orders from today on."),
    "portal.expected_order_date": ("受注予定日", "Expected order date"),
    # チームの最近の活動
    "portal.team": ("チームの最近の活動", "Team's recent activities"),
    "portal.team_empty": ("まだ活動がありません。", "No activities yet."),
    # 通知
    "portal.notifications": ("通知", "Notifications"),
    "portal.unread": ("未読", "Unread"),
    "portal.all_notifications": ("すべての通知", "All notifications"),
    "portal.notifications_empty": ("通知はありません。", "No notifications."),
    # 受注実績と予算
    "portal.orders": ("受注実績と受注予算", "Orders vs budget"),
    "portal.orders_chart": ("月別の受注予算（棒）と受注実績（線）", "Monthly budget (bars) and orders (line)"),
    "portal.orders_no_org": ("主所属の組織がないため表示できません。", "You have no primary organisation."),
    "portal.month": ("月", "Month"),
    "portal.budget": ("受注予算", "Budget"),
    "portal.ordered": ("受注実績", "Orders"),
    "portal.achievement": ("達成率", "Achieved"),
    "portal.unit_thousand_yen": ("単位：千円", "Unit: thousand yen"),
    "portal.thousand_yen": ("千円", "thousand yen"),
}
