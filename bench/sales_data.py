"""Generate the sales-core benchmark tenant on PostgreSQL, set-based (INSERT ... SELECT on the server).

At scale 1.0: 10,000 users in 500 organisations (6 levels), 200,000 accounts, 1,000,000
opportunities (10% 非公開 with allow-lists, 30% with staff) and 3,000,000 activities (60% linked
to an opportunity). Ids are random UUIDs (gen_random_uuid) rather than v7: the app never relies on
id order for anything but tie-breaking, and generating v7 ids server-side would need an extension.

Run through `bench/sales_scale.py`, which generates once and then measures.
"""

from __future__ import annotations

import time
import uuid
from collections.abc import Callable
from datetime import UTC, date, datetime

import sqlalchemy as sa

from dps.domain.shared.text import normalize_for_search

LEVELS = (1, 4, 15, 50, 130, 300)
"""Organisations per level: 500 in 6 levels at scale 1.0 (the tree does not scale down)."""

WORDS_A = [
    "東京",
    "大阪",
    "名古屋",
    "横浜",
    "京都",
    "神戸",
    "札幌",
    "福岡",
    "仙台",
    "広島",
    "日本",
    "中央",
    "北陸",
    "九州",
    "四国",
    "東洋",
    "太平洋",
    "富士",
    "桜",
    "青葉",
    "アサヒ",
    "ミドリ",
    "サクラ",
    "ヒカリ",
    "ミライ",
    "ソラ",
    "ホシ",
    "ヤマト",
    "カワ",
    "ウミ",
]
WORDS_B = [
    "商事",
    "電機",
    "製作所",
    "物産",
    "工業",
    "建設",
    "システム",
    "ソリューションズ",
    "化学",
    "食品",
    "運輸",
    "不動産",
    "銀行",
    "証券",
    "薬品",
    "精機",
    "通信",
    "エンジニアリング",
    "テクノロジー",
    "ホールディングス",
]
KANA_A = [
    "とうきょう",
    "おおさか",
    "なごや",
    "よこはま",
    "きょうと",
    "こうべ",
    "さっぽろ",
    "ふくおか",
    "せんだい",
    "ひろしま",
    "にほん",
    "ちゅうおう",
    "ほくりく",
    "きゅうしゅう",
    "しこく",
    "とうよう",
    "たいへいよう",
    "ふじ",
    "さくら",
    "あおば",
    "あさひ",
    "みどり",
    "さくら",
    "ひかり",
    "みらい",
    "そら",
    "ほし",
    "やまと",
    "かわ",
    "うみ",
]
KANA_B = [
    "しょうじ",
    "でんき",
    "せいさくしょ",
    "ぶっさん",
    "こうぎょう",
    "けんせつ",
    "しすてむ",
    "そりゅーしょんず",
    "かがく",
    "しょくひん",
    "うんゆ",
    "ふどうさん",
    "ぎんこう",
    "しょうけん",
    "やくひん",
    "せいき",
    "つうしん",
    "えんじにありんぐ",
    "てくのろじー",
    "ほーるでぃんぐす",
]

OPEN_STAGES = ["10", "20", "30", "40", "50"]
CLOSED_STAGES = ["90", "91", "92"]


def _step(label: str, log: Callable[[str], None]) -> Callable[[], None]:
    started = time.perf_counter()

    def done() -> None:
        log(f"  {label}: {time.perf_counter() - started:.1f} s")

    return done


