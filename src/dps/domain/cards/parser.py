"""Turn the text lines an OCR engine read from a business card into `CardFields`.

Pure and deterministic. The rules (see docs/adr/0016-card-ocr.md):

1. Normalise every line: NFKC (full-width digits and letters, ＠, ㈱ -> (株)), dash variants between
   digits -> '-', spaces next to '.', '@', '/', ':' inside Latin tokens removed (OCR reads
   `taro. yamada@example. co. jp`), runs of spaces collapsed.
2. Take out, line by line, what regexes recognise reliably: email, URL, phone numbers (the label
   before a number says TEL / FAX / 携帯; an unlabelled 070/080/090 number is a mobile), then the
   postal code (〒 also read as T, F, 7 or 干).
3. The address is the text after the postal code, or the line that starts with a prefecture (or
   looks like an English street address), plus a following building line.
4. The company is the line with a legal form (株式会社, (株), 有限会社, 合同会社, Co., Ltd., Inc., ...),
   in front or behind.
5. Title (a keyword list) and department (a unit suffix: 部, 課, 室, 本部, センター, Division, ...)
   come from the remaining lines; a line may hold both (`営業部 部長`).
6. The name is the remaining line of 2-6 kanji (the tallest when heights are known); a kana line
   (hiragana, katakana) or a romaji line next to it is its reading. An English card's name is
   two capitalised words.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Sequence

from attrs import define, field

from dps.domain.cards.fields import CardFields, CardLine
from dps.domain.cards.places import CITY_PREFECTURE, DESIGNATED_CITIES, PREFECTURES, TOKYO_WARDS

# -- character classes -------------------------------------------------------------------------
_KANJI = "一-龥々〆ヶ"
_HIRA = "ぁ-ゖ"
_KATA = "ァ-ヺー"
_CJK = f"{_KANJI}{_HIRA}{_KATA}・"
_DASHES = "‐‑‒–—―−ーｰ－-"

_CJK_SPACE = re.compile(rf"(?<=[{_CJK}（）()])\s+(?=[{_CJK}（）()])")
_DIGIT_DASH = re.compile(
    rf"(?<=\d)[\s_.・、,]*[{_DASHES}][\s_.・、,{_DASHES}]*(?=\d)|(?<=[A-Za-z0-9])[{_DASHES}](?=[A-Za-z0-9])"
)
_LATIN_JOIN = re.compile(r"(?<=[A-Za-z0-9])\s*([@/_])\s*(?=[A-Za-z0-9])|(?<=[A-Za-z0-9])\s*(\.)\s*(?=[a-z])")
_LEADING_JUNK = re.compile(r"^[|｜『「【」』\]\[,.、。'\"_=~*]+\s*")
_SCHEME_JOIN = re.compile(r"(https?)\s*:\s*/\s*/\s*", re.IGNORECASE)

# -- contacts ----------------------------------------------------------------------------------
_EMAIL = re.compile(r"[A-Za-z0-9._%+\-]+@[A-Za-z0-9\-]+(?:\.[A-Za-z0-9\-]+)*\.[A-Za-z]{2,}")
_URL = re.compile(r"(?:https?://|www\.)[A-Za-z0-9\-]+(?:\.[A-Za-z0-9\-]+)+(?:/[\w\-./?%&=#~]*)?", re.IGNORECASE)
_BARE_DOMAIN = re.compile(r"[A-Za-z0-9\-]+(?:\.[A-Za-z0-9\-]+)*\.(?:jp|com|net|org|co|biz|info|io)(?:/\S*)?",
                          re.IGNORECASE)
_EMAIL_LABEL = re.compile(r"(?:E\s*[-ー]?\s*mail|Mail|Email|メール|Ｅメール)\s*[:：.]?\s*", re.IGNORECASE)
_URL_LABEL = re.compile(r"(?:URL|Web|HP|ホームページ|Website)\s*[:：.]?\s*", re.IGNORECASE)

_PHONE_LABELS: tuple[tuple[str, str], ...] = (
    ("mobile", r"携帯電話|携帯|Mobile|Mob|Cell|M"),
    ("fax", r"FAX|Fax|fax|ファクス|ファックス|F"),
    ("phone", r"TEL|Tel|tel|電話|Phone|PHONE|直通|代表|T|D"),
)
_LABEL_RE = re.compile(
    "|".join(rf"(?P<{kind}>(?<![A-Za-z])(?:{alts})(?![a-z]))" for kind, alts in _PHONE_LABELS)
    + r"|(?P<sep>[／/|｜])"
)
_NUMBER = re.compile(r"(\+\s?81[\s\-]?|(?<![\d@.])0)(\d[\d\s\-().・]{6,15}\d)(?![\d@])")

# -- postal code and address -------------------------------------------------------------------
_POSTAL_MARKED = re.compile(
    r"[〒T干F7₸了亍〶]\s?(\d{3})\s?[-.・,]{1,2}\s?(\d{4})(?!\d)|(?<!\d)(\d{3})-(\d{4})(?!\d)")
_PREFECTURE = re.compile(
    r"(北海道|東京都|京都府|大阪府|(?:青森|岩手|宮城|秋田|山形|福島|茨城|栃木|群馬|埼玉|千葉|神奈川|新潟|富山|石川|福井"
    r"|山梨|長野|岐阜|静岡|愛知|三重|滋賀|兵庫|奈良|和歌山|鳥取|島根|岡山|広島|山口|徳島|香川|愛媛|高知|福岡|佐賀"
    r"|長崎|熊本|大分|宮崎|鹿児島|沖縄)県)"
)
_CITY = re.compile(rf"[{_KANJI}{_HIRA}{_KATA}]{{1,6}}[市区町村郡]")
_BUILDING = re.compile(r"ビル|タワー|階|\d+\s?F\b|\dF$|号室|館|Bldg|Building|Tower|Floor|\d+F", re.IGNORECASE)
_EN_ADDRESS = re.compile(
    r"\b(?:[A-Z][a-z]+-(?:ku|shi|cho|machi|gun)|Japan|Tokyo|Osaka|Kyoto|Nagoya|Yokohama|Sapporo|Fukuoka"
    r"|Sendai|Hiroshima|Saitama|Chiba|Kobe)\b"
)

# -- organisation, title, name -----------------------------------------------------------------
_JA_FORMS = ("株式会社", "有限会社", "合同会社", "合名会社", "合資会社", "一般社団法人", "一般財団法人", "公益社団法人",
             "公益財団法人", "特定非営利活動法人", "NPO法人", "医療法人", "社会福祉法人", "学校法人", "独立行政法人",
             "(株)", "(有)", "(同)")
_DOUBLED_FORMS = {"株株式会社": "株式会社", "株式会会社": "株式会社", "有有限会社": "有限会社",
                  "合合同会社": "合同会社"}
_OCR_FORMS = {"株式会杜": "株式会社", "株式会祉": "株式会社", "株武会社": "株式会社", "有限会杜": "有限会社",
              "合同会杜": "合同会社", "(树)": "(株)", "(朱)": "(株)", "(株": "(株)"}
_EN_FORM = re.compile(
    r"\b(?:Co\s?\.\s?,?\s?Ltd\b\.?|Co\.?,?\s?Limited\b|Inc\b\.?|Corporation\b|Corp\.|K\.\s?K\.|LLC\b"
    r"|Ltd\.|Limited\b|G\.K\.)",
    re.IGNORECASE,
)
_TITLES = ("代表取締役社長", "代表取締役会長", "代表取締役副社長", "代表取締役", "取締役会長", "取締役副社長",
           "専務取締役",
           "常務取締役", "取締役", "執行役員", "監査役", "会長", "副社長", "社長", "専務", "常務", "本部長", "事業部長",
           "副本部長", "副部長", "部長代理", "部長", "次長", "課長代理", "課長補佐", "課長", "係長", "主任", "主査",
           "室長", "所長", "支店長", "工場長", "センター長", "グループリーダー", "チームリーダー", "リーダー",
           "シニアマネージャー", "マネージャー", "マネジャー", "ディレクター", "シニアエンジニア", "エンジニア",
           "コンサルタント", "スペシャリスト", "プロデューサー", "担当", "顧問", "理事長", "理事", "院長", "教授")
_EN_TITLE = re.compile(
    r"\b(?:(?:Senior|Chief|Executive|General|Deputy|Assistant|Associate|Regional|Sales|Project|Product|Account"
    r"|Marketing|Technical|Managing|Vice)\s+)*(?:Manager|Director|President|Engineer|Executive|Officer|Consultant"
    r"|Representative|Specialist|Chairman|Partner|Architect|Analyst|Leader|Head)\b|\b(?:CEO|COO|CTO|CFO|CIO)\b"
)
_DEPT_SUFFIX = re.compile(
    r"(?:本部|事業部|部|課|室|センター|グループ|チーム|支店|支社|営業所|事務所|研究所|工場|Division|Department|Dept\.?"
    r"|Center|Centre|Group|Section|Office|Team|Unit)$"
)
_KANJI_NAME = re.compile(rf"^([{_KANJI}]{{1,4}})\s?([{_KANJI}]{{1,4}})$")
_KANA_LINE = re.compile(rf"^[{_HIRA}{_KATA}・]+(?:\s[{_HIRA}{_KATA}・]+)?$")
_ROMAJI_NAME = re.compile(r"^([A-Z][A-Za-z'\-]+)\s+([A-Z][A-Za-z'\-]+)$")
_EN_WORDS = re.compile(r"^[A-Za-z][A-Za-z.,&'\- ]*$")


@define
class _Line:
    index: int
    raw: str
    text: str
    height: float
    used: bool = False
    rest: str = field(default="")


def normalise_line(text: str) -> str:
    """NFKC, dashes between digits -> '-', OCR's spaces inside Latin tokens removed, spaces collapsed."""
    s = unicodedata.normalize("NFKC", text).replace("\u3000", " ")
    s = _LEADING_JUNK.sub("", s)
    s = _join_single_glyphs(re.sub(r"\s+", " ", s).strip())
    s = _DIGIT_DASH.sub("-", s)
    s = _SCHEME_JOIN.sub(lambda m: m.group(1).lower() + "://", s)
    s = _LATIN_JOIN.sub(lambda m: m.group(1) or m.group(2), s)
    s = re.sub(r"(?<=[\d-])@(?=\d)", "", s)  # `1-6-@6`
    return re.sub(r"\s+", " ", s).strip()


