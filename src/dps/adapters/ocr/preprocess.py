"""Image preparation for OCR with Pillow: decode, EXIF orientation, grayscale, find the card in a photo
and undo its perspective, flatten uneven lighting, deskew, contrast, resize, binarise; and the cuts the
reader makes afterwards: the columns of a vertical card set again on a clean page, the lines along its
bottom, the ink no read line covers, a solid logo before the company name.

All steps work on small thumbnails where they can, so a 12-megapixel phone photo costs a few tens
of milliseconds before Tesseract sees a card of ~1,600 px (small print ~30 px high).
"""

from __future__ import annotations

import io
import warnings

from attrs import frozen
from PIL import Image, ImageChops, ImageDraw, ImageFilter, ImageOps, UnidentifiedImageError

from dps.adapters.cards.images import heif_support
from dps.application.cards.ports import UnreadableImage
from dps.application.cards.reading import image_format

Image.MAX_IMAGE_PIXELS = 80_000_000  # a 40 MB photo decodes; a decompression bomb does not


@frozen
class PrepareOptions:
    long_side: int = 1600
    """Long side of the card after resizing: small print ~30 px high on a 91 x 55 mm card."""
    crop: bool = True
    flatten: bool = True
    deskew: bool = True
    max_skew: float = 6.0
    remove_logos: bool = False
    """Blank solid marks thicker than any letter stroke (logos) before OCR. Off by default: on blurred
    phone photos the strokes of big bold kanji merge and parts of the name were erased (measured)."""
    binarise: bool = False
    """Otsu threshold after flattening (Tesseract binarises itself; off measured better on photos)."""


def decode(data: bytes) -> Image.Image:
    """The upright image (EXIF orientation applied); `UnreadableImage` when the bytes are not one."""
    if not data:
        raise UnreadableImage("空のファイルです / the file is empty")
    heif_support()
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            img = Image.open(io.BytesIO(data))
            img.load()
    except (UnidentifiedImageError, Image.DecompressionBombError, Image.DecompressionBombWarning) as e:
        if isinstance(e, UnidentifiedImageError):
            if image_format(data) == "HEIF":  # a cut or damaged HEIC no longer parses at all
                raise UnreadableImage("画像が壊れています / corrupt image: HEIF") from e
            raise UnreadableImage("画像ではありません / not an image (unknown format)") from e
        raise UnreadableImage(f"画像が大きすぎます / image too large: {e}") from e
    except (OSError, SyntaxError, ValueError, EOFError, RuntimeError) as e:
        raise UnreadableImage(f"画像が壊れています / corrupt image: {e}") from e
    try:
        upright = ImageOps.exif_transpose(img)
    except Exception:  # a broken EXIF block must not lose the picture
        upright = img
    return upright


def _otsu(img: Image.Image) -> int:
    hist = img.histogram()[:256]
    total = sum(hist)
    sum_all = sum(i * h for i, h in enumerate(hist))
    best, threshold, w_b, sum_b = 0.0, 128, 0, 0.0
    for t in range(256):
        w_b += hist[t]
        if w_b == 0:
            continue
        w_f = total - w_b
        if w_f == 0:
            break
        sum_b += t * hist[t]
        m_b, m_f = sum_b / w_b, (sum_all - sum_b) / w_f
        between = w_b * w_f * (m_b - m_f) ** 2
        if between > best:
            best, threshold = between, t
    return threshold