def generate(engine: sa.Engine, tenant_id: uuid.UUID, scale: float, log: Callable[[str], None]) -> dict[str, int]:
    """Fill the tenant (already created with its code lists) with the benchmark data."""
    n_users = max(50, int(10_000 * scale))
    n_accounts = max(100, int(200_000 * scale))
    n_opps = max(500, int(1_000_000 * scale))
    n_acts = max(1_500, int(3_000_000 * scale))
    t = str(tenant_id)
    now = datetime.now(UTC)
    with engine.begin() as conn:
        conn.execute(sa.text("SET LOCAL synchronous_commit = off"))
        done = _step("directory", log)
        company_id = uuid.uuid4()
        conn.execute(
            sa.text(
                "INSERT INTO companies (tenant_id, id, code, name, kana, valid_from, version) "
                "VALUES (:t, :id, 'bench', 'ベンチ株式会社', '', :d, 1)"
            ),
            {"t": t, "id": company_id, "d": date(2000, 1, 1)},
        )
        orgs: list[tuple[uuid.UUID, uuid.UUID | None, int]] = []
        previous: list[uuid.UUID] = []
        for level, count in enumerate(LEVELS):
            current = [uuid.uuid4() for _ in range(count)]
            for i, oid in enumerate(current):
                orgs.append((oid, previous[i % len(previous)] if previous else None, level))
            previous = current
        conn.execute(
            sa.text(
                "INSERT INTO organizations (tenant_id, id, company_id, code, version) VALUES (:t, :id, :c, :code, 1)"
            ),
            [{"t": t, "id": o, "c": company_id, "code": f"org{i:04d}"} for i, (o, _, _) in enumerate(orgs)],
        )
        conn.execute(
            sa.text(
                "INSERT INTO organization_versions (tenant_id, organization_id, valid_from, name, kana, parent_id, sort_key)"
                " VALUES (:t, :id, :d, :name, '', :parent, :sort)"
            ),
            [
                {"t": t, "id": o, "d": date(2000, 1, 1), "name": f"第{i}部門 (L{lv})", "parent": p, "sort": i}
                for i, (o, p, lv) in enumerate(orgs)
            ],
        )
        mgr_pos, staff_pos = uuid.uuid4(), uuid.uuid4()
        conn.execute(
            sa.text(
                "INSERT INTO positions (tenant_id, id, company_id, code, name, rank, is_manager, version) VALUES "
                "(:t, :m, :c, 'mgr', '部長', 10, true, 1), (:t, :s, :c, 'staff', '担当', 1, false, 1)"
            ),
            {"t": t, "m": mgr_pos, "s": staff_pos, "c": company_id},
        )
        conn.execute(sa.text("CREATE TEMP TABLE b_orgs (n int PRIMARY KEY, id uuid, level int) ON COMMIT DROP"))
        conn.execute(
            sa.text("INSERT INTO b_orgs VALUES (:n, :id, :lv)"),
            [{"n": i, "id": o, "lv": lv} for i, (o, _, lv) in enumerate(orgs)],
        )
        # users: spread over all organisations; the first user of each organisation is its manager
        conn.execute(sa.text("CREATE TEMP TABLE b_users (n int PRIMARY KEY, id uuid, org uuid) ON COMMIT DROP"))
        conn.execute(
            sa.text(
                "INSERT INTO b_users SELECT g, gen_random_uuid(), (SELECT id FROM b_orgs WHERE n = g % :orgs) "
                "FROM generate_series(0, :n - 1) g"
            ),
            {"n": n_users, "orgs": len(orgs)},
        )
        conn.execute(
            sa.text(
                "INSERT INTO users (tenant_id, id, login_id, name, kana, email, license, locale, time_zone, is_active, "
                "roles, failed_logins, version) SELECT :t, id, 'u' || lpad(n::text, 5, '0'), '社員' || n, '', '', "
                "CASE WHEN n % 10 = 9 THEN 'light' ELSE 'full' END, 'ja', 'Asia/Tokyo', true, '', 0, 1 FROM b_users"
            ),
            {"t": t},
        )
        conn.execute(
            sa.text(
                "INSERT INTO affiliations (tenant_id, id, user_id, organization_id, position_id, is_primary, valid_from) "
                "SELECT :t, gen_random_uuid(), id, org, CASE WHEN n < :orgs THEN CAST(:m AS uuid) "
                "ELSE CAST(:s AS uuid) END, true, :d FROM b_users"
            ),
            {"t": t, "orgs": len(orgs), "m": mgr_pos, "s": staff_pos, "d": date(2000, 1, 1)},
        )
        done()

        done = _step(f"{n_accounts:,} accounts", log)
        names = [
            (a + b, ka + kb)
            for a, ka in zip(WORDS_A, KANA_A, strict=True)
            for b, kb in zip(WORDS_B, KANA_B, strict=True)
        ]
        conn.execute(
            sa.text("CREATE TEMP TABLE b_names (n int PRIMARY KEY, name text, kana text, norm text) ON COMMIT DROP")
        )
        conn.execute(
            sa.text("INSERT INTO b_names VALUES (:n, :name, :kana, :norm)"),
            [
                {
                    "n": i,
                    "name": f"株式会社{nm}",
                    "kana": f"かぶしきがいしゃ{kn}",
                    "norm": normalize_for_search(f"株式会社{nm}", f"かぶしきがいしゃ{kn}"),
                }
                for i, (nm, kn) in enumerate(names)
            ],
        )
        conn.execute(sa.text("CREATE TEMP TABLE b_accounts (n int PRIMARY KEY, id uuid) ON COMMIT DROP"))
        conn.execute(
            sa.text("INSERT INTO b_accounts SELECT g, gen_random_uuid() FROM generate_series(0, :n - 1) g"),
            {"n": n_accounts},
        )
        conn.execute(
            sa.text(
                "INSERT INTO accounts (tenant_id, id, owner_id, owner_organization_id, created_by, created_at, updated_by, "
                "updated_at, is_restricted, custom_fields, search_text, version, name, kana, account_type_code, "
                "transaction_status_code) "
                "SELECT :t, a.id, u.id, u.org, u.id, :now, u.id, :now, a.n % 50 = 7, '{}', "
                "nm.norm || ' ' || a.n, 1, nm.name || ' ' || a.n, nm.kana, "
                "(ARRAY['customer','prospect','partner'])[1 + a.n % 3], (ARRAY['active','none','dormant'])[1 + a.n % 3] "
                "FROM b_accounts a JOIN b_users u ON u.n = (a.n * 7) % :users "
                "JOIN b_names nm ON nm.n = a.n % :names"
            ),
            {"t": t, "now": now, "users": n_users, "names": len(names)},
        )
        done()

        done = _step(f"{n_opps:,} opportunities", log)
        conn.execute(
            sa.text(
                "INSERT INTO opportunities (tenant_id, id, owner_id, owner_organization_id, created_by, created_at, "
                "updated_by, updated_at, is_restricted, custom_fields, search_text, version, name, account_id, "
                "stage_code, certainty_code, is_open, expected_order_date, expected_amount) "
                "SELECT :t, gen_random_uuid(), u.id, u.org, u.id, :now, u.id, :now, g % 10 = 3, '{}', "
                "'案件' || g, 1, '案件' || g, a.id, st.stage, (ARRAY['A','B','C','D'])[1 + g % 4], st.open, "
                "CASE WHEN g % 20 = 0 THEN NULL ELSE CURRENT_DATE + ((g * 37) % 720 - 360) END, (g % 1000) * 10000 "
                "FROM generate_series(0, :n - 1) g "
                "JOIN b_users u ON u.n = (g * 13) % :users "
                "JOIN b_accounts a ON a.n = g % :accounts "
                "CROSS JOIN LATERAL (SELECT CASE WHEN g % 10 < 7 THEN (ARRAY['10','20','30','40','50'])[1 + g % 5] "
                "ELSE (ARRAY['90','91','92'])[1 + g % 3] END AS stage, g % 10 < 7 AS open) st"
            ),
            {"t": t, "now": now, "n": n_opps, "users": n_users, "accounts": n_accounts},
        )
        done()

        done = _step("staff and 非公開 allow-lists", log)
        conn.execute(
            sa.text(
                "INSERT INTO record_staff (tenant_id, record_type, record_id, user_id, is_main) "
                "SELECT :t, 'opportunity', o.id, u.id, false FROM ("
                "  SELECT id, owner_id, row_number() OVER () AS rn FROM opportunities WHERE tenant_id = :t) o "
                "JOIN b_users u ON u.n = (o.rn * 31) % :users WHERE o.rn % 10 < 3 AND u.id <> o.owner_id"
            ),
            {"t": t, "users": n_users},
        )
        conn.execute(
            sa.text(
                "INSERT INTO record_acl (tenant_id, record_type, record_id, subject_type, subject_id) "
                "SELECT :t, 'opportunity', o.id, 'org', b.id FROM ("
                "  SELECT id, row_number() OVER () AS rn FROM opportunities WHERE tenant_id = :t AND is_restricted) o "
                "JOIN b_orgs b ON b.n = (o.rn * 17) % :orgs"
            ),
            {"t": t, "orgs": len(orgs)},
        )
        done()

        done = _step(f"{n_acts:,} activities", log)
        conn.execute(sa.text("CREATE TEMP TABLE b_opps (n int PRIMARY KEY, id uuid, account_id uuid) ON COMMIT DROP"))
        conn.execute(
            sa.text(
                "INSERT INTO b_opps SELECT row_number() OVER () - 1, id, account_id FROM opportunities "
                "WHERE tenant_id = :t"
            ),
            {"t": t},
        )
        conn.execute(
            sa.text(
                "INSERT INTO activities (tenant_id, id, owner_id, owner_organization_id, created_by, created_at, "
                "updated_by, updated_at, is_restricted, custom_fields, search_text, version, status, kind_code, "
                "subject, activity_date, account_id, opportunity_id) "
                "SELECT :t, gen_random_uuid(), u.id, u.org, u.id, :now, u.id, :now, false, '{}', '訪問 ' || g, 1, "
                "CASE WHEN g % 4 = 0 THEN 'planned' ELSE 'done' END, "
                "(ARRAY['visit','call','mail','web'])[1 + g % 4], '訪問 ' || g, CURRENT_DATE - (g % 720) + 30, "
                "COALESCE(o.account_id, a.id), o.id "
                "FROM generate_series(0, :n - 1) g "
                "JOIN b_users u ON u.n = (g * 11) % :users "
                "JOIN b_accounts a ON a.n = g % :accounts "
                "LEFT JOIN b_opps o ON g % 10 < 6 AND o.n = (g * 3) % :opps"
            ),
            {"t": t, "now": now, "n": n_acts, "users": n_users, "accounts": n_accounts, "opps": n_opps},
        )
        done()
    with engine.begin() as conn:  # bulk directory rows bypassed the unit of work: invalidate memos (ADR 12)
        conn.execute(sa.text("UPDATE tenants SET directory_version = directory_version + 1 WHERE id = :t"), {"t": t})
    done = _step("analyze", log)
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        conn.execute(sa.text("ANALYZE"))
    done()
    return {
        "users": n_users,
        "organizations": len(orgs),
        "accounts": n_accounts,
        "opportunities": n_opps,
        "activities": n_acts,
    }