def _join_single_glyphs(text: str) -> str:
    """`2 6 1 - 0 0 2 3` -> `261-0023`: a run of three or more one-glyph tokens is one word read spaced out."""
    tokens = text.split(" ")
    out: list[str] = []
    run: list[str] = []
    for token in [*tokens, ""]:
        if len(token) == 1:
            run.append(token)
            continue
        if len(run) >= 3:
            out.append("".join(run))
        else:
            out.extend(run)
        run = []
        if token:
            out.append(token)
    return " ".join(out)


def squash(text: str) -> str:
    """Remove the spaces OCR leaves between Japanese characters (`株 式 会 社` -> `株式会社`)."""
    return _CJK_SPACE.sub("", text).strip()


def _has_cjk(text: str) -> bool:
    return re.search(f"[{_CJK}]", text) is not None


def parse_card(lines: Iterable[str | CardLine]) -> CardFields:
    """The fields of a card from its OCR lines (strings, or `CardLine`s with glyph heights)."""
    items: list[_Line] = []
    for n, line in enumerate(lines):
        raw, height = (line.text, line.height) if isinstance(line, CardLine) else (line, 0.0)
        text = normalise_line(raw)
        if text:
            items.append(_Line(n, raw, text, height, rest=text))
    out: dict[str, str] = {}
    _take_email(items, out)
    _take_url(items, out)
    _agree_domains(out)
    _take_phones(items, out)
    _take_postal_and_address(items, out)
    _take_company(items, out)
    _take_department_and_title(items, out)
    _take_name(items, out)
    return CardFields(**out)


