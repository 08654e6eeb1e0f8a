"""Image preparation for OCR with Pillow: decode, EXIF orientation, grayscale, find the card in a photo
(card_crop), flatten uneven lighting, deskew, contrast, resize, binarise. The cuts the reader makes after
its first read are in text_regions.

All steps work on small thumbnails where they can, so a 12-megapixel phone photo costs a few tens
of milliseconds before Tesseract sees a card of ~1,600 px (small print ~30 px high).
"""

from __future__ import annotations

import io
import warnings

from attrs import frozen
from PIL import Image, ImageChops, ImageDraw, ImageFilter, ImageOps, UnidentifiedImageError

from dps.adapters.cards.images import heif_support
from dps.adapters.ocr.card_crop import crop_card
from dps.adapters.ocr.grey_levels import otsu, paper_grey
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


def remove_blobs(gray: Image.Image, stroke: float = 0.012) -> Image.Image:
    """Paint solid marks (logos, thick rules) in the paper's grey: Tesseract reads a logo beside the
    company name as a glyph or two otherwise. A mark is solid when it survives an erosion wider than
    the thickest letter stroke (`stroke` x the long side). Candidates are found on a thumbnail, where
    dense bold kanji look solid too, and confirmed at full resolution, where they do not."""
    small = gray.copy()
    small.thumbnail((800, 800))
    threshold = otsu(small)
    ink = small.point(lambda v: 255 if v <= threshold else 0)
    k = max(3, int(max(small.size) * stroke) | 1)
    candidates = ink.filter(ImageFilter.MinFilter(k)).filter(ImageFilter.MaxFilter(k + 4))
    if candidates.getbbox() is None:
        return gray
    sx, sy = gray.width / small.width, gray.height / small.height
    k_full = max(3, int(max(gray.size) * stroke) | 1)
    paper = paper_grey(gray)
    full_threshold = otsu(gray)
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
        threshold = otsu(gray)
        gray = gray.point(lambda v: 255 if v > threshold else 0)
    return gray


def to_png(img: Image.Image) -> bytes:
    buf = io.BytesIO()
    img.save(buf, "PNG", compress_level=1)
    return buf.getvalue()
