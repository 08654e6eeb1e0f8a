"""HEIC / HEIF photos (iPhones): a rendered card saved as HEIC - stored sideways with its orientation, as a
phone writes it - is read by Tesseract through `dps cards read` and through the bulk upload (stored as an
upright JPEG the browser can show); the format is sniffed from the bytes, not the name; a damaged HEIC gets
the same reason as a damaged JPEG."""

from __future__ import annotations

import io
import json
import random
import unicodedata
from pathlib import Path

import attrs
import pillow_heif
import pytest
import sqlalchemy as sa
from PIL import Image

from dps.adapters.cards.images import PillowCardImages
from dps.adapters.ocr.preprocess import decode
from dps.adapters.ocr.tesseract import TesseractOcr
from dps.application.cards.import_deps import CardImportLimits
from dps.application.cards.ports import UnreadableImage
from dps.application.cards.reading import ReadBusinessCard, image_format
from dps.application.cards.review import ListStagedCards
from dps.application.cards.staged_reading import ReadStagedCards
from dps.application.cards.staging import StageCards, Upload
from dps.application.shared.errors import Invalid
from dps.bootstrap.container import Container
from dps.domain.cards import CardFields
from dps.domain.shared.principal import Principal
from dps.domain.tenancy.tenants import Tenant
from tests.fixtures.cards.pools import random_card
from tests.fixtures.cards.render import RenderedCard, render_card
from tests.integration.cards.card_import_helpers import CardWorld, make_world
from tests.integration.cards.test_cards_cli import dps
from tests.integration.sales.accounts_helpers import build_directory

KEY_FIELDS = ("email", "phone", "company", "family_name", "given_name")
EXIF_ORIENTATION = 0x0112


def heic_of(image: Image.Image, *, sideways: bool = False) -> bytes:
    """`image` as a HEIC file; `sideways`: the pixels stored turned 90° with orientation 6 (view turned 90°
    clockwise), as a phone held upright writes them."""
    pillow_heif.register_heif_opener()
    if sideways:
        image = image.transpose(Image.Transpose.ROTATE_90)
        exif = Image.Exif()
        exif[EXIF_ORIENTATION] = 6
        image.info["exif"] = exif.tobytes()
    out = io.BytesIO()
    image.save(out, format="HEIF", quality=92)
    return out.getvalue()


def rendered(seed: int = 11) -> RenderedCard:
    rng = random.Random(seed)
    return render_card(random_card(rng, "horizontal"), "clean", rng, name=f"heic-{seed}")


def norm(value: str) -> str:
    return "".join(unicodedata.normalize("NFKC", value).split())


def wrong_fields(expected: CardFields, got: CardFields) -> dict[str, tuple[str, str]]:
    return {k: (getattr(expected, k), getattr(got, k)) for k in KEY_FIELDS
            if norm(getattr(expected, k)) != norm(getattr(got, k))}


def marked(size: tuple[int, int] = (300, 100)) -> Image.Image:
    """White with a black block in the top-left corner: shows which way up an image is."""
    img = Image.new("RGB", size, "white")
    img.paste((0, 0, 0), (0, 0, 60, 30))
    return img


def top_left_is_dark(img: Image.Image) -> bool:
    return max(img.convert("L").crop((5, 5, 25, 20)).getextrema()) < 60  # type: ignore[type-var]


def test_heic_is_sniffed_by_its_bytes() -> None:
    data = heic_of(marked())
    assert data[4:12] == b"ftypheic"
    assert image_format(data) == "HEIF"
    assert image_format(b"\x00\x00\x00\x18ftypmp42\x00\x00\x00\x00") is None  # a video is no card


def test_a_sideways_heic_is_turned_upright_like_a_jpeg() -> None:
    data = heic_of(marked(), sideways=True)
    sideways_jpeg = io.BytesIO()
    exif = Image.Exif()
    exif[EXIF_ORIENTATION] = 6
    marked().transpose(Image.Transpose.ROTATE_90).save(sideways_jpeg, "JPEG", exif=exif)
    for upright in (decode(data), decode(sideways_jpeg.getvalue())):
        assert upright.size == (300, 100)
        assert top_left_is_dark(upright)
    images = PillowCardImages()
    info = images.inspect(data)
    assert (info.format, info.content_type) == ("HEIF", "image/heic")
    jpeg = images.to_jpeg(data)
    assert image_format(jpeg) == "JPEG"
    with Image.open(io.BytesIO(jpeg)) as stored:
        assert stored.size == (300, 100)
        assert stored.getexif().get(EXIF_ORIENTATION, 1) == 1  # turned once, never again
        assert top_left_is_dark(stored)


