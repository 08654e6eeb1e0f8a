"""Contacts on a card: email, URL, phone, fax and mobile numbers, with the repairs for what OCR does to
them (split addresses, mangled `co.jp`, dropped dots, stray glyphs after a number)."""

from __future__ import annotations

import re

from dps.domain.cards.lines import _Line

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
    """Repair the Japanese second-level domains OCR mangles: `co.jjp`, `cojp`, `co.Jp`, `.co,jp`, `co.ip`
    (there is no `.ip` top-level domain: it is `.jp` with the j's tail lost)."""
    s = re.sub(r"[.,]?\s*(co|ne|or|ac|go)[.,]?\s*(?:[jJ]+|[iIl])[pP]$", r".\1.jp", address)
    s = re.sub(r"[.,]\s*(?:[jJ]+|[iI])[pP]$", ".jp", s)
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
    second_fax: list[str] = []
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
            if kind == "mobile" and not is_mobile_prefix and re.match(r"0|81", digits):
                kind = None  # a Japanese landline is no mobile: the label was misread (`MIE` for TEL)
            if kind is None:
                if is_mobile_prefix:
                    kind = "mobile"
                else:
                    unlabelled.append(number)
                    kept.append((m.start(), m.end()))
                    continue
            if kind == "fax" and "fax" in out and number != out["fax"]:
                second_fax.append(number)
            out.setdefault(kind, number)
            kept.append((m.start(), m.end()))
        if kept:
            rest = text
            for start, end in reversed(kept):
                rest = rest[:start] + " " + rest[end:]
            rest = _LABEL_RE.sub(" ", rest)
            it.rest = re.sub(r"\s+", " ", rest).strip(" :：,.")
            it.used = not it.rest or not re.search(r"\w{2,}", it.rest)
    if second_fax and "phone" not in out and not unlabelled:
        # two numbers labelled FAX and none TEL: the first label was TEL misread (`FE`); TEL comes first
        out["phone"], out["fax"] = out["fax"], second_fax[0]
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
