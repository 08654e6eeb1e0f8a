"""`CardImageInspector` on Pillow: is an upload a whole, decodable image of a sensible pixel count? And the
HEIC / HEIF photos of iPhones (pillow-heif's opener, registered by `heif_support`): decoded like a JPEG,
their orientation applied, and re-encoded as JPEG to be stored (browsers other than Safari cannot show HEIC)."""

from __future__ import annotations

import functools
import io
import warnings

from PIL import Image, ImageOps, UnidentifiedImageError

from dps.application.cards.import_ports import CardImageInspector, ImageInfo
from dps.application.cards.ports import UnreadableImage
from dps.application.cards.reading import image_format

MAX_PIXELS = 80_000_000
"""Far above any phone photo (a 50 MP camera), far below a decompression bomb."""
JPEG_QUALITY = 90
"""Of a HEIC photo re-encoded for storage: small print stays sharp for OCR and the eye."""
_TYPES = {"JPEG": "image/jpeg", "PNG": "image/png", "WEBP": "image/webp", "TIFF": "image/tiff",
          "MPO": "image/jpeg", "HEIF": "image/heic"}
_NAMES = {"WEBP": "WebP", "MPO": "JPEG"}


@functools.cache
def heif_support() -> None:
    """Teach Pillow to open HEIC / HEIF (once per process; cheap after the first call). libheif applies the
    photo's rotation (irot / imir) and pillow-heif resets the EXIF orientation, so an image never turns twice."""
    from pillow_heif import register_heif_opener

    register_heif_opener()


class PillowCardImages(CardImageInspector):
    def __init__(self, max_pixels: int = MAX_PIXELS) -> None:
        self.max_pixels = max_pixels
        heif_support()

    def inspect(self, data: bytes) -> ImageInfo:
        with self._opened(data) as img:
            fmt = img.format or ""
            width, height = img.size
        if fmt not in _TYPES:
            raise UnreadableImage(f"対応していない画像形式です ({fmt}) / unsupported image format ({fmt})")
        return ImageInfo(format=_NAMES.get(fmt, fmt), content_type=_TYPES[fmt], width=width, height=height)

    def to_jpeg(self, data: bytes) -> bytes:
        with self._opened(data) as img:
            upright = ImageOps.exif_transpose(img)
            out = io.BytesIO()
            upright.convert("RGB").save(out, format="JPEG", quality=JPEG_QUALITY, optimize=True)
        return out.getvalue()

    def _opened(self, data: bytes) -> Image.Image:
        """The decoded image (pixels loaded; the caller closes it); `UnreadableImage` with the reason when the
        bytes are not a whole image of at most `max_pixels`."""
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("error", Image.DecompressionBombWarning)
                img = Image.open(io.BytesIO(data))
                try:
                    width, height = img.size
                    if width * height > self.max_pixels:
                        raise UnreadableImage(f"画素数が多すぎます ({width}x{height}) / too many pixels "
                                              f"({width}x{height})")
                    img.load()
                except BaseException:
                    img.close()
                    raise
        except UnreadableImage:
            raise
        except UnidentifiedImageError as e:
            if image_format(data) == "HEIF":  # a cut or damaged HEIC no longer parses at all
                raise corrupt("HEIF") from e
            raise UnreadableImage(f"画像として読めません / not a decodable image ({type(e).__name__})") from e
        except (Image.DecompressionBombError, Image.DecompressionBombWarning) as e:
            raise UnreadableImage(f"画像として読めません / not a decodable image ({type(e).__name__})") from e
        except (OSError, ValueError, SyntaxError, EOFError, RuntimeError) as e:
            raise corrupt(e) from e
        return img


def corrupt(detail: object) -> UnreadableImage:
    """The reason given for a truncated or damaged image, whatever its format."""
    return UnreadableImage(f"画像が途中で切れているか壊れています / truncated or corrupt image ({detail})")