def _cut(data: bytes) -> bytes:
    return data[: len(data) // 2]


def _scribbled(data: bytes) -> bytes:
    """The length kept, the boxes after the file type overwritten (a broken copy, not a cut one)."""
    return data[:32] + b"\x55" * 200 + data[232:]


@pytest.mark.parametrize(("kind", "damage"), [("JPEG", _cut), ("HEIF", _cut), ("HEIF", _scribbled)])
def test_a_damaged_heic_gives_the_reason_a_damaged_jpeg_gives(kind: str, damage: object) -> None:
    card = marked((600, 400))
    data = heic_of(card) if kind == "HEIF" else _jpeg(card)
    damaged = damage(data)  # type: ignore[operator]
    with pytest.raises(UnreadableImage) as inspected:
        PillowCardImages().inspect(damaged)
    assert inspected.value.reason.startswith("画像が途中で切れているか壊れています / truncated or corrupt image")
    with pytest.raises(UnreadableImage) as decoded:
        decode(damaged)
    assert decoded.value.reason.startswith("画像が壊れています / corrupt image")


def _jpeg(img: Image.Image) -> bytes:
    out = io.BytesIO()
    img.save(out, "JPEG")
    return out.getvalue()


@pytest.mark.usefixtures("ocr_tools")
def test_dps_cards_read_reads_a_heic_photo(tmp_path: Path) -> None:
    card = rendered()
    with Image.open(io.BytesIO(card.image)) as img:
        path = tmp_path / "IMG_0001.HEIC"
        path.write_bytes(heic_of(img.convert("RGB"), sideways=True))
    (tmp_path / "broken.heic").write_bytes(path.read_bytes()[:2000])

    result = dps(tmp_path, "cards", "read", str(path), str(tmp_path / "broken.heic"), "--json")

    assert result.exit_code == 2, result.output
    assert "画像が壊れています / corrupt image" in result.stderr
    got = CardFields(**json.loads(result.stdout.splitlines()[0]))
    assert not wrong_fields(card.content.fields, got)


@pytest.mark.usefixtures("ocr_tools")
def test_read_business_card_refuses_a_damaged_heic_as_the_image_field() -> None:
    card = rendered()
    with Image.open(io.BytesIO(card.image)) as img:
        data = heic_of(img.convert("RGB"))
    with pytest.raises(Invalid) as refused:
        ReadBusinessCard(TesseractOcr())(data[: len(data) // 3])
    assert refused.value.errors["image"].startswith("画像が壊れています / corrupt image")


@pytest.fixture
def w(container: Container, tenant: Tenant, admin: Principal, engine: sa.Engine) -> CardWorld:
    world = make_world(build_directory(container, tenant, admin), engine)
    world.deps = attrs.evolve(world.deps, ocr=TesseractOcr(), limits=CardImportLimits(max_file_bytes=5_000_000))
    return world


@pytest.mark.usefixtures("ocr_tools")
def test_an_uploaded_heic_is_staged_as_an_upright_jpeg_and_read(w: CardWorld) -> None:
    alice = w.d.principal("alice")
    card = rendered()
    with Image.open(io.BytesIO(card.image)) as img:
        heic = heic_of(img.convert("RGB"), sideways=True)
    png_named_heic = io.BytesIO()
    marked().save(png_named_heic, "PNG")

    report = StageCards(w.deps)(alice, [
        Upload("IMG_0001.HEIC", heic), Upload("IMG_0002.heic", png_named_heic.getvalue()),
        Upload("IMG_0003.jpg", heic[: len(heic) // 2]), Upload("IMG_0004.HEIC", heic)])

    assert [c.content_type for c in report.staged] == ["image/jpeg", "image/png"]
    assert report.staged[0].file_name == "IMG_0001.HEIC"
    assert [r.file_name for r in report.rejected] == ["IMG_0003.jpg", "IMG_0004.HEIC"]
    assert "truncated or corrupt image" in report.rejected[0].reason
    assert "already in the review queue" in report.rejected[1].reason
    stored = w.deps.sales.files.open(w.d.tenant.id, report.staged[0].image_key).read()
    assert image_format(stored) == "JPEG"
    with Image.open(io.BytesIO(stored)) as img:
        assert img.width > img.height  # upright: a horizontal card is wider than high
    ReadStagedCards(w.deps)(alice, report.batch_id)
    items = {i.card.file_name: i.card for i in ListStagedCards(w.deps)(alice, report.batch_id).items}
    assert not wrong_fields(card.content.fields, items["IMG_0001.HEIC"].fields)
