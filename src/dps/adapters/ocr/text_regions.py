"""The cuts the card reader makes after its first read: the columns of a vertical card set again on a clean
page (or its big columns shrunk in place), the lines along its bottom, the text-like ink no read line
covers, and a solid logo before the company name blanked. Found on thumbnails with an ink mask that
ignores the darker corners of a photo."""

from __future__ import annotations

from PIL import Image, ImageChops, ImageFilter, ImageOps

from dps.adapters.ocr.grey_levels import otsu, paper_grey


def _ink_runs(profile: list[float], threshold: float, min_gap: int) -> list[tuple[int, int]]:
    """[start, end) index ranges where `profile` exceeds `threshold`, merging gaps narrower than `min_gap`."""
    runs: list[tuple[int, int]] = []
    start: int | None = None
    for i, v in enumerate([*profile, 0.0]):
        if v > threshold and start is None:
            start = i
        elif v <= threshold and start is not None:
            if runs and start - runs[-1][1] < min_gap:
                runs[-1] = (runs[-1][0], i)
            else:
                runs.append((start, i))
            start = None
    return runs


def shrink_big_columns(gray: Image.Image, factor: float = 1.7) -> Image.Image:
    """On a vertical card, scale down columns printed much bigger than the rest (the name), so Tesseract's
    vertical single-block mode reads them with the others; the column keeps its place."""
    small = gray.copy()
    small.thumbnail((800, 800))
    sx = gray.width / small.width
    threshold = otsu(small)
    ink = binary_median3(ImageOps.invert(small.point(lambda v: 255 if v > threshold else 0)))
    band = ink.crop((0, 0, ink.width, int(ink.height * 0.75)))  # above the horizontal lines at the bottom
    profile = [v / 255 * band.height for v in band.resize((band.width, 1), Image.Resampling.BOX).tobytes()]
    runs = [r for r in _ink_runs(profile, band.height * 0.01, 3) if r[1] - r[0] >= 3]
    if len(runs) < 3:
        return gray
    widths = sorted(r[1] - r[0] for r in runs)
    typical = widths[len(widths) // 2]
    out = gray
    paper = paper_grey(gray)
    for start, end in runs:
        width = end - start
        if width < typical * factor:
            continue
        left, right = int(start * sx), int(end * sx)
        strip = gray.crop((left, 0, right, gray.height))
        scale = typical * 1.2 / width
        shrunk = strip.resize((max(1, int(strip.width * scale)), max(1, int(strip.height * scale))),
                              Image.Resampling.LANCZOS)
        if out is gray:
            out = gray.copy()
        out.paste(paper, (left, 0, right, gray.height))
        top = int(_first_ink_row(strip) * scale * 0.5 + _first_ink_row(strip) * 0.5)
        out.paste(shrunk, (left + (strip.width - shrunk.width) // 2, min(top, gray.height - shrunk.height)))
    return out


def _first_ink_row(strip: Image.Image) -> int:
    rows = list(strip.resize((1, strip.height), Image.Resampling.BOX).tobytes())
    for i, v in enumerate(rows):
        if v < 235:
            return i
    return 0


def ink_mask(small: Image.Image) -> Image.Image:
    """Ink (255) where a pixel is clearly darker than the paper around it: unlike one global threshold,
    darker corners of a photo (vignetting, shadow) stay paper."""
    paper = max_filter(small, 9)
    darker = ImageChops.subtract(paper, small)
    return binary_median3(darker.point(lambda v: 255 if v > 70 else 0))


def max_filter(img: Image.Image, size: int) -> Image.Image:
    """`img.filter(ImageFilter.MaxFilter(size))` (odd `size`) for an "L" image, pixel for pixel, as a row
    maximum then a column maximum of shifted copies: a square maximum is separable, and the black that a
    shift brings in at the edges changes no maximum (Pillow repeats the edge pixels instead). Many times
    faster than the rank filter, whose cost grows with size x size."""
    reach = size // 2
    width, height = img.size
    rows = img
    for d in range(1, reach + 1):
        rows = ImageChops.lighter(rows, ImageChops.lighter(img.crop((d, 0, width + d, height)),
                                                           img.crop((-d, 0, width - d, height))))
    out = rows
    for d in range(1, reach + 1):
        out = ImageChops.lighter(out, ImageChops.lighter(rows.crop((0, d, width, height + d)),
                                                         rows.crop((0, -d, width, height - d))))
    return out


def binary_median3(img: Image.Image) -> Image.Image:
    """`img.filter(ImageFilter.MedianFilter(3))` for an "L" image of only 0 and 255, pixel for pixel: the
    median of nine such pixels is 255 when five or more are, i.e. when their mean passes 127 (a 3 x 3 box
    blur, which repeats the edge pixels as the median filter does). About nine times faster."""
    return img.filter(ImageFilter.BoxBlur(1)).point(lambda v: 255 if v > 127 else 0)


def stack_columns(gray: Image.Image) -> Image.Image | None:
    """A vertical card's text columns cut out one by one and set again, right to left as printed, on a clean
    page with even gaps: columns printed much wider than the rest (the name) are scaled down to the others'
    size, and the rest of the card (edges, logos, the horizontal lines at the bottom) is left out. Tesseract's
    vertical single-block mode (`--psm 5`) loses columns of a photographed card much less often on it.
    None when the card does not show at least three columns."""
    small = gray.copy()
    small.thumbnail((800, 800))
    sx, sy = gray.width / small.width, gray.height / small.height
    ink = ink_mask(small)
    edge = max(2, small.width // 50)  # leftovers of the card's edge are no column
    ink.paste(0, (0, 0, edge, ink.height))
    ink.paste(0, (ink.width - edge, 0, ink.width, ink.height))
    ink.paste(0, (0, 0, ink.width, edge))
    band = ink.crop((0, 0, ink.width, int(ink.height * 0.75)))  # above the horizontal lines at the bottom
    profile = [v / 255 * band.height for v in band.resize((band.width, 1), Image.Resampling.BOX).tobytes()]
    runs = [r for r in _ink_runs(profile, max(2.0, band.height * 0.01), 3) if r[1] - r[0] >= 3]
    if len(runs) < 3:
        return None
    widths = sorted(r[1] - r[0] for r in runs)
    typical = widths[len(widths) // 2]
    crops: list[Image.Image] = []
    for start, end in reversed(runs):  # right to left, the reading order
        width = end - start
        strip = ink.crop((start, 0, end, ink.height))
        rows = [v / 255 * width for v in strip.resize((1, strip.height), Image.Resampling.BOX).tobytes()]
        segments = _ink_runs(rows, 0.5, int(max(width, typical) * 2.5))
        segments = [s for s in segments if s[0] < band.height and s[1] - s[0] >= 2]
        if not segments:
            continue
        top, bottom = max(segments, key=lambda s: sum(rows[s[0]:s[1]]))  # the text, not a speck above it
        if bottom - top > 0.92 * ink.height:
            continue  # the card's edge or a rule, not a column of text
        pad = max(2, typical // 3)
        box = (int(max(0, start - pad) * sx), int(max(0, top - pad) * sy),
               int(min(small.width, end + pad) * sx), int(min(small.height, bottom + pad) * sy))
        crop = gray.crop(box)
        if width >= typical * 1.7:  # the name: shrink it to the others' size
            scale = typical * 1.2 / width
            crop = crop.resize((max(1, int(crop.width * scale)), max(1, int(crop.height * scale))),
                               Image.Resampling.LANCZOS)
        crops.append(crop)
    if len(crops) < 3:
        return None
    gap = max(8, int(typical * sx * 0.8))
    margin = 2 * gap
    paper = paper_grey(gray)
    page = Image.new("L", (sum(c.width for c in crops) + gap * (len(crops) - 1) + 2 * margin,
                           max(c.height for c in crops) + 2 * margin), paper)
    x = page.width - margin
    for crop in crops:
        x -= crop.width
        page.paste(crop, (x, margin))
        x -= gap
    return page


def bottom_lines(gray: Image.Image, part: float = 0.35) -> Image.Image | None:
    """The horizontal lines printed along the bottom of a vertical card (email, URL), cut tightly out of the
    bottom `part` of the card and smoothed: read whole, the blank paper's noise becomes glyphs. None when
    the bottom is blank."""
    top = int(gray.height * (1 - part))
    region = gray.crop((0, top, gray.width, gray.height))
    small = region.copy()
    small.thumbnail((800, 800))
    sx, sy = region.width / small.width, region.height / small.height
    ink = ink_mask(small)
    edge = max(2, small.width // 60)
    ink.paste(0, (0, 0, edge, ink.height))
    ink.paste(0, (ink.width - edge, 0, ink.width, ink.height))
    ink.paste(0, (0, ink.height - edge, ink.width, ink.height))
    rows = [v / 255 * ink.width for v in ink.resize((1, ink.height), Image.Resampling.BOX).tobytes()]
    runs = [r for r in _ink_runs(rows, max(3.0, ink.width * 0.02), 4) if r[1] - r[0] >= 4]
    if not runs:
        return None
    first, last = runs[0][0], runs[-1][1]
    box = ink.crop((0, first, ink.width, last)).getbbox()
    if box is None:
        return None
    pad = max(4, (runs[0][1] - runs[0][0]) // 2)
    crop = region.crop((int(max(0, box[0] - pad) * sx), int(max(0, first - pad) * sy),
                        int(min(small.width, box[2] + pad) * sx), int(min(small.height, last + pad) * sy)))
    return crop.filter(ImageFilter.MedianFilter(3))


def unread_regions(gray: Image.Image, boxes: list[tuple[int, int, int, int]]) -> list[tuple[int, int, int, int]]:
    """Boxes (in `gray`'s pixels) of text-like ink that none of `boxes` covers: short lines (a two-glyph
    title, a kana reading) that Tesseract's page layout analysis skipped. Found on a thumbnail: the covered
    boxes are blanked, then the ink left is cut into lines (row profile) and words (column profile)."""
    small = gray.copy()
    small.thumbnail((800, 800))
    sx, sy = gray.width / small.width, gray.height / small.height
    ink = ink_mask(small)
    edge = max(3, small.width // 50)
    for box in ((0, 0, edge, ink.height), (ink.width - edge, 0, ink.width, ink.height), (0, 0, ink.width, edge),
                (0, ink.height - edge, ink.width, ink.height)):
        ink.paste(0, box)
    printed = ink.copy()
    for left, top, right, bottom in boxes:
        box = (max(0, int(left / sx)), max(0, int(top / sy)), min(ink.width, int(right / sx) + 1),
               min(ink.height, int(bottom / sy) + 1))
        band_top, band_bottom = _line_band(printed, box)
        pad = (band_bottom - band_top) * 0.25
        ink.paste(0, (max(0, int(box[0] - pad)), max(0, int(band_top - pad)),
                      min(ink.width, int(box[2] + pad) + 1), min(ink.height, int(band_bottom + pad) + 1)))
    if ink.getbbox() is None:
        return []
    rows = [v / 255 * ink.width for v in ink.resize((1, ink.height), Image.Resampling.BOX).tobytes()]
    found: list[tuple[int, int, int, int]] = []
    for top, bottom in _ink_runs(rows, 1.5, 3):
        height = bottom - top
        if not 6 <= height <= 70:
            continue
        band = ink.crop((0, top, ink.width, bottom))
        cols = [v / 255 * height for v in band.resize((band.width, 1), Image.Resampling.BOX).tobytes()]
        for left, right in _ink_runs(cols, 0.5, max(6, int(height * 1.5))):
            if right - left < height * 1.2:
                continue  # a speck, a stray glyph or a mark, not a word
            word = band.crop((left, 0, right, height))
            density = sum(word.histogram()[255:]) / max(1, word.width * word.height)
            if not 0.08 <= density <= 0.7:  # dense kanji (課長) reach 0.6; a solid mark is near 1
                continue
            found.append((int(left * sx), int(top * sy), int(right * sx), int(bottom * sy)))
    return found[:6]


def _line_band(ink: Image.Image, box: tuple[int, int, int, int]) -> tuple[int, int]:
    """The rows of `box` (thumbnail pixels) that hold its line: the tallest band of ink and the bands close
    to it. A short line just above or below (a two-glyph title over a big name) that Tesseract's box
    swallowed without reading it is left out, so it still counts as unread."""
    left, top, right, bottom = box
    if right - left < 2 or bottom - top < 2:
        return top, bottom
    crop = ink.crop(box)
    rows = [v / 255 * crop.width for v in crop.resize((1, crop.height), Image.Resampling.BOX).tobytes()]
    bands = _ink_runs(rows, 0.5, 2)
    if len(bands) < 2:
        return top, bottom
    main = max(range(len(bands)), key=lambda i: bands[i][1] - bands[i][0])
    gap = max(2, int((bands[main][1] - bands[main][0]) * 0.3))
    first = last = main
    while first > 0 and bands[first][0] - bands[first - 1][1] < gap:
        first -= 1
    while last < len(bands) - 1 and bands[last + 1][0] - bands[last][1] < gap:
        last += 1
    return top + bands[first][0], top + bands[last][1]


def erase_leading_mark(line: Image.Image, height: int) -> Image.Image | None:
    """`line` (a crop around one text line of glyph `height` px) with a solid mark before the text (a logo
    beside the company name) painted in the paper's grey; None when it starts with no such mark.

    A mark is the first blob of ink (columns of ink between gaps) when it is about as tall as the text or
    taller and mostly filled: a filled shape covers 60% or more of its box, a printed glyph, even a bold and
    blurred kanji, much less. Logos that are text themselves are left alone."""
    threshold = otsu(line)
    ink = ImageOps.invert(line.point(lambda v: 255 if v > threshold else 0))
    cols = [v / 255 * ink.height for v in ink.resize((ink.width, 1), Image.Resampling.BOX).tobytes()]
    runs = [r for r in _ink_runs(cols, 1.0, max(2, height // 8)) if r[1] - r[0] >= 3]
    for left, right in runs[:2]:
        blob = ink.crop((left, 0, right, ink.height))
        box = blob.getbbox()
        if box is None:
            continue
        w, h = box[2] - box[0], box[3] - box[1]
        filled = sum(blob.crop(box).histogram()[255:]) / max(1, w * h)
        if h >= 0.8 * height and 0.6 * h <= w <= 1.6 * h and filled >= 0.6:
            paper = paper_grey(line)
            cleaned = line.copy()
            pad = max(2, height // 10)
            cleaned.paste(paper, (max(0, left - pad), 0, min(line.width, right + pad), line.height))
            return cleaned
        if w >= 0.5 * height:
            return None  # the text starts here: no mark before it
    return None
