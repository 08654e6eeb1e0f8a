"""The hand-written SQL floor of the benchmark pages: each query returns the same rows, in the same
order, with the same columns as the JSON API's page (`url` and `full_name` are computed from these),
and applies the same rules - visibility (R1/R2, R6), 自担当 and the account name only where the
account is visible - written the way a careful engineer would write them by hand.

Parameters: :t tenant, :me user, :ancestors the viewer's organisations and their ancestors, :groups
the viewer's public groups and their ancestors (only when `with_groups`), :scope the organisations
of 自担当 (the viewer's and those under them), plus the page's own (:q, :after_value, :after_id).
"""

from __future__ import annotations


def visible(alias: str, record_type: str, *, with_groups: bool) -> str:
    """R1/R2: not 非公開, or the viewer owns, created, staffs or is on the allow-list of the row."""
    groups = " OR (l.subject_type = 'group' AND l.subject_id IN :groups)" if with_groups else ""
    return f"""(NOT {alias}.is_restricted OR {alias}.owner_id = :me OR {alias}.created_by = :me
       OR EXISTS (SELECT 1 FROM record_staff s WHERE s.tenant_id = :t AND s.record_type = '{record_type}'
                  AND s.record_id = {alias}.id AND s.user_id = :me)
       OR EXISTS (SELECT 1 FROM record_acl l WHERE l.tenant_id = :t AND l.record_type = '{record_type}'
                  AND l.record_id = {alias}.id AND ((l.subject_type = 'user' AND l.subject_id = :me)
                  OR (l.subject_type = 'org' AND l.subject_id IN :ancestors){groups})))"""


def mine(alias: str, record_type: str) -> str:
    """自担当 (R4): owner or staff is me, or the owner's organisation is one of :scope."""
    return f"""({alias}.owner_id = :me
       OR EXISTS (SELECT 1 FROM record_staff s WHERE s.tenant_id = :t AND s.record_type = '{record_type}'
                  AND s.record_id = {alias}.id AND s.user_id = :me)
       OR {alias}.owner_organization_id IN :scope)"""


def mine_open_opportunities(*, with_groups: bool, after: bool) -> str:
    """自担当 open opportunities, newest expected order date first; `after`: the page after
    (:after_value, :after_id) - the keyset condition of the second page."""
    keyset = "AND (o.expected_order_date, o.id) < (:after_value, :after_id)" if after else ""
    return f"""
SELECT o.id, o.name, o.account_id,
       (SELECT a.name FROM accounts a WHERE a.tenant_id = :t AND a.id = o.account_id
          AND {visible("a", "account", with_groups=with_groups)}) AS account_name,
       o.stage_code, o.certainty_code, o.is_open, o.expected_order_date, o.expected_amount, o.owner_id,
       o.campaign_id, o.is_restricted, o.updated_at, o.version
FROM opportunities o
WHERE o.tenant_id = :t AND o.is_open
  AND {mine("o", "opportunity")}
  AND {visible("o", "opportunity", with_groups=with_groups)}
  {keyset}
ORDER BY o.expected_order_date DESC NULLS LAST, o.id DESC
LIMIT 51
"""


def account_search(*, with_groups: bool) -> str:
    """Accounts whose search text contains :q, by name: every column of the API's list item."""
    return f"""
SELECT a.id, a.version, a.name, a.kana, a.code, a.short_name, a.corporate_number, a.postal_code, a.prefecture,
       a.address, a.phone, a.fax, a.url AS website, a.industry_code, a.size_code, a.account_type_code,
       a.transaction_status_code, a.employees, a.notes, a.parent_account_id, a.owner_id, a.owner_organization_id,
       a.created_by, a.created_at, a.updated_by, a.updated_at, a.is_restricted, a.custom_fields, a.en_name,
       a.closed_on, a.close_cause, a.successor_corporate_number
FROM accounts a
WHERE a.tenant_id = :t AND a.search_text LIKE :q
  AND {visible("a", "account", with_groups=with_groups)}
ORDER BY a.name, a.id
LIMIT 51
"""


def mine_activities(*, with_groups: bool) -> str:
    """自担当 activities, newest activity date first; an activity on an opportunity only where the
    opportunity is visible too (R6)."""
    return f"""
SELECT x.id, x.version, x.status, x.kind_code, x.subject, x.activity_date, x.starts_at, x.ends_at, x.purpose_code,
       x.result_code, x.content, x.next_action, x.next_action_on, x.account_id, x.opportunity_id, x.campaign_id,
       x.lead_id, x.owner_id, x.owner_organization_id, x.created_by, x.created_at, x.updated_by, x.updated_at,
       x.is_restricted, x.custom_fields
FROM activities x
WHERE x.tenant_id = :t
  AND {mine("x", "activity")}
  AND {visible("x", "activity", with_groups=with_groups)}
  AND (x.opportunity_id IS NULL
       OR EXISTS (SELECT 1 FROM opportunities o WHERE o.tenant_id = :t AND o.id = x.opportunity_id
                  AND {visible("o", "opportunity", with_groups=with_groups)}))
ORDER BY x.activity_date DESC, x.id DESC
LIMIT 51
"""