def crop_card(gray: Image.Image) -> Image.Image:
    """The bright card cut out of a darker background (a phone photo); the image itself when there is none."""
    small = gray.copy()
    small.thumbnail((300, 300))
    threshold = _otsu(small)
    mask = small.point(lambda v: 255 if v > threshold else 0).filter(ImageFilter.MinFilter(5))
    box = mask.getbbox()
    if box is None:
        return gray
    sw, sh = small.size
    area = (box[2] - box[0]) * (box[3] - box[1])
    if area < 0.25 * sw * sh or area > 0.92 * sw * sh:
        return gray
    # is it a card on a background, or just light text areas? the background must be clearly darker
    inner = ImageOps.crop(small, 0).crop(box)
    if _mean(inner) - _mean(small) < 8:
        return gray
    fx, fy = gray.width / sw, gray.height / sh
    quad = _card_corners(mask)
    if quad is not None:
        return _white_frame(_rectify(gray, [(x * fx, y * fy) for x, y in quad]), max(2, min(gray.size) // 150))
    inset = 3  # thumbnail pixels inward: a tilted card's corners leave background at the edges otherwise
    card = gray.crop((int((box[0] + inset) * fx), int((box[1] + inset) * fy),
                      int((box[2] - inset) * fx), int((box[3] - inset) * fy)))
    return _white_frame(_clear_background_wedges(card), max(2, min(card.size) // 60))


def _card_corners(mask: Image.Image) -> list[tuple[float, float]] | None:
    """The four corners (top-left, top-right, bottom-right, bottom-left) of the bright card in a thumbnail
    mask, as the extreme points along the diagonals; None when they do not make a plausible quadrilateral
    (the mask is not one card seen in perspective)."""
    w, h = mask.size
    data = mask.tobytes()
    best = [(10**9, 0, 0), (-(10**9), 0, 0), (-(10**9), 0, 0), (10**9, 0, 0)]  # min x+y, max x-y, max x+y, min x-y
    spans = 0  # the mask's area with its holes (the print on the card) filled
    for y in range(0, h):
        row = data[y * w:(y + 1) * w]
        first = row.find(b"\xff")
        if first < 0:
            continue
        last = row.rfind(b"\xff")
        spans += last - first + 1
        for x in (first, last):
            if x + y < best[0][0]:
                best[0] = (x + y, x, y)
            if x - y > best[1][0]:
                best[1] = (x - y, x, y)
            if x + y > best[2][0]:
                best[2] = (x + y, x, y)
            if x - y < best[3][0]:
                best[3] = (x - y, x, y)
    corners = [(float(x), float(y)) for _, x, y in best]
    area = 0.5 * abs(sum(x1 * y2 - x2 * y1 for (x1, y1), (x2, y2) in zip(corners, corners[1:] + corners[:1],
                                                                          strict=True)))
    if area < 0.2 * w * h:
        return None
    if spans < 0.85 * area or spans > 1.15 * area:  # a card fills its quadrilateral; light patches do not
        return None
    (x0, y0), (x1, y1), (x2, y2), (x3, y3) = corners
    top, bottom = x1 - x0, x2 - x3
    left, right = y3 - y0, y2 - y1
    if min(top, bottom, left, right) <= 0 or max(top, bottom) > 1.5 * min(top, bottom) \
            or max(left, right) > 1.5 * min(left, right):
        return None
    return corners


def _rectify(gray: Image.Image, quad: list[tuple[float, float]], inset: float = 0.006) -> Image.Image:
    """The quadrilateral `quad` of `gray` mapped onto an upright rectangle (perspective undone), a little
    inside its edges so no background is left."""
    (x0, y0), (x1, y1), (x2, y2), (x3, y3) = quad
    width = ((x1 - x0) ** 2 + (y1 - y0) ** 2) ** 0.5 / 2 + ((x2 - x3) ** 2 + (y2 - y3) ** 2) ** 0.5 / 2
    height = ((x3 - x0) ** 2 + (y3 - y0) ** 2) ** 0.5 / 2 + ((x2 - x1) ** 2 + (y2 - y1) ** 2) ** 0.5 / 2
    out_w, out_h = max(1, round(width)), max(1, round(height))
    dx, dy = inset * out_w, inset * out_h
    target = [(-dx, -dy), (out_w + dx, -dy), (out_w + dx, out_h + dy), (-dx, out_h + dy)]
    coeffs = perspective_coefficients(target, quad)
    return gray.transform((out_w, out_h), Image.Transform.PERSPECTIVE, coeffs, Image.Resampling.BICUBIC,
                          fillcolor=255)


def perspective_coefficients(dst: list[tuple[float, float]], src: list[tuple[float, float]]) -> list[float]:
    """The 8 coefficients of Pillow's PERSPECTIVE transform mapping the `dst` corners onto the `src` corners."""
    rows: list[list[float]] = []
    for (x, y), (u, v) in zip(dst, src, strict=True):
        rows.append([x, y, 1, 0, 0, 0, -u * x, -u * y, u])
        rows.append([0, 0, 0, x, y, 1, -v * x, -v * y, v])
    n = 8
    for col in range(n):
        pivot = max(range(col, n), key=lambda r: abs(rows[r][col]))
        rows[col], rows[pivot] = rows[pivot], rows[col]
        for r in range(n):
            if r != col and rows[col][col]:
                factor = rows[r][col] / rows[col][col]
                rows[r] = [a - factor * b for a, b in zip(rows[r], rows[col], strict=True)]
    return [rows[i][n] / rows[i][i] if rows[i][i] else 0.0 for i in range(n)]


def _clear_background_wedges(card: Image.Image) -> Image.Image:
    """A tilted card leaves wedges of the (darker) table at the edges of its bounding box: flood them
    from the border on a smoothed thumbnail and paint them in the paper's grey."""
    small = card.copy()
    small.thumbnail((320, 320))
    small = small.filter(ImageFilter.MedianFilter(5)).point(lambda v: max(v, 1))
    hist = small.histogram()[:256]
    paper = max(range(256), key=lambda v: hist[v])
    dark = paper - 45
    w, h = small.size
    step = 12  # how far inward the card must be clearly brighter than a seed on the table
    seeds = [((x, 0), (x, step)) for x in range(0, w, 8)] + [((x, h - 1), (x, h - 1 - step)) for x in range(0, w, 8)]
    seeds += [((0, y), (step, y)) for y in range(0, h, 8)] + [((w - 1, y), (w - 1 - step, y)) for y in range(0, h, 8)]
    filled = False
    for xy, inward in seeds:
        value, inner = small.getpixel(xy), small.getpixel(inward)
        if isinstance(value, int) and isinstance(inner, int) and 0 < value < dark and inner - value > 40:
            ImageDraw.floodfill(small, xy, 0, thresh=20)
            filled = True
    if not filled:
        return card
    mask = small.point(lambda v: 255 if v == 0 else 0).filter(ImageFilter.MaxFilter(3)).resize(
        card.size, Image.Resampling.BILINEAR)
    cleared = card.copy()
    cleared.paste(paper, (0, 0, card.width, card.height), mask)
    return cleared


def _white_frame(img: Image.Image, width: int) -> Image.Image:
    """Paint the outer `width` pixels white: leftover background at the edges confuses page layout."""
    framed = img.copy()
    w, h = framed.size
    for box in ((0, 0, w, width), (0, h - width, w, h), (0, 0, width, h), (w - width, 0, w, h)):
        framed.paste(255, box)
    return framed


def remove_blobs(gray: Image.Image, stroke: float = 0.012) -> Image.Image:
    """Paint solid marks (logos, thick rules) in the paper's grey: Tesseract reads a logo beside the
    company name as a glyph or two otherwise. A mark is solid when it survives an erosion wider than
    the thickest letter stroke (`stroke` x the long side). Candidates are found on a thumbnail, where
    dense bold kanji look solid too, and confirmed at full resolution, where they do not."""
    small = gray.copy()
    small.thumbnail((800, 800))
    threshold = _otsu(small)
    ink = small.point(lambda v: 255 if v <= threshold else 0)
    k = max(3, int(max(small.size) * stroke) | 1)
    candidates = ink.filter(ImageFilter.MinFilter(k)).filter(ImageFilter.MaxFilter(k + 4))
    if candidates.getbbox() is None:
        return gray
    sx, sy = gray.width / small.width, gray.height / small.height
    k_full = max(3, int(max(gray.size) * stroke) | 1)
    hist = gray.histogram()[:256]
    paper = max(range(256), key=lambda v: hist[v])
    full_threshold = _otsu(gray)
    cleaned = gray
    for _ in range(12):  # one candidate component at a time
        box = candidates.getbbox()
        if box is None:
            break
        seed = next(((x, box[1]) for x in range(box[0], box[2]) if candidates.getpixel((x, box[1])) == 255), None)
        if seed is None:
            break
        ImageDraw.floodfill(candidates, seed, 128)
        component = candidates.point(lambda v: 255 if v == 128 else 0)
        cb = component.getbbox()
        candidates.paste(0, (0, 0, candidates.width, candidates.height), component)
        if cb is None:
            continue
        pad = k_full
        region = (max(0, int(cb[0] * sx) - pad), max(0, int(cb[1] * sy) - pad),
                  min(gray.width, int(cb[2] * sx) + pad), min(gray.height, int(cb[3] * sy) + pad))
        crop = gray.crop(region).point(lambda v: 255 if v <= full_threshold else 0)
        core = crop.filter(ImageFilter.MinFilter(k_full))
        if core.getbbox() is None:
            continue  # strokes, not a solid mark
        mark = core.filter(ImageFilter.MaxFilter(k_full + 8))
        if cleaned is gray:
            cleaned = gray.copy()
        cleaned.paste(paper, region, mark)
    return cleaned


def _mean(img: Image.Image) -> float:
    hist = img.histogram()[:256]
    total = sum(hist) or 1
    return sum(i * h for i, h in enumerate(hist)) / total


def flatten(gray: Image.Image) -> Image.Image:
    """Remove uneven lighting: subtract a background estimated by dilating away the text on a thumbnail."""
    small = gray.copy()
    small.thumbnail((160, 160))
    background = small.filter(ImageFilter.MaxFilter(5)).filter(ImageFilter.GaussianBlur(3)).resize(
        gray.size, Image.Resampling.BILINEAR)
    return ImageChops.invert(ImageChops.subtract(background, gray))


def _profile_score(img: Image.Image) -> float:
    """How sharply dark rows (text lines) alternate with light rows: the variance of the row means."""
    rows = list(img.resize((1, img.height), Image.Resampling.BOX).tobytes())
    mean = sum(rows) / len(rows)
    return sum((r - mean) ** 2 for r in rows) / len(rows)


def skew_angle(gray: Image.Image, max_skew: float = 6.0, step: float = 0.5) -> float:
    """The small rotation (degrees) that makes text lines (or vertical columns) straightest."""
    small = gray.copy()
    small.thumbnail((500, 500))
    inverted = ImageOps.invert(ImageOps.autocontrast(small, cutoff=2))
    def score(angle: float) -> float:
        turned = inverted.rotate(angle, resample=Image.Resampling.BILINEAR, fillcolor=0)
        return max(_profile_score(turned), _profile_score(turned.transpose(Image.Transpose.TRANSPOSE)))

    best_angle, best_score = 0.0, score(0.0) * 1.02  # turn only for a clear gain (a blank page stays put)
    steps = int(max_skew / step)
    for i in range(-steps, steps + 1):
        angle = i * step
        if angle and (value := score(angle)) > best_score:
            best_angle, best_score = angle, value
    return best_angle


def prepare(img: Image.Image, options: PrepareOptions | None = None) -> Image.Image:
    """Grayscale, cropped, flattened, deskewed, stretched and resized: what Tesseract reads best."""
    opts = options or PrepareOptions()
    gray = img.convert("L") if img.mode != "L" else img
    if opts.crop:
        gray = crop_card(gray)
    scale = opts.long_side / max(gray.size)
    if abs(scale - 1) > 0.05:
        gray = gray.resize((max(1, round(gray.width * scale)), max(1, round(gray.height * scale))),
                           Image.Resampling.LANCZOS if scale < 1 else Image.Resampling.BICUBIC)
    if opts.flatten:
        gray = flatten(gray)
    if opts.remove_logos:
        gray = remove_blobs(gray)
    if opts.deskew:
        angle = skew_angle(gray, opts.max_skew)
        if angle:
            gray = gray.rotate(angle, resample=Image.Resampling.BICUBIC, expand=True, fillcolor=255)
    gray = ImageOps.autocontrast(gray, cutoff=1)
    if opts.binarise:
        threshold = _otsu(gray)
        gray = gray.point(lambda v: 255 if v > threshold else 0)
    return gray


def to_png(img: Image.Image) -> bytes:
    buf = io.BytesIO()
    img.save(buf, "PNG", compress_level=1)
    return buf.getvalue()


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
    threshold = _otsu(small)
    ink = ImageOps.invert(small.point(lambda v: 255 if v > threshold else 0)).filter(ImageFilter.MedianFilter(3))
    band = ink.crop((0, 0, ink.width, int(ink.height * 0.75)))  # above the horizontal lines at the bottom
    profile = [v / 255 * band.height for v in band.resize((band.width, 1), Image.Resampling.BOX).tobytes()]
    runs = [r for r in _ink_runs(profile, band.height * 0.01, 3) if r[1] - r[0] >= 3]
    if len(runs) < 3:
        return gray
    widths = sorted(r[1] - r[0] for r in runs)
    typical = widths[len(widths) // 2]
    out = gray
    hist = gray.histogram()[:256]
    paper = max(range(256), key=lambda v: hist[v])  # the most common grey: the card's paper
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
    paper = small
    for _ in range(4):  # a 9 x 9 maximum as four 3 x 3 ones: the same result, several times faster
        paper = paper.filter(ImageFilter.MaxFilter(3))
    darker = ImageChops.subtract(paper, small)
    return darker.point(lambda v: 255 if v > 70 else 0).filter(ImageFilter.MedianFilter(3))


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
    hist = gray.histogram()[:256]
    paper = max(range(256), key=lambda v: hist[v])  # the most common grey: the card's paper
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
    for left, top, right, bottom in boxes:
        pad = (bottom - top) * 0.25
        ink.paste(0, (max(0, int((left - pad) / sx)), max(0, int((top - pad) / sy)),
                      min(ink.width, int((right + pad) / sx) + 1), min(ink.height, int((bottom + pad) / sy) + 1)))
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
            if not 0.08 <= density <= 0.6:
                continue
            found.append((int(left * sx), int(top * sy), int(right * sx), int(bottom * sy)))
    return found[:6]


def erase_leading_mark(line: Image.Image, height: int) -> Image.Image | None:
    """`line` (a crop around one text line of glyph `height` px) with a solid mark before the text (a logo
    beside the company name) painted in the paper's grey; None when it starts with no such mark.

    A mark is the first blob of ink (columns of ink between gaps) when it is about as tall as the text or
    taller and mostly filled: a filled shape covers 60% or more of its box, a printed glyph, even a bold and
    blurred kanji, much less. Logos that are text themselves are left alone."""
    threshold = _otsu(line)
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
            hist = line.histogram()[:256]
            paper = max(range(256), key=lambda v: hist[v])
            cleaned = line.copy()
            pad = max(2, height // 10)
            cleaned.paste(paper, (max(0, left - pad), 0, min(line.width, right + pad), line.height))
            return cleaned
        if w >= 0.5 * height:
            return None  # the text starts here: no mark before it
    return None
