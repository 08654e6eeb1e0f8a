"""`CardImageInspector` on Pillow: is an upload a whole, decodable image of a sensible pixel count?"""

from __future__ import annotations

import io
import warnings

from PIL import Image, UnidentifiedImageError

from dps.application.cards.import_ports import CardImageInspector, ImageInfo
from dps.application.cards.ports import UnreadableImage

MAX_PIXELS = 80_000_000
"""Far above any phone photo (a 50 MP camera), far below a decompression bomb."""
_TYPES = {"JPEG": "image/jpeg", "PNG": "image/png", "WEBP": "image/webp", "TIFF": "image/tiff",
          "MPO": "image/jpeg"}
_NAMES = {"WEBP": "WebP", "MPO": "JPEG"}


class PillowCardImages(CardImageInspector):
    def __init__(self, max_pixels: int = MAX_PIXELS) -> None:
        self.max_pixels = max_pixels

    def inspect(self, data: bytes) -> ImageInfo:
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("error", Image.DecompressionBombWarning)
                with Image.open(io.BytesIO(data)) as img:
                    fmt = img.format or ""
                    width, height = img.size
                    if width * height > self.max_pixels:
                        raise UnreadableImage(f"画素数が多すぎます ({width}x{height}) / too many pixels "
                                              f"({width}x{height})")
                    img.load()
        except UnreadableImage:
            raise
        except (UnidentifiedImageError, Image.DecompressionBombError, Image.DecompressionBombWarning) as e:
            raise UnreadableImage(f"画像として読めません / not a decodable image ({type(e).__name__})") from e
        except (OSError, ValueError, SyntaxError, EOFError) as e:
            raise UnreadableImage(f"画像が途中で切れているか壊れています / truncated or corrupt image ({e})") from e
        if fmt not in _TYPES:
            raise UnreadableImage(f"対応していない画像形式です ({fmt}) / unsupported image format ({fmt})")
        return ImageInfo(format=_NAMES.get(fmt, fmt), content_type=_TYPES[fmt], width=width, height=height)
