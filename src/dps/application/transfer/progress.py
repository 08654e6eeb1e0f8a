"""Progress of a long import or export, reported to whoever watches (the CLI's progress line, a web
job). The use cases call `advance` every few hundred rows; `ProgressMeter` turns that into rows/s and
an ETA when the total is known."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Protocol

from attrs import define, field


class Progress(Protocol):
    def phase(self, name: str, total: int | None = None) -> None:
        """A new phase ('read', 'write', 'export') of `total` rows when known."""
        ...

    def advance(self, rows: int) -> None:
        """`rows` more rows done in the current phase."""
        ...

    def finish(self) -> None: ...


class NoProgress:
    """Reports nothing (quiet mode, tests, the web)."""

    def phase(self, name: str, total: int | None = None) -> None:
        pass

    def advance(self, rows: int) -> None:
        pass

    def finish(self) -> None:
        pass


@define
class ProgressMeter:
    """Counts rows per phase and renders one status line through `render` at most every `interval`
    seconds: `read 12,000 rows  4,210 rows/s  ETA 0:00:21`."""

    render: Callable[[str, bool], None]
    """Called with the line and whether it is the last one of its phase."""
    interval: float = 0.2
    clock: Callable[[], float] = time.monotonic
    name: str = ""
    total: int | None = None
    done: int = 0
    started: float = 0.0
    _last: float = field(default=0.0, alias="_last")

    def phase(self, name: str, total: int | None = None) -> None:
        if self.name:
            self.render(self.line(), True)
        self.name, self.total, self.done = name, total, 0
        self.started = self._last = self.clock()

    def advance(self, rows: int) -> None:
        self.done += rows
        now = self.clock()
        if now - self._last >= self.interval:
            self._last = now
            self.render(self.line(), False)

    def finish(self) -> None:
        if self.name:
            self.render(self.line(), True)
        self.name = ""

    def rate(self) -> float:
        elapsed = self.clock() - self.started
        return self.done / elapsed if elapsed > 0 else 0.0

    def line(self) -> str:
        rate = self.rate()
        text = f"{self.name} {self.done:,}"
        if self.total:
            text += f"/{self.total:,}"
        text += f" rows  {rate:,.0f} rows/s"
        if self.total and rate > 0 and self.done < self.total:
            left = int((self.total - self.done) / rate)
            text += f"  ETA {left // 3600}:{left % 3600 // 60:02d}:{left % 60:02d}"
        return text