# -- email, URL --------------------------------------------------------------------------------

_TLD_END = re.compile(r"\.(?:jp|com|net|org|io|biz|info|co\.jp|ne\.jp|or\.jp)/?$", re.IGNORECASE)


def _join_broken(text: str) -> str:
    """`https://www.sa kura-nw.jp`, `taro@nihon- tech.co.jp`: OCR split an address into words; join the pieces
    until the address ends in a top-level domain."""
    tokens = text.split(" ")
    out: list[str] = []
    for token in tokens:
        if out and ("@" in out[-1] or "://" in out[-1] or out[-1].lower().startswith("www.")) \
                and not _TLD_END.search(out[-1]) and re.fullmatch(r"[\w.\-/]+", token) and token.isascii():
            out[-1] += token
        else:
            out.append(token)
    return " ".join(out)


def _take_email(items: list[_Line], out: dict[str, str]) -> None:
    for it in items:
        text = _join_broken(_EMAIL_LABEL.sub(" ", it.rest).strip())
        compact = re.sub(r"\s*([@.])\s*", r"\1", text)
        compact = re.sub(r"(?:(?<=[\s:])|^)[|!](?=[\w.]*@)", "l", compact)
        m = _EMAIL.search(compact)
        if m:
            if "email" not in out:
                out["email"] = _fix_domain(m.group(0).strip(".").lower())
            it.rest = _leftover(compact[: m.start()] + " " + compact[m.end():], _EMAIL_LABEL)
            it.used = not it.rest


def _take_url(items: list[_Line], out: dict[str, str]) -> None:
    for it in items:
        labelled = _URL_LABEL.match(it.rest) is not None
        text = _join_broken((_URL_LABEL.sub(" ", it.rest) if labelled else it.rest).strip())
        compact = re.sub(r"\s*([./:])\s*", r"\1", text)
        m = _URL.search(compact) or (_BARE_DOMAIN.search(compact) if labelled else None)
        if m and "url" not in out:
            out["url"] = _fix_domain(m.group(0).rstrip("/.,"))
            it.rest = _leftover(compact[: m.start()] + " " + compact[m.end():], _URL_LABEL)
            it.used = not it.rest


