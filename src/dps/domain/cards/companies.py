"""Company, department and title: legal forms (Japanese and English) with their OCR repairs, logo glyphs
read before a company name, title keywords and department unit suffixes."""

from __future__ import annotations

import re

from dps.domain.cards.contacts import _EMAIL
from dps.domain.cards.lines import _CJK, _KATA, _has_cjk, _Line, squash

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
_EN_WORDS = re.compile(r"^[A-Za-z][A-Za-z.,&'\- ]*$")


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
