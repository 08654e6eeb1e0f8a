"""The offline registry's name-search key (`corporate_name_key`) written in SQL, for the PostgreSQL load
path (ADR 0018).

The SQL is generated from the constants of `dps.domain.registry.names` (the corporate forms, the English
forms, the edge noise) and from the behaviour of `fold_name` (the kana table, Python's
whitespace), so the two implementations cannot drift apart; `tests/integration/registry/test_sql_name_key.py`
checks them against each other. Most names take the inline expression (`key_levels`); the rare ones the
inline expression cannot decide (a name made only of corporate forms) take `pg_temp.registry_name_key`, a
line-for-line PL/pgSQL port of the Python loop (`function_ddl`).
"""

from __future__ import annotations

import re
import sys
import unicodedata

from dps.domain.registry.names import EDGE_NOISE, ENGLISH_BOUNDARY, ENGLISH_SUFFIXES, JAPANESE_FORMS, fold_name

# -- the pieces of the search key, derived from the Python implementation ---------------------------------

def _python_whitespace() -> str:
    """Every character Python's `str.split()` and `re`'s `\\s` treat as whitespace."""
    return "".join(chr(c) for c in range(sys.maxunicode + 1) if chr(c).isspace())


def _kana_table() -> tuple[str, str]:
    """(from, to) for `translate()`: the characters `fold_name` maps to another single character after
    NFKC and lower case, found by asking it (the hiragana → katakana table)."""
    src, dst = [], []
    for c in map(chr, range(0x3000, 0x3100)):
        if unicodedata.normalize("NFKC", c) == c and c.lower() == c:
            folded = fold_name(c)
            if len(folded) == 1 and folded != c:
                src.append(c)
                dst.append(folded)
    return "".join(src), "".join(dst)


WHITESPACE = _python_whitespace()
KANA_FROM, KANA_TO = _kana_table()
assert [ord(c) for c in KANA_FROM] == list(range(ord(KANA_FROM[0]), ord(KANA_FROM[-1]) + 1)), "one range"
_KANA = f"[{KANA_FROM[0]}-{KANA_FROM[-1]}]"
"""A regular expression matching the characters `translate()` folds (a name without any skips it)."""


def _bracket(chars: str) -> str:
    """A regular-expression bracket of exactly these characters (escapes for ARE)."""
    return "[" + "".join(c if c.isalnum() or (ord(c) > 0x7F and not c.isspace()) else f"\\u{ord(c):04x}"
                         for c in chars) + "]"


def literal(text: str) -> str:
    """A SQL string literal (standard_conforming_strings: only quotes are special)."""
    return "'" + text.replace("'", "''") + "'"


_WS = _bracket(WHITESPACE)
_NOISE = _bracket(EDGE_NOISE)
_JF = "(?:" + "|".join(re.escape(f) for f in JAPANESE_FORMS) + ")"
_EN = "(?:" + ENGLISH_SUFFIXES.replace(r"\s", _WS) + ")"
ENGLISH_AT_END = f"{ENGLISH_BOUNDARY}{_EN}$"


def _by_edge(edge: int) -> dict[str, list[str]]:
    """The forms grouped by their first (`edge` 0) or last (-1) character, longest first in a group."""
    groups: dict[str, list[str]] = {}
    for form in sorted(JAPANESE_FORMS, key=len, reverse=True):
        groups.setdefault(form[edge], []).append(form)
    return groups


def _front_len(x: str) -> str:
    """Length of the longest corporate form `x` starts with, else 0 (Python: `startswith`, longest).
    One comparison picks the forms with `x`'s first character; `starts_with` compares bytes."""
    arms = " ".join(
        f"WHEN {literal(first)} THEN CASE "
        + " ".join(f"WHEN starts_with({x}, {literal(f)}) THEN {len(f)}" for f in forms) + " ELSE 0 END"
        for first, forms in sorted(_by_edge(0).items()))
    return f"CASE left({x}, 1) {arms} ELSE 0 END"


def _back_len(x: str) -> str:
    """Length of the longest corporate form `x` ends with, else 0 (grouped by the last character)."""
    arms = " ".join(
        f"WHEN {literal(last)} THEN CASE "
        + " ".join(f"WHEN right({x}, {len(f)}) = {literal(f)} THEN {len(f)}" for f in forms) + " ELSE 0 END"
        for last, forms in sorted(_by_edge(-1).items()))
    return f"CASE right({x}, 1) {arms} ELSE 0 END"


def _fold(expr: str) -> str:
    """`fold_name` of a text expression (it is evaluated once)."""
    return (f"btrim(regexp_replace(translate(lower(normalize({expr}, NFKC)), {literal(KANA_FROM)}, "
            f"{literal(KANA_TO)}), {literal(_WS + '+')}, ' ', 'g'), ' ')")