def _fix_domain(address: str) -> str:
    """Repair the Japanese second-level domains OCR mangles: `co.jjp`, `cojp`, `co.Jp`, `.co,jp`."""
    s = re.sub(r"[.,]?\s*(co|ne|or|ac|go)[.,]?\s*[jJ]+[pP]$", r".\1.jp", address)
    s = re.sub(r"[.,]\s*[jJ]+[pP]$", ".jp", s)
    s = re.sub(r"[.,]\s*c[o0]m$", ".com", s)
    s = re.sub(r"\.co$", ".co.jp", s)  # the `jp` lost at the edge of a photo
    return s


def _agree_domains(out: dict[str, str]) -> None:
    """Email and URL usually share a domain: when they differ only by dots, the one with more dots is right
    (OCR drops dots far more often than it adds them)."""
    email, url = out.get("email", ""), out.get("url", "")
    if not email or not url or "@" not in email:
        return
    domain = email.split("@", 1)[1]
    m = re.match(r"(https?://)?(www\.)?([^/]+)(.*)$", url)
    if not m:
        return
    host = m.group(3)
    if host.lower() == domain or host.replace(".", "").lower() != domain.replace(".", ""):
        return
    if domain.count(".") > host.count("."):
        out["url"] = f"{m.group(1) or ''}{m.group(2) or ''}{domain}{m.group(4)}"
    elif host.count(".") > domain.count("."):
        out["email"] = f"{email.split('@', 1)[0]}@{host.lower()}"


def _leftover(text: str, label: re.Pattern[str]) -> str:
    rest = label.sub(" ", text)
    return re.sub(r"\s+", " ", rest).strip(" :：,/|")


# -- phones ------------------------------------------------------------------------------------

def _format_number(prefix: str, body: str) -> str | None:
    """`03-1234-5678` from the matched parts; None when the digits cannot be a Japanese number."""
    body = re.sub(r"(?:\s*[().・-]\s*)+", "-", body.strip())
    body = re.sub(r"\s*-\s*", "-", body)
    body = re.sub(r"\s+", "-", body).strip("-")
    digits = re.sub(r"\D", "", body)
    extra = re.search(r"-(\d{1,2})$", body)
    if extra and body.count("-") >= 3:  # `06-6341-6882-2`: a stray glyph read after the number
        body = body[: extra.start()]
        digits = re.sub(r"\D", "", body)
    if prefix.startswith("+"):
        if not 9 <= len(digits) <= 10:
            return None
        return f"+81-{body}"
    if len(digits) + 1 not in (10, 11):
        return None
    return "0" + body


def _take_phones(items: list[_Line], out: dict[str, str]) -> None:
    unlabelled: list[str] = []
    for it in items:
        text = it.rest
        found = list(_NUMBER.finditer(text))
        if not found:
            continue
        kept: list[tuple[int, int]] = []
        for m in found:
            number = _format_number(m.group(1).replace(" ", ""), m.group(2))
            if number is None:
                continue
            kind = _label_before(text, m.start(), kept[-1][1] if kept else 0)
            digits = re.sub(r"\D", "", number)
            is_mobile_prefix = re.match(r"(?:0|\+?81)[789]0", digits) is not None
            if kind is None:
                if is_mobile_prefix:
                    kind = "mobile"
                else:
                    unlabelled.append(number)
                    kept.append((m.start(), m.end()))
                    continue
            out.setdefault(kind, number)
            kept.append((m.start(), m.end()))
        if kept:
            rest = text
            for start, end in reversed(kept):
                rest = rest[:start] + " " + rest[end:]
            rest = _LABEL_RE.sub(" ", rest)
            it.rest = re.sub(r"\s+", " ", rest).strip(" :：,.")
            it.used = not it.rest or not re.search(r"\w{2,}", it.rest)
    for number in unlabelled:
        for kind in ("phone", "fax"):
            if kind not in out:
                out[kind] = number
                break


def _label_before(text: str, start: int, floor: int) -> str | None:
    """The kind of the nearest phone label between the previous number and this one."""
    window = text[floor:start]
    kind = None
    for m in _LABEL_RE.finditer(window):
        if m.lastgroup == "sep":
            continue
        kind = m.lastgroup
    return kind


# -- postal code, address -----------------------------------------------------------------------

