"""Charts drawn on the server as SVG (ui.md "Charts": simple bars and lines, labelled axes, values
on hover). The geometry is computed here in plain numbers, so a unit test can check it, and
`svg()` turns it into markup: every text goes through markupsafe (escaped), the numbers are ours.

Accessible: ``<svg role="img" aria-label="...">`` with a ``<title>``, every bar and point carries
a ``<title>`` with its value (hover, screen readers); pages show the values in a table below too.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from decimal import ROUND_CEILING, Decimal

from attrs import frozen
from markupsafe import Markup

WIDTH = 480
HEIGHT = 240
LEFT = 64
"""Room for the y-axis tick labels."""
RIGHT = 12
TOP = 16
BOTTOM = 40
"""Room for the category labels under the x axis."""
TICKS = 4
LABEL_CHARS = 8
"""Category labels longer than this are shortened under the axis (the bar's title keeps them whole)."""
_NICE = (Decimal(1), Decimal(2), Decimal("2.5"), Decimal(5), Decimal(10))


def nice_step(top: Decimal, ticks: int = TICKS) -> Decimal:
    """The smallest 1, 2, 2.5 or 5 x 10^n with `ticks` steps reaching `top` (1 when top <= 0)."""
    if top <= 0:
        return Decimal(1)
    raw = top / ticks
    exponent = raw.adjusted()
    scale = Decimal(10) ** exponent
    for factor in _NICE:
        if factor * scale >= raw:
            return factor * scale
    return Decimal(10) * scale  # pragma: no cover - _NICE ends with 10


def axis_top(values: Sequence[Decimal], ticks: int = TICKS) -> tuple[Decimal, Decimal]:
    """(top of the y axis, tick step) for values: a round number at or above the largest; (0, 1)
    when nothing is above zero (an axis with the zero tick only)."""
    largest = max((v for v in values if v > 0), default=Decimal(0))
    if largest <= 0:
        return Decimal(0), Decimal(1)
    step = nice_step(largest, ticks)
    return step * (largest / step).to_integral_value(rounding=ROUND_CEILING), step


def short(label: str, limit: int = LABEL_CHARS) -> str:
    return label if len(label) <= limit else label[: limit - 1] + "…"


def _n(value: float) -> str:
    """A coordinate as SVG text: at most one decimal, no trailing zeros."""
    text = f"{value:.1f}"
    return text[:-2] if text.endswith(".0") else text


@frozen
class Bar:
    x: float
    y: float
    width: float
    height: float
    value: Decimal
    title: str
    css: str = "bar"


@frozen
class Point:
    x: float
    y: float
    value: Decimal
    title: str


@frozen
class Tick:
    y: float
    value: Decimal
    text: str


@frozen
class Label:
    x: float
    text: str
    full: str


@frozen
class Chart:
    """A bar chart, optionally with a line over the same categories. The plot area is
    [LEFT, WIDTH-RIGHT] x [TOP, HEIGHT-BOTTOM]; the x axis is the baseline y = HEIGHT-BOTTOM."""

    title: str
    y_label: str
    bars: tuple[Bar, ...]
    points: tuple[Point, ...]
    ticks: tuple[Tick, ...]
    labels: tuple[Label, ...]
    css_class: str = "chart"

    @property
    def baseline(self) -> float:
        return HEIGHT - BOTTOM

    def svg(self) -> Markup:
        parts = [Markup(
            '<svg class="{}" viewBox="0 0 {} {}" role="img" aria-label="{}" xmlns="http://www.w3.org/2000/svg">'
            "<title>{}</title>"
        ).format(self.css_class, WIDTH, HEIGHT, self.title, self.title)]
        for tick in self.ticks:
            parts.append(Markup(
                '<line class="grid-line" x1="{}" y1="{}" x2="{}" y2="{}"/>'
                '<text class="tick" x="{}" y="{}" text-anchor="end" dominant-baseline="middle">{}</text>'
            ).format(LEFT, _n(tick.y), WIDTH - RIGHT, _n(tick.y), LEFT - 6, _n(tick.y), tick.text))
        parts.append(Markup(
            '<text class="axis-label" x="12" y="{}" transform="rotate(-90 12 {})" text-anchor="middle">{}</text>'
        ).format(_n((TOP + self.baseline) / 2), _n((TOP + self.baseline) / 2), self.y_label))
        for bar in self.bars:
            parts.append(Markup(
                '<rect class="{}" x="{}" y="{}" width="{}" height="{}"><title>{}</title></rect>'
            ).format(bar.css, _n(bar.x), _n(bar.y), _n(bar.width), _n(bar.height), bar.title))
        if self.points:
            coords = " ".join(f"{_n(p.x)},{_n(p.y)}" for p in self.points)
            parts.append(Markup('<polyline class="line" points="{}"/>').format(coords))
            for point in self.points:
                parts.append(Markup(
                    '<circle class="point" cx="{}" cy="{}" r="3.5"><title>{}</title></circle>'
                ).format(_n(point.x), _n(point.y), point.title))
        parts.append(Markup('<line class="axis" x1="{}" y1="{}" x2="{}" y2="{}"/>').format(
            LEFT, _n(self.baseline), WIDTH - RIGHT, _n(self.baseline)))
        parts.append(Markup('<line class="axis" x1="{}" y1="{}" x2="{}" y2="{}"/>').format(
            LEFT, TOP, LEFT, _n(self.baseline)))
        for label in self.labels:
            parts.append(Markup(
                '<text class="category" x="{}" y="{}" text-anchor="middle">{}</text>'
            ).format(_n(label.x), _n(self.baseline + 16), label.text))
        parts.append(Markup("</svg>"))
        return Markup("").join(parts)


def _scale(value: Decimal, top: Decimal) -> float:
    """Height in pixels of `value` on an axis reaching `top` (negative values draw nothing)."""
    if value <= 0 or top <= 0:
        return 0.0
    return float(value / top) * (HEIGHT - BOTTOM - TOP)


def _ticks(top: Decimal, step: Decimal, tick_text: Callable[[Decimal], str]) -> tuple[Tick, ...]:
    ticks = []
    value = Decimal(0)
    while value <= top:
        ticks.append(Tick(HEIGHT - BOTTOM - _scale(value, top), value, tick_text(value)))
        value += step
    return tuple(ticks)


def bar_chart(
    title: str, y_label: str, categories: Sequence[str], values: Sequence[Decimal], *,
    titles: Sequence[str], tick_text: Callable[[Decimal], str],
) -> Chart:
    """One bar per category, in order; `titles` are the bars' hover texts."""
    return bars_and_line(title, y_label, categories, values, None, bar_titles=titles, tick_text=tick_text)


def bars_and_line(
    title: str, y_label: str, categories: Sequence[str], bars: Sequence[Decimal], line: Sequence[Decimal] | None,
    *, bar_titles: Sequence[str], line_titles: Sequence[str] = (), tick_text: Callable[[Decimal], str],
    bar_css: str = "bar",
) -> Chart:
    """Bars per category and, when given, a line (a point at each category's centre) on one shared axis."""
    count = len(categories)
    top, step = axis_top([*bars, *(line or ())])
    slot = (WIDTH - RIGHT - LEFT) / count if count else 0.0
    bar_width = slot * 0.6
    base = HEIGHT - BOTTOM
    drawn = []
    for i, value in enumerate(bars):
        height = _scale(value, top)
        x = LEFT + slot * i + (slot - bar_width) / 2
        drawn.append(Bar(x, base - height, bar_width, height, value, bar_titles[i], bar_css))
    points = tuple(
        Point(LEFT + slot * (i + 0.5), base - _scale(value, top), value, line_titles[i])
        for i, value in enumerate(line or ())
    )
    labels = tuple(Label(LEFT + slot * (i + 0.5), short(name), name) for i, name in enumerate(categories))
    return Chart(title, y_label, tuple(drawn), points, _ticks(top, step, tick_text), labels)
