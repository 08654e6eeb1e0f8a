"""The content of the demo sales data: Japanese company, person, product and campaign names, and a
seeded random generator, so every demo tenant looks the same and alive."""

from __future__ import annotations

import random

from attrs import frozen

from dps.domain.registry.corporate_number import CorporateNumber

SEED = 2026


@frozen
class DemoAccount:
    name: str
    kana: str
    industry_code: str
    size_code: str
    prefecture: str
    address: str
    phone: str
    url: str
    corporate_number: str


_PREFIXES = (
    ("東京", "トウキョウ", "東京都", "千代田区丸の内"), ("大阪", "オオサカ", "大阪府", "大阪市北区梅田"),
    ("名古屋", "ナゴヤ", "愛知県", "名古屋市中村区名駅"), ("横浜", "ヨコハマ", "神奈川県", "横浜市西区みなとみらい"),
    ("京都", "キョウト", "京都府", "京都市下京区烏丸通"), ("神戸", "コウベ", "兵庫県", "神戸市中央区三宮町"),
    ("札幌", "サッポロ", "北海道", "札幌市中央区北一条西"), ("福岡", "フクオカ", "福岡県", "福岡市博多区博多駅前"),
    ("仙台", "センダイ", "宮城県", "仙台市青葉区中央"), ("広島", "ヒロシマ", "広島県", "広島市中区紙屋町"),
)
_SUFFIXES = (
    ("精機", "セイキ", "manufacturing"), ("電子", "デンシ", "manufacturing"), ("商事", "ショウジ", "wholesale"),
    ("システムズ", "システムズ", "it"), ("建設", "ケンセツ", "construction"), ("物流", "ブツリュウ", "services"),
    ("食品", "ショクヒン", "manufacturing"), ("リテール", "リテール", "retail"),
    ("ファイナンス", "ファイナンス", "finance"),
    ("メディカル", "メディカル", "services"),
)
_SIZES = ("s", "m", "l", "xl")

LAST_NAMES = (
    ("佐々木", "ササキ"), ("山下", "ヤマシタ"), ("石川", "イシカワ"), ("中島", "ナカジマ"), ("前田", "マエダ"),
    ("藤田", "フジタ"), ("後藤", "ゴトウ"), ("岡田", "オカダ"), ("長谷川", "ハセガワ"), ("村上", "ムラカミ"),
    ("近藤", "コンドウ"), ("石井", "イシイ"), ("坂本", "サカモト"), ("遠藤", "エンドウ"), ("青木", "アオキ"),
)
FIRST_NAMES = (
    ("誠", "マコト"), ("陽子", "ヨウコ"), ("拓也", "タクヤ"), ("真由美", "マユミ"), ("健一", "ケンイチ"),
    ("彩", "アヤ"), ("隆", "タカシ"), ("智子", "トモコ"), ("大輝", "ダイキ"), ("麻衣", "マイ"),
)
DEPARTMENTS = ("情報システム部", "総務部", "購買部", "経営企画部", "製造部", "営業企画部", "DX推進室")
TITLES = ("部長", "課長", "係長", "主任", "担当", "マネージャー", "室長")

PRODUCTS = (
    ("DPS-CRM", "営業支援クラウド 基本ライセンス", "software", "ライセンス", 120_000),
    ("DPS-MOB", "モバイルオプション", "software", "ライセンス", 30_000),
    ("DPS-BI", "分析ダッシュボード", "software", "ライセンス", 80_000),
    ("SRV-IMP", "導入支援サービス", "service", "人日", 150_000),
    ("SRV-TRN", "操作研修", "service", "回", 200_000),
    ("HW-TAB", "業務用タブレット", "hardware", "台", 65_000),
    ("MNT-STD", "年間保守 スタンダード", "maintenance", "年", 240_000),
)

OPPORTUNITY_THEMES = (
    "営業支援システム導入", "モバイル活用による訪問効率化", "全社名刺管理の刷新", "販売分析基盤の構築",
    "既存システムのリプレース", "保守契約の更新", "拠点追加に伴うライセンス増設", "タブレット端末の一括導入",
)
ACTIVITY_SUBJECTS = {
    "visit": ("定例訪問", "提案内容のご説明", "課題ヒアリング", "デモンストレーション"),
    "call": ("日程調整のお電話", "見積内容の確認", "フォローコール"),
    "mail": ("資料送付", "お礼メール", "見積書送付"),
    "web": ("オンライン打合せ", "Webデモ", "導入検討会"),
}
COMMENTS = (
    "先方の反応は良好です。次回は決裁者同席で進めましょう。", "競合の価格が下がっているようです。条件を再検討します。",
    "ナイス！この調子でお願いします。", "資料はこちらの最新版を使ってください。", "来週の訪問、同行します。",
)


def accounts(rng: random.Random, count: int = 50) -> list[DemoAccount]:
    """`count` distinct companies with valid corporate numbers (法人番号)."""
    out: list[DemoAccount] = []
    combos = [(p, s) for p in _PREFIXES for s in _SUFFIXES]
    rng.shuffle(combos)
    for i, ((city, city_kana, pref, street), (suffix, suffix_kana, industry)) in enumerate(combos[:count]):
        base = f"{rng.randrange(10**11, 10**12):012d}"
        out.append(DemoAccount(
            name=f"株式会社{city}{suffix}", kana=f"カブシキガイシャ{city_kana}{suffix_kana}",
            industry_code=industry, size_code=_SIZES[i % len(_SIZES)], prefecture=pref,
            address=f"{street}{rng.randint(1, 9)}-{rng.randint(1, 20)}-{rng.randint(1, 30)}",
            phone=f"0{rng.randint(3, 9)}-{rng.randint(1000, 9999)}-{rng.randint(1000, 9999)}",
            url=f"https://www.example-{i:02d}.co.jp", corporate_number=str(CorporateNumber.from_base(base)),
        ))
    return out


def person_name(rng: random.Random) -> tuple[str, str, str, str]:
    """(last, first, last kana, first kana)."""
    (last, last_kana), (first, first_kana) = rng.choice(LAST_NAMES), rng.choice(FIRST_NAMES)
    return last, first, last_kana, first_kana