def _take_postal_and_address(items: list[_Line], out: dict[str, str]) -> None:
    postal_at: int | None = None
    for n, it in enumerate(items):
        if it.used:
            continue
        m = _POSTAL_MARKED.search(it.rest)
        if not m:
            continue
        english = not _has_cjk(it.rest)
        marked = m.group(1) is not None
        if not marked and not english and not _PREFECTURE.search(it.rest) and not (
                n + 1 < len(items) and _PREFECTURE.search(items[n + 1].rest)):
            continue
        code = f"{m.group(1)}-{m.group(2)}" if marked else f"{m.group(3)}-{m.group(4)}"
        out["postal_code"] = code
        it.rest = re.sub(r"\s+", " ", it.rest[: m.start()] + " " + it.rest[m.end():]).strip(" ,、")
        it.used = not it.rest
        postal_at = n
        break
    # the address line: after the postal code on its line, or the next line, or a line with a prefecture
    start: int | None = None
    if postal_at is not None and items[postal_at].rest and _looks_like_address(items[postal_at].rest):
        start = postal_at
    elif postal_at is not None and postal_at + 1 < len(items) and _looks_like_address(items[postal_at + 1].rest):
        start = postal_at + 1
    else:
        for n, it in enumerate(items):
            if not it.used and (_PREFECTURE.match(_repair_prefecture(squash(it.rest)))
                                or _is_english_address(it.rest)):
                start = n
                break
    if start is None:
        return
    parts = [items[start].rest]
    english = not _has_cjk(items[start].rest)
    items[start].used = True
    items[start].rest = ""
    # a building line right after (Japanese) or right before (English) the street line; a stray glyph or two
    # read between them is skipped
    after = start + 1
    while after < len(items) - 1 and len(items[after].rest.strip()) <= 2 and not items[after].used:
        after += 1
    for n in (after, start - 1):
        if 0 <= n < len(items) and not items[n].used and _BUILDING.search(items[n].rest) \
                and not _is_company(items[n].rest) and not _DEPT_SUFFIX.search(squash(items[n].rest)):
            parts = [*parts, items[n].rest] if n > start else [items[n].rest, *parts]
            items[n].used = True
            items[n].rest = ""
            break
    if english:
        text = ", ".join(p.strip(" ,") for p in parts)
        text = re.sub(r"\s+,", ",", text)
        text = re.sub(r",\s*,", ",", text)
        out["address"] = re.sub(r"\s+", " ", text).strip(" ,")
    else:
        address = _trim_junk(" ".join(squash(p) for p in parts))
        address = re.sub(r"(?<=\d)\s*[.・]\s*(?=\d)", "-", address)  # `1.9-1`
        out["address"] = repair_address(address)


def _trim_junk(text: str) -> str:
    """Drop stray one- or two-glyph tokens OCR leaves at the ends or between parts of an address."""
    tokens = text.split()
    kept = [t for n, t in enumerate(tokens) if n == 0 or len(t) > 2 or re.search(r"\d-|階|\dF", t)]
    while len(kept) > 1 and len(kept[-1]) <= 2:
        kept.pop()
    joined = " ".join(kept).strip()
    return re.sub(r"(?<=[階F])[ぁ-ゖ]{1,2}$|(?<=\d)[@a-z]{1,2}$", "", joined)


def _one_off(read: str, name: str) -> bool:
    """`read` is `name` with at most one glyph wrong (same length), and the last glyph (県, 市, 区) right."""
    return len(read) == len(name) and read[-1] == name[-1] and sum(a != b for a, b in zip(read, name,
                                                                                         strict=True)) <= 1


def _repair_prefecture(text: str) -> str:
    """`海玉県さいたま市` -> `埼玉県さいたま市`: a prefecture with one glyph misread, at the start of an address."""
    if _PREFECTURE.match(text):
        return text
    for city, prefecture in CITY_PREFECTURE.items():  # a designated city tells its prefecture
        k = text.find(city, 0, 6)
        if 2 <= k <= 5 and text[k - 1] in "県都府道":
            return prefecture + text[k:]
    for name in PREFECTURES:
        if len(name) >= 3 and _one_off(text[: len(name)], name):
            return name + text[len(name):]
    return text


_CITY_AFTER = re.compile(rf"^((?:(?![市区])[{_KANJI}{_HIRA}]){{1,4}}[市区])")


def repair_address(address: str) -> str:
    """One misread glyph in the prefecture, in a designated city or Tokyo ward right after it, or in a city
    named like its prefecture (`広島県度島市` -> `広島県広島市`); `ピル` in a building name is `ビル`."""
    s = _repair_prefecture(address)
    m = _PREFECTURE.match(s)
    if m:
        rest = s[m.end():]
        c = _CITY_AFTER.match(rest)
        if c:
            read = c.group(1)
            names = [*DESIGNATED_CITIES, *(TOKYO_WARDS if m.group(1) == "東京都" else ()),
                     m.group(1)[:-1] + "市"]
            if read not in names:
                fixed = next((name for name in names if len(name) >= 3 and _one_off(read, name)), None)
                if fixed:
                    rest = fixed + rest[len(read):]
        s = m.group(1) + rest
    return re.sub(r"ピル(?=\s*\d|$|\s)", "ビル", s)


