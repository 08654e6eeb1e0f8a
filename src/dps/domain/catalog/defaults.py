"""The code lists every new tenant starts with: sensible Japanese defaults an admin can change."""

from __future__ import annotations

from dps.domain.catalog.code_lists import CodeList, CodeValue

_Row = tuple[str, str, str] | tuple[str, str, str, int]

_DEFAULTS: dict[str, list[_Row]] = {
    "opportunity_stage": [
        ("10", "情報収集", "Qualification"), ("20", "提案", "Proposal"), ("30", "見積提出", "Quotation"),
        ("40", "交渉", "Negotiation"), ("50", "内示", "Verbal commitment"), ("90", "受注", "Won"),
        ("91", "失注", "Lost"), ("92", "中止", "Cancelled"),
    ],
    "certainty": [
        ("A", "A (80%)", "A (80%)", 80), ("B", "B (50%)", "B (50%)", 50), ("C", "C (20%)", "C (20%)", 20),
        ("D", "ヨミ (10%)", "Forecast (10%)", 10), ("WON", "受注", "Won", 100), ("LOST", "失注", "Lost", 0),
    ],
    "activity_kind": [
        ("visit", "訪問", "Visit"), ("call", "電話", "Call"), ("mail", "メール", "Mail"),
        ("web", "Web会議", "Web meeting"), ("reception", "来社", "Customer visit"),
        ("seminar", "セミナー", "Seminar"), ("other", "その他", "Other"),
    ],
    "activity_purpose": [
        ("greeting", "挨拶", "Greeting"), ("hearing", "ヒアリング", "Discovery"), ("proposal", "提案", "Proposal"),
        ("quotation", "見積提出", "Quotation"), ("negotiation", "交渉", "Negotiation"),
        ("contract", "契約", "Contract"), ("follow", "フォロー", "Follow-up"),
    ],
    "activity_result": [
        ("forward", "前進", "Moved forward"), ("same", "現状維持", "No change"), ("back", "後退", "Moved back"),
        ("won", "受注", "Won"), ("lost", "失注", "Lost"),
    ],
    "account_type": [
        ("customer", "顧客", "Customer"), ("prospect", "見込客", "Prospect"), ("competitor", "競合", "Competitor"),
        ("partner", "パートナー", "Partner"), ("supplier", "仕入先", "Supplier"),
    ],
    "transaction_status": [
        ("active", "取引中", "Active"), ("none", "未取引", "Not yet"), ("dormant", "休眠", "Dormant"),
        ("stopped", "取引停止", "Stopped"),
    ],
    "industry": [
        ("manufacturing", "製造業", "Manufacturing"), ("wholesale", "卸売業", "Wholesale"),
        ("retail", "小売業", "Retail"), ("it", "情報通信業", "Information & communications"),
        ("finance", "金融・保険業", "Finance & insurance"), ("construction", "建設業", "Construction"),
        ("services", "サービス業", "Services"), ("public", "官公庁・団体", "Public sector"),
        ("other", "その他", "Other"),
    ],
    "company_size": [
        ("s", "50名以下", "Up to 50"), ("m", "51〜300名", "51-300"), ("l", "301〜1000名", "301-1,000"),
        ("xl", "1001名以上", "Over 1,000"),
    ],
    "lead_status": [
        ("new", "未対応", "New"), ("working", "対応中", "Working"), ("qualified", "見込あり", "Qualified"),
        ("unqualified", "見込なし", "Unqualified"), ("converted", "商談化", "Converted"),
    ],
    "lead_source": [
        ("seminar", "セミナー", "Seminar"), ("exhibition", "展示会", "Exhibition"), ("web", "Web問合せ", "Web inquiry"),
        ("referral", "紹介", "Referral"), ("card", "名刺交換", "Business card"), ("other", "その他", "Other"),
    ],
    "campaign_kind": [
        ("seminar", "セミナー", "Seminar"), ("exhibition", "展示会", "Exhibition"),
        ("mailing", "メール配信", "Mailing"), ("web_ad", "Web広告", "Web advertising"), ("other", "その他", "Other"),
    ],
    "campaign_status": [
        ("planned", "計画中", "Planned"), ("running", "実施中", "Running"), ("done", "終了", "Done"),
        ("cancelled", "中止", "Cancelled"),
    ],
    "product_category": [
        ("hardware", "ハードウェア", "Hardware"), ("software", "ソフトウェア", "Software"),
        ("service", "サービス", "Services"), ("maintenance", "保守", "Maintenance"), ("other", "その他", "Other"),
    ],
    "campaign_follow_status": [
        ("invited", "招待", "Invited"), ("registered", "申込", "Registered"), ("attended", "参加", "Attended"),
        ("absent", "欠席", "No-show"), ("followed", "フォロー済", "Followed up"),
    ],
    "relation_role": [
        ("decision_maker", "決裁者", "Decision maker"), ("contact", "窓口", "Contact"),
        ("influencer", "影響者", "Influencer"), ("user", "利用者", "User"),
    ],
    "budget_kind": [
        ("orders", "受注予算", "Orders"), ("sales", "売上予算", "Sales"), ("gross_profit", "粗利予算", "Gross profit"),
    ],
}


def default_code_lists() -> list[CodeList]:
    lists = []
    for key, rows in _DEFAULTS.items():
        values = [
            CodeValue(code=r[0], label_ja=r[1], label_en=r[2], sort_order=(i + 1) * 10,
                      probability=r[3] if len(r) > 3 else None)  # type: ignore[misc]
            for i, r in enumerate(rows)
        ]
        lists.append(CodeList(key=key, values=values))
    return lists
