"""The local Tesseract reader on rendered cards: the key fields (email, phone, company, name) come out
right on a clean horizontal card, a scanned horizontal card, a vertical card (clean and photographed) and
an English one; bad bytes are `UnreadableImage`; a solid logo before the company name is found and blanked,
a bold glyph is not. Kept to five card reads: the full accuracy figure is `bench/cards_accuracy.py`."""

from __future__ import annotations

import io
import random
import unicodedata

import pytest
from PIL import Image, ImageDraw, ImageFilter

from dps.adapters.ocr.preprocess import decode, prepare
from dps.adapters.ocr.tesseract import TesseractOcr
from dps.adapters.ocr.text_regions import erase_leading_mark, unread_regions
from dps.application.cards.ports import UnreadableImage
from dps.domain.cards import parse_card
from tests.fixtures.cards.pools import Layout, random_card
from tests.fixtures.cards.render import Degradation, RenderedCard, card_font, render_card

pytestmark = pytest.mark.usefixtures("ocr_tools")

KEY_FIELDS = ("email", "phone", "company", "family_name", "given_name")


def norm(value: str) -> str:
    return "".join(unicodedata.normalize("NFKC", value).split())


def card(seed: int, layout: Layout, degradation: Degradation) -> RenderedCard:
    rng = random.Random(seed)
    return render_card(random_card(rng, layout), degradation, rng, name=f"{layout}-{seed}")


@pytest.mark.parametrize(("seed", "layout", "degradation"), [
    (11, "horizontal", "clean"),
    (16, "horizontal", "scan"),
    (13, "vertical", "clean"),
    (14, "english", "scan"),
    (20, "vertical", "photo"),  # perspective undone, columns cut out and set again
])
def test_key_fields_are_read(seed: int, layout: Layout, degradation: Degradation) -> None:
    rendered = card(seed, layout, degradation)
    result = TesseractOcr().read(rendered.image)
    got = parse_card(result.lines)
    expected = rendered.content.fields
    wrong = {k: (getattr(expected, k), getattr(got, k)) for k in KEY_FIELDS
             if norm(getattr(expected, k)) != norm(getattr(got, k))}
    assert not wrong, f"{wrong}\n{result.text}"
    assert result.engine.startswith("tesseract")


def test_exif_orientation_is_applied() -> None:
    img = Image.new("RGB", (300, 100), "white")
    buf = io.BytesIO()
    exif = Image.Exif()
    exif[0x0112] = 6  # stored sideways: view turned 90° clockwise
    img.transpose(Image.Transpose.ROTATE_90).save(buf, "JPEG", exif=exif)
    assert decode(buf.getvalue()).size == (300, 100)
    width, height = prepare(decode(buf.getvalue())).size
    assert (width, height) == (1600, 533)


@pytest.mark.parametrize("data", [b"GIF89a-not-really", b"\x89PNG\r\n\x1a\n" + b"\x00" * 20, b"plain text"])
def test_bytes_that_are_no_image_are_unreadable(data: bytes) -> None:
    with pytest.raises(UnreadableImage):
        TesseractOcr().read(data)


def test_a_blank_image_has_no_text() -> None:
    buf = io.BytesIO()
    Image.new("RGB", (900, 550), (250, 250, 250)).save(buf, "PNG")
    result = TesseractOcr().read(buf.getvalue())
    assert parse_card(result.lines).is_empty


def line_image(logo: bool) -> Image.Image:
    img = Image.new("L", (700, 110), 250)
    draw = ImageDraw.Draw(img)
    x = 20
    if logo:
        draw.ellipse((x, 15, x + 80, 95), fill=60)
        x += 105
    draw.text((x, 22), "東和システム株式会社", font=card_font(56, bold=True), fill=30)
    return img.filter(ImageFilter.GaussianBlur(1.2))


def test_a_solid_logo_before_the_company_is_blanked_and_a_bold_glyph_is_not() -> None:
    cleaned = erase_leading_mark(line_image(logo=True), 56)
    assert cleaned is not None
    assert cleaned.crop((20, 15, 100, 95)).getextrema()[0] > 200  # the disc is paper now
    assert cleaned.crop((125, 20, 600, 90)).getextrema()[0] < 100  # the name is still there
    assert erase_leading_mark(line_image(logo=False), 56) is None


def test_a_short_line_inside_a_big_line_s_box_still_counts_as_unread() -> None:
    """Tesseract sometimes gives the big name a box that swallows the short title printed just above it,
    without reading the title: only the name's own band counts as read, so the title is read again."""
    img = Image.new("L", (1600, 900), 250)
    draw = ImageDraw.Draw(img)
    draw.text((100, 200), "課長", font=card_font(40), fill=30)
    draw.text((100, 300), "佐藤 花子", font=card_font(130, bold=True), fill=30)
    swallowed = (95, 195, 800, 460)  # the name's box as Tesseract gave it, the title inside
    regions = unread_regions(img, [swallowed])
    assert len(regions) == 1
    left, top, right, bottom = regions[0]
    assert (top >= 190, bottom <= 270) == (True, True), regions  # the title's rows, not the name's
    assert (left <= 105, right >= 170) == (True, True), regions
    assert unread_regions(img, [(95, 195, 800, 270), swallowed]) == []  # read title: nothing left