def _looks_like_address(text: str) -> bool:
    s = _repair_prefecture(squash(text))
    return bool(_PREFECTURE.match(s) or _CITY.match(s) or _is_english_address(text))


def _is_english_address(text: str) -> bool:
    return not _has_cjk(text) and bool(_EN_ADDRESS.search(text)) and bool(re.search(r"\d", text)) \
        and "@" not in text


# -- company -----------------------------------------------------------------------------------

_FUZZY_FORMS = (
    (re.compile(r"[^\s(]式会社|^式会社|株[^\s]会社|株式[^\s]社|株式会[^\s]|[^\s(]式[^\s]社"), "株式会社"),
    (re.compile(r"\((?![有同])[^\s)]\)?$"), "(株)"),
    (re.compile(r"有[^\s]会社|[^\s]限会社|有限[^\s]社|有限会[^\s]"), "有限会社"),
    (re.compile(r"合[^\s]会社|[^\s]同会社|合同[^\s]社|合同会[^\s]"), "合同会社"),
)


def _fix_forms(text: str) -> str:
    """The legal form as printed, also when OCR got one of its glyphs wrong (`涼式会社`, `有陣会社`)."""
    s = squash(text)
    for wrong, right in _DOUBLED_FORMS.items():
        s = s.replace(wrong, right)
    for wrong, right in _OCR_FORMS.items():
        if wrong in s and right not in s:
            s = s.replace(wrong, right)
    if not any(form in s for form in _JA_FORMS):
        for pattern, right in _FUZZY_FORMS:
            s, n = pattern.subn(right, s, count=1)
            if n:
                break
    return s


def _is_company(text: str) -> bool:
    s = _fix_forms(_strip_logo(text))
    en = _latin_part(text)
    return any(form in s for form in _JA_FORMS) or (
        not _has_cjk(en) and _EN_FORM.search(en) is not None and not _EMAIL.search(en))


def _latin_part(text: str) -> str:
    """An English company line without a logo glyph or two read before it (`し Chuo Logistics K.K.`)."""
    if any(form in text for form in _JA_FORMS):
        return text.strip()
    m = re.match(r"^[^A-Za-z]{1,3}\s*(?=[A-Z])", text.strip())
    return text.strip()[m.end():] if m else text.strip()


def _take_company(items: list[_Line], out: dict[str, str]) -> None:
    japanese = [it for it in items if not it.used and _has_cjk(_latin_part(it.rest)) and _is_company(it.rest)]
    english = [it for it in items if not it.used and not _has_cjk(_latin_part(it.rest)) and _is_company(it.rest)]
    for it in japanese + english:
        if it in japanese:
            s = _company_tokens(it.rest)
            # drop a department or title printed on the same line after the name
            for form in _JA_FORMS:
                k = s.find(form)
                if k < 0:
                    continue
                if k == 0:  # 株式会社サンプル [営業部]
                    head, _, tail = it.rest.partition(" ")
                    name = _fix_forms(head) if squash(head) != form and _fix_forms(head) != form else s
                    if name != s and tail and (_DEPT_SUFFIX.search(squash(tail)) or _title_in(squash(tail))):
                        it.rest = tail
                        out["company"] = name
                        return
                out["company"] = s
                it.rest = ""
                it.used = True
                return
        else:
            out["company"] = _english_company(_latin_part(it.rest))
            it.rest = ""
            it.used = True
            return


def _company_tokens(text: str) -> str:
    """The company out of its line: the token with the legal form (and the name beside a lone form);
    a logo read as a glyph or two before it is dropped."""
    text = _strip_logo(text)
    raw_tokens = [t for t in text.split(" ") if t]
    if not any(form in t for t in raw_tokens for form in _JA_FORMS) and any(form in squash(text)
                                                                             for form in _JA_FORMS):
        raw_tokens = squash(text).split(" ")  # `東和システム株 式会社`: the form itself was split
    tokens = [_fix_forms(t) for t in raw_tokens if t]
    for n, token in enumerate(tokens):
        form = next((f for f in _JA_FORMS if f in token), None)
        if form is None:
            continue
        before = tokens[:n]
        while before and (not _has_cjk(before[0]) or (
                len(before[0]) <= 2 and not re.fullmatch(f"[{_KATA}]{{2}}", before[0]))):
            before = before[1:]  # a logo read as a glyph or two (two katakana are a name's start: `サン プル`)
        k = token.find(form)
        if 0 < k <= 2 and len(token) > k + len(form):  # `ロロ有限会社東和`: a logo before a form in front
            token = token[k:]
        if token.startswith(form) and (len(token) > len(form) or n + 1 < len(tokens)):
            after = tokens[n + 1:n + 2] if token == form else []
            if not (len(token) == len(form) and before):  # `株式会社サンプル`, `株式会社 サンプル`
                return token + "".join(after)
        return "".join(before) + token
    return _fix_forms(text)


