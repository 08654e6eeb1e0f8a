"""Finding the card in a phone photo: the bright card cut out of a darker background, its perspective undone
when its four corners are clear, otherwise its bounding box with the table's wedges painted over; a white
frame hides what is left of the background at the edges."""

from __future__ import annotations

from PIL import Image, ImageDraw, ImageFilter, ImageOps

from dps.adapters.ocr.grey_levels import mean_grey, otsu, paper_grey


def crop_card(gray: Image.Image) -> Image.Image:
    """The bright card cut out of a darker background (a phone photo); the image itself when there is none."""
    small = gray.copy()
    small.thumbnail((300, 300))
    threshold = otsu(small)
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
    if mean_grey(inner) - mean_grey(small) < 8:
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
    paper = paper_grey(small)
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
