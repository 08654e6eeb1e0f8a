"""The grey-level measures the OCR image steps share: Otsu's threshold, the mean grey and the paper's grey
(the most common level) of an 8-bit grayscale image."""

from __future__ import annotations

from PIL import Image


def otsu(img: Image.Image) -> int:
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


def mean_grey(img: Image.Image) -> float:
    hist = img.histogram()[:256]
    total = sum(hist) or 1
    return sum(i * h for i, h in enumerate(hist)) / total


def paper_grey(img: Image.Image) -> int:
    """The most common grey: the card's paper."""
    hist = img.histogram()[:256]
    return max(range(256), key=lambda v: hist[v])