def _strip_logo(text: str) -> str:
    """What OCR made of a logo printed before a Japanese company name."""
    m = re.match(rf"^\s*[(（](?:[株有同]|[^)）\s{_CJK}]){{0,2}}[)）]?\s*", text)
    if m and m.end() < len(text) and any(form in _fix_forms(text[m.end():]) for form in _JA_FORMS):
        text = text[m.end():]  # `(株)富士見建設株式会社`, `(〇ミライ電子株式会社`: a ring read as a bracket
    text = re.sub(rf"^[^{_CJK}(]{{1,3}}(?=[{_CJK}])", "", text.strip())  # `@有限会社`, `Cl有限会社`
    text = re.sub(r"^[^(（\s]{0,2}[)\]|}」】]\s*", "", text)  # `し]有限会社`, `生)東和`: an unbalanced bracket
    text = re.sub(r"^[ーっゃゅょァィゥェォッャュョ、。・|]+", "", text)  # no name starts with these
    return re.sub(r"^[ぁ-ゖ](?=株式会社|有限会社|合同会社)", "", text)  # `し株式会社`


def _english_company(text: str) -> str:
    """`Sample Trading Co., Ltd.` without a logo glyph read in front of it."""
    words = re.sub(r"\s+", " ", re.sub(r"^[^A-Za-z0-9]+", "", text)).strip().split(" ")
    while len(words) > 2 and (not re.fullmatch(r"[A-Z][A-Za-z&'.\-]*", words[0]) or len(words[0]) <= 2) \
            and _EN_FORM.search(" ".join(words[1:])) and len(" ".join(words[1:]).split()) >= 3:
        words = words[1:]
    return " ".join(words)


# -- department, title --------------------------------------------------------------------------

def _title_in(text: str) -> str | None:
    for title in _TITLES:
        if text.endswith(title):
            return title
    return None


def _split_title(text: str) -> tuple[str, str] | None:
    """(department, title) of a line, or None when the line has neither."""
    if _has_cjk(text):
        s = squash(text)
        title = _title_in(s)
        if title:
            dept = s[: -len(title)].strip()
            if dept and not _DEPT_SUFFIX.search(dept) and not re.search(r"(部|課|室|本部|センター|グループ)", dept):
                return None if len(dept) > 3 else (dept, title)
            return (_spaced_department(text, title), title)
        if _DEPT_SUFFIX.search(s) and len(s) <= 30:
            return (_spaced_department(text, ""), "")
        return None
    m = _EN_TITLE.search(text)
    if m:
        dept = (text[: m.start()] + " " + text[m.end():]).strip(" ,/")
        return (re.sub(r"\s+", " ", dept) if dept and _DEPT_SUFFIX.search(dept) else "", m.group(0))
    if _DEPT_SUFFIX.search(text.strip()) and _EN_WORDS.match(text):
        return (re.sub(r"\s+", " ", text).strip(), "")
    return None


def _spaced_department(text: str, title: str) -> str:
    """The department part of a line, keeping a space between units (`営業本部 第一営業部`)."""
    text = re.sub(r"^[|!\[\]()_\-]+\s*", "", text.strip())
    s = squash(text)
    if title:
        s = s[: -len(title)]
    # re-insert the printed spacing between units where the OCR kept a clear gap
    units = [squash(u) for u in re.split(r"\s{1,}", text) if u]
    if any(len(u) == 1 for u in units):
        return s.strip()
    joined = " ".join(units)
    if title and joined.endswith(title):
        joined = joined[: -len(title)]
    return joined.strip() if squash(joined) == s.strip() else s.strip()


def _take_department_and_title(items: list[_Line], out: dict[str, str]) -> None:
    departments: list[str] = []
    for it in items:
        if it.used or not it.rest:
            continue
        split = _split_title(it.rest)
        if split is None:
            continue
        dept, title = split
        if title and "title" not in out:
            out["title"] = title
        if dept:
            departments.append(dept)
        it.used = True
        it.rest = ""
    if departments:
        out["department"] = " ".join(departments)


# -- name and reading ---------------------------------------------------------------------------

def _split_kanji_name(text: str) -> tuple[str, str] | None:
    s = text.strip()
    m = _KANJI_NAME.match(s)
    if m and " " in s:
        return m.group(1), m.group(2)
    s = s.replace(" ", "")
    if re.fullmatch(f"[{_KANJI}]{{3,6}}", re.sub(f"[{_HIRA}]", "", s)) and len(re.findall(f"[{_HIRA}]", s)) == 1:
        s = re.sub(f"[{_HIRA}]", "", s)  # `拓ぜ也`: a speck read as a kana inside the name
    if not re.fullmatch(f"[{_KANJI}]{{2,6}}", s):
        return None
    cut = {2: 1, 3: 2, 4: 2, 5: 2, 6: 3}[len(s)]
    return s[:cut], s[cut:]


