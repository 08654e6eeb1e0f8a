"""The start of a card's address put right by its postal code: the postal directory knows the prefecture,
city and town of each code (`東京都`, `渋谷区`, `渋谷` for 150-0002), so `東京都渋谷区小谷2-21-1` read off a
card with that code is `東京都渋谷区渋谷2-21-1`. Only a start that is close to the directory's is changed:
a misread postal code names another town, too far from the printed one to be taken for it."""

from __future__ import annotations

from collections.abc import Sequence

from attrs import frozen


@frozen
class PostalPlace:
    """What a postal directory says of one postal code (a code may cover several towns)."""

    prefecture: str
    city: str
    town: str = ""


def edit_distance(a: str, b: str) -> int:
    """Levenshtein distance: glyphs inserted, dropped or replaced."""
    previous = list(range(len(b) + 1))
    for i, ca in enumerate(a, start=1):
        current = [i]
        for j, cb in enumerate(b, start=1):
            current.append(min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (ca != cb)))
        previous = current
    return previous[-1]


def _allowed(length: int) -> int:
    """Glyphs that may be wrong in a start of `length` glyphs: one in a short one, two past sixteen."""
    return 1 if length <= 16 else 2


def repair_by_postal(address: str, places: Sequence[PostalPlace]) -> str:
    """`address` with its start (prefecture, city and town; the address may leave out the prefecture)
    replaced by the directory's spelling when a few glyphs at most differ; the longest such start wins,
    and an address whose start matches none is returned as it is."""
    best: tuple[int, int, str, int] | None = None  # (-length, edits, spelling, glyphs of the address it replaces)
    for place in places:
        for start in _starts(place):
            span = _closest_span(address, start)
            if span is None:
                continue
            edits, taken = span
            candidate = (-len(start), edits, start, taken)
            if best is None or candidate[:2] < best[:2]:
                best = candidate
    if best is None or best[1] == 0:
        return address
    _, _, spelling, taken = best
    return spelling + address[taken:]


def _starts(place: PostalPlace) -> list[str]:
    """The spellings an address may start with, longest first: with and without the prefecture and town."""
    out = [place.prefecture + place.city + place.town, place.prefecture + place.city,
           place.city + place.town, place.city]
    return [s for s in dict.fromkeys(out) if len(s) >= 3]


def _closest_span(address: str, start: str) -> tuple[int, int] | None:
    """(edits, glyphs of `address`) of the address prefix nearest to `start`, within the allowed edits; an
    exact prefix wins at once, and among equally near ones the one as long as `start` (a glyph misread
    rather than one dropped and the next taken in)."""
    if address.startswith(start):
        return 0, len(start)
    allowed = _allowed(len(start))
    found: tuple[int, int, int] | None = None  # (edits, length difference, glyphs taken)
    for taken in range(max(1, len(start) - allowed), min(len(address), len(start) + allowed) + 1):
        edits = edit_distance(address[:taken], start)
        candidate = (edits, abs(taken - len(start)), taken)
        if edits <= allowed and (found is None or candidate < found):
            found = candidate
    return None if found is None else (found[0], found[2])