def function_ddl() -> list[str]:
    """`pg_temp.registry_name_key(text)`: `corporate_name_key` line for line (the slow, exact path)."""
    once = f"""CREATE OR REPLACE FUNCTION pg_temp.registry_name_once(name text) RETURNS text
LANGUAGE plpgsql IMMUTABLE STRICT AS $fn$
DECLARE folded text; txt text; cand text; m text;
BEGIN
  folded := {_fold('name')};
  txt := coalesce(nullif(btrim(folded, {literal(EDGE_NOISE)}), ''), folded);
  LOOP
    cand := txt;
    m := substring(cand from {literal('^' + _JF)});
    IF m IS NOT NULL THEN
      cand := substr(cand, length(m) + 1);
    ELSE
      m := substring(cand from {literal(_JF + '$')});
      IF m IS NOT NULL THEN
        cand := left(cand, length(cand) - length(m));
      ELSIF ascii(right(cand, 1)) < 128 THEN
        cand := regexp_replace(cand, {literal(ENGLISH_AT_END)}, '');
      END IF;
    END IF;
    cand := btrim(cand, {literal(EDGE_NOISE)});
    IF cand = txt OR cand = '' THEN
      EXIT;
    END IF;
    txt := cand;
  END LOOP;
  RETURN regexp_replace(txt, {literal(_WS + '+')}, '', 'g');
END $fn$"""
    key = """CREATE OR REPLACE FUNCTION pg_temp.registry_name_key(name text) RETURNS text
LANGUAGE plpgsql IMMUTABLE STRICT AS $fn$
DECLARE k text; again text;
BEGIN
  k := pg_temp.registry_name_once(name);
  FOR i IN 1..8 LOOP
    again := pg_temp.registry_name_once(k);
    IF again = k THEN
      RETURN k;
    END IF;
    k := again;
  END LOOP;
  RETURN k;
END $fn$"""
    return [once, key]


def _level(inner: str, expr: str, name: str) -> str:
    # OFFSET 0 keeps each level a subquery of its own, so an expression is computed once per row
    # (a flattened subquery would repeat it wherever the next level uses it).
    return f"SELECT x.*, {expr} AS {name} FROM ({inner}) x OFFSET 0"  # noqa: S608


def _front_step(sql: str, x: str, out: str) -> str:
    """One turn of Python's loop at the front: the longest form removed and the edge noise stripped;
    NULL when nothing would be left (Python then keeps the text: the exact function decides)."""
    sql = _level(sql, _front_len(x), f"{out}_n")
    return _level(sql, f"CASE WHEN {out}_n = 0 THEN {x} "
                       f"ELSE nullif(btrim(substr({x}, {out}_n + 1), {literal(EDGE_NOISE)}), '') END", out)


def _pass(sql: str, start: str, out: str) -> str:
    """`_strip_forms` unrolled: one turn at the front, one at the end, each level computing what the
    next needs once; `out` is NULL for a name that needs another turn (a second form in front or
    behind) or would be left empty: the exact function decides those."""
    noise = literal(EDGE_NOISE)
    sql = _level(sql, start, f"{out}_s")
    sql = _front_step(sql, f"{out}_s", f"{out}_f")
    f = f"{out}_f"
    # is there a second form in front (another turn: exact path), and how long is the form behind?
    sql = _level(sql, f"{_front_len(f)} AS {out}_fn, {_back_len(f)}", f"{out}_bn")
    # one turn at the end (once no form is in front): the longest Japanese form, else an English
    # form when the text ends in ASCII
    sql = _level(sql, f"CASE WHEN {out}_fn <> 0 THEN NULL "
                      f"WHEN {out}_bn > 0 THEN nullif(btrim(left({f}, -{out}_bn), {noise}), '') "
                      f"WHEN ascii(right({f}, 1)) < 128 THEN "
                      f"nullif(btrim(regexp_replace({f}, {literal(ENGLISH_AT_END)}, ''), {noise}), '') "
                      f"ELSE {f} END", f"{out}_b")
    # done unless another turn at the end would change it
    b = f"{out}_b"
    return _level(sql, f"CASE WHEN {_back_len(b)} = 0 AND (ascii(right({b}, 1)) >= 128 "
                       f"OR {b} !~ {literal(ENGLISH_AT_END)}) THEN {b} END", out)


def key_levels(inner: str, name: str = "c6") -> str:
    """`inner` (a SELECT with the text column `name`) plus the column `name_key`, the search key.

    Python's `_once` inline, as string operations (a regular expression over the form list is several
    times slower in PostgreSQL): fold (NFKC, lower case, hiragana to katakana, whitespace runs to one
    space); strip the edge noise (unless nothing else is left); the loop of `_strip_forms`, unrolled;
    spaces removed. Names the unrolled loop cannot finish take the exact function,
    `pg_temp.registry_name_key`: a name made only of forms, two forms in front or two behind, or a
    name with a space left inside (Python's second pass may find a form the space had broken)."""
    ws = literal(_WS)
    sql = _level(inner, f"CASE WHEN {name} IS NFKC NORMALIZED THEN {name} ELSE normalize({name}, NFKC) END", "k1")
    sql = _level(sql, f"lower(CASE WHEN k1 ~ '{_KANA}' THEN translate(k1, {literal(KANA_FROM)}, "
                      f"{literal(KANA_TO)}) ELSE k1 END)", "k2")
    sql = _level(sql, f"CASE WHEN k2 ~ {ws} THEN btrim(regexp_replace(k2, {literal(_WS + '+')}, ' ', 'g'), ' ') "
                      "ELSE k2 END", "k3")
    noise = literal(EDGE_NOISE)
    sql = _pass(sql, f"coalesce(nullif(btrim(k3, {noise}), ''), k3)", "p1")
    # After the fold every whitespace is one plain space; a key with one inside takes the exact path.
    return _level(sql, f"CASE WHEN p1 IS NULL OR strpos(p1, ' ') > 0 THEN pg_temp.registry_name_key({name}) "
                       "ELSE p1 END", "name_key")