def _romaji(text: str) -> tuple[str, str] | None:
    """(family, given) of `Taro Yamada` / `YAMADA Taro` / `Yamada, Taro`."""
    s = re.sub(r"\s+", " ", text.replace(",", " ")).strip()
    m = _ROMAJI_NAME.match(s)
    if not m:
        return None
    a, b = m.group(1), m.group(2)
    if "," in text or (a.isupper() and len(a) > 1 and not b.isupper()):
        return a, b
    return b, a


def _without_latin_noise(text: str) -> str:
    """`mw 井上 半太` -> `井上 半太`: short Latin tokens on a Japanese line are specks read as letters."""
    if not _has_cjk(text):
        return text
    return " ".join(t for t in text.split() if not (t.isascii() and len(t) <= 3))


def _take_name(items: list[_Line], out: dict[str, str]) -> None:
    left = [it for it in items if not it.used and it.rest]
    for it in left:
        cleaned = _without_latin_noise(it.rest)
        if cleaned != it.rest:
            it.rest, it.raw = cleaned, _without_latin_noise(unicodedata.normalize("NFKC", it.raw))
    kanji = [(it, parts) for it in left
             if (parts := _split_kanji_name(squash_keep_gap(it.rest, it.raw))) is not None]
    if kanji:
        heights = [it.height for it, _ in kanji]
        best_it, (family, given) = (max(kanji, key=lambda x: x[0].height) if max(heights) > 0 else kanji[0])
        out["family_name"], out["given_name"] = family, given
        best_it.used = True
        _take_reading(left, best_it, out)
        return
    # an English card: two capitalised words (the tallest when heights are known)
    latin = [(it, parts) for it in left if (parts := _romaji(it.rest)) is not None and not _EN_TITLE.search(it.rest)
             and not _DEPT_SUFFIX.search(it.rest.strip())]
    if latin:
        it, (family, given) = max(latin, key=lambda x: x[0].height) if any(x[0].height for x in latin) else latin[0]
        out["family_name"], out["given_name"] = family, given
        it.used = True


_GAP_JUNK = frozenset({"人", "一", "|", "丨", "・", "、", "。", "ー", "_", "-"})


def squash_keep_gap(text: str, raw: str = "") -> str:
    """Spaces between single glyphs are OCR noise (`山 田 太 郎`); a wider gap in the raw line, or a space
    between longer runs, is the gap between family and given name."""
    tokens = (unicodedata.normalize("NFKC", raw).split() if raw else []) or text.split()
    if "".join(tokens) != "".join(text.split()):
        tokens = text.split()
    if len(tokens) > 2:  # a glyph OCR saw in the wide gap between family and given name
        tokens = [t for t in tokens if t not in _GAP_JUNK] or tokens
    gaps = [g for g in re.split(r"\s{2,}|\u3000", unicodedata.normalize("NFKC", raw).strip()) if g.strip()]
    if len(gaps) == 2 and all(len(g.split()) > 1 or len(g) == 1 for g in gaps):
        family, given = ("".join(g.split()) for g in gaps)
        if family + given == "".join(tokens) or family + given == "".join(text.split()):
            return f"{family} {given}"
    if len(tokens) > 2 and all(len(t) == 1 for t in tokens):
        return "".join(tokens)
    if len(tokens) > 2:
        return "".join(tokens[:-1]) + " " + tokens[-1]
    return " ".join(tokens)


def _take_reading(left: Sequence[_Line], name: _Line, out: dict[str, str]) -> None:
    candidates: list[tuple[int, _Line, tuple[str, str]]] = []
    for it in left:
        if it is name or it.used:
            continue
        text = squash_keep_gap(it.rest.strip(), it.raw)
        text = " ".join(t for t in text.split() if t not in _GAP_JUNK) or text
        distance = abs(it.index - name.index)
        if _KANA_LINE.match(text):
            parts = text.split(" ")
            if len(parts) == 1 and len(text) < 3:
                continue  # a lone short kana word is a logo or a slogan, not a full reading
            pair = (parts[0], parts[1]) if len(parts) == 2 else (text, "")
            candidates.append((distance, it, pair))
        else:
            romaji = _romaji(text)
            if romaji is not None:
                candidates.append((distance, it, romaji))
    if not candidates:
        return
    _, it, (family, given) = min(candidates, key=lambda c: (not c[2][1], c[0]))
    out["family_kana"], out["given_kana"] = family, given
    it.used = True
