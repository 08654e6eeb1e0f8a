"""`max_filter` (separable square maximum) gives Pillow's MaxFilter pixel for pixel, edges included, and the
four 3 x 3 maxima the ink mask used before; `binary_median3` gives its MedianFilter(3) on black-and-white masks."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st
from PIL import Image, ImageFilter

from dps.adapters.ocr.text_regions import binary_median3, max_filter


@st.composite
def grey_images(draw: st.DrawFn) -> Image.Image:
    width = draw(st.integers(1, 24))
    height = draw(st.integers(1, 24))
    pixels = draw(st.binary(min_size=width * height, max_size=width * height))
    return Image.frombytes("L", (width, height), pixels)


@settings(max_examples=200, deadline=None)
@given(grey_images(), st.sampled_from([3, 5, 7, 9, 11]))
def test_max_filter_is_pillows_rank_filter(img: Image.Image, size: int) -> None:
    assert max_filter(img, size).tobytes() == img.filter(ImageFilter.MaxFilter(size)).tobytes()


@settings(max_examples=50, deadline=None)
@given(grey_images())
def test_a_9_wide_maximum_is_four_3_wide_ones(img: Image.Image) -> None:
    four = img
    for _ in range(4):
        four = four.filter(ImageFilter.MaxFilter(3))
    assert max_filter(img, 9).tobytes() == four.tobytes()


@st.composite
def ink_masks(draw: st.DrawFn) -> Image.Image:
    width = draw(st.integers(1, 24))
    height = draw(st.integers(1, 24))
    pixels = draw(st.lists(st.sampled_from([0, 255]), min_size=width * height, max_size=width * height))
    return Image.frombytes("L", (width, height), bytes(pixels))


@settings(max_examples=300, deadline=None)
@given(ink_masks())
def test_the_median_of_a_black_and_white_mask_is_pillows(img: Image.Image) -> None:
    assert binary_median3(img).tobytes() == img.filter(ImageFilter.MedianFilter(3)).tobytes()
