"""How the card reader calls Tesseract: worker processes that keep the models loaded, or the command line.

`TesseractOcr` asks for TSV (`tsv`) or orientation text (`osd`) on a PIL image; both ways answer with the
same text. `WorkerCalls` (the default) keeps a few `tesseract_worker` processes, each with its models loaded
(a model costs 0.12-0.16 s to load, and the command line loads one on every call); a call that runs past
its timeout kills its worker, a worker that crashes is started again and the call retried once, and where
the library is not installed the command line is used (docs/adr/0024-tesseract-worker.md).
"""

from __future__ import annotations

import atexit
import functools
import os
import re
import select
import shutil
import subprocess
import sys
import threading
import time
from typing import Any, Protocol

from PIL import Image

from dps.adapters.ocr.preprocess import to_png
from dps.adapters.ocr.tesseract_worker import take_frame, write_frame
from dps.application.cards.ports import OcrUnavailable


class TesseractCalls(Protocol):
    """Tesseract's text for one image: TSV of a recognition, or the osd report of `--psm 0`."""

    def tsv(self, image: Image.Image, language: str, psm: int, *, interword: bool, timeout: float) -> str: ...

    def osd(self, image: Image.Image, *, timeout: float) -> str: ...


def _timed_out(timeout: float) -> OcrUnavailable:
    return OcrUnavailable(f"OCR がタイムアウトしました / OCR timed out after {timeout:g} s")


def _missing_language(detail: str) -> OcrUnavailable:
    return OcrUnavailable(f"tesseract の言語データがありません / missing tesseract language data: {detail}")


class CommandLineCalls:
    """`tesseract stdin stdout ...` as a subprocess per call, with one OpenMP thread by default."""

    def __init__(self, *, binary: str = "tesseract", threads: int | None = 1) -> None:
        self.binary = binary
        self.threads = threads

    def tsv(self, image: Image.Image, language: str, psm: int, *, interword: bool, timeout: float) -> str:
        spaces = ["-c", "preserve_interword_spaces=1"] if interword else []
        return self._run(to_png(image), ["-l", language, "--psm", str(psm), *spaces, "tsv"], timeout=timeout)

    def osd(self, image: Image.Image, *, timeout: float) -> str:
        return self._run(to_png(image), ["--psm", "0"], timeout=timeout, check=False)

    def _run(self, png: bytes, args: list[str], *, timeout: float, check: bool = True) -> str:
        binary = shutil.which(self.binary)
        if binary is None:
            raise OcrUnavailable(f"tesseract がありません / tesseract not installed ({self.binary}): "
                                 "run scripts/setup.sh --with-test-tools as root")
        env = dict(os.environ)
        if self.threads is not None:
            env["OMP_THREAD_LIMIT"] = str(self.threads)
        try:
            done = subprocess.run(  # noqa: S603 - fixed argv, no shell
                [binary, "stdin", "stdout", "--dpi", "300", *args], input=png, capture_output=True,
                timeout=timeout, env=env, check=False)
        except subprocess.TimeoutExpired as e:
            raise _timed_out(timeout) from e
        err = done.stderr.decode("utf-8", "replace")
        if check and done.returncode != 0:
            if "Failed loading language" in err or "Error opening data file" in err:
                raise _missing_language(err.strip().splitlines()[-1] if err.strip() else "")
            raise OcrUnavailable(f"tesseract failed ({done.returncode}): {err.strip()[-300:]}")
        return done.stdout.decode("utf-8", "replace") + ("" if check else err)


class _WorkerGone(Exception):
    """The worker process ended (crashed or was killed) before it answered."""


class _Worker:
    """One `tesseract_worker` process and its pipes."""

    def __init__(self, argv: list[str], env: dict[str, str]) -> None:
        self.proc = subprocess.Popen(  # noqa: S603 - our own module, fixed argv
            argv, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, env=env)
        self._buffer = bytearray()

    def answer(self, timeout: float) -> tuple[dict[str, Any], bytes]:
        """The next frame from the worker, waiting at most `timeout` seconds (`TimeoutError`)."""
        assert self.proc.stdout is not None
        fd = self.proc.stdout.fileno()
        deadline = time.monotonic() + timeout
        while True:
            frame = take_frame(self._buffer)
            if frame is not None:
                return frame
            left = deadline - time.monotonic()
            if left <= 0 or not select.select([fd], [], [], left)[0]:
                raise TimeoutError
            chunk = os.read(fd, 1 << 16)
            if not chunk:
                raise _WorkerGone
            self._buffer += chunk

    def ask(self, header: dict[str, Any], payload: bytes, timeout: float) -> tuple[dict[str, Any], bytes]:
        assert self.proc.stdin is not None
        try:
            write_frame(self.proc.stdin, header, payload)
        except OSError as e:  # a broken pipe: the worker has gone
            raise _WorkerGone from e
        return self.answer(timeout)

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.kill()
        self.proc.wait()
        for pipe in (self.proc.stdin, self.proc.stdout):
            if pipe is not None:
                pipe.close()


class WorkerCalls:
    """Up to `size` worker processes shared by every reader of this process; one call at a time each."""

    def __init__(self, *, tessdata: str = "", threads: int | None = 1, size: int = 2,
                 fallback: TesseractCalls | None = None, start_timeout: float = 60.0) -> None:
        self.tessdata = tessdata
        self.threads = threads
        self.size = max(1, size)
        self.fallback: TesseractCalls = fallback or CommandLineCalls(threads=threads)
        self.start_timeout = start_timeout
        self.missing: str | None = None
        """Why the workers cannot run (no tesserocr): then every call goes to `fallback`."""
        self._idle: list[_Worker] = []
        self._running = 0
        self._pid = os.getpid()
        self._cond = threading.Condition()
        atexit.register(self.close)

    def tsv(self, image: Image.Image, language: str, psm: int, *, interword: bool, timeout: float) -> str:
        header = {"language": language, "psm": psm, "interword": interword}
        answer = self._call(header, image, timeout)
        if answer is None:
            return self.fallback.tsv(image, language, psm, interword=interword, timeout=timeout)
        return answer

    def osd(self, image: Image.Image, *, timeout: float) -> str:
        answer = self._call({"osd": True}, image, timeout)
        return self.fallback.osd(image, timeout=timeout) if answer is None else answer

    def close(self) -> None:
        """Stop the idle workers (the busy ones stop when their stdin closes with this process)."""
        with self._cond:
            idle, self._idle = self._idle, []
            self._running -= len(idle)
        for worker in idle:
            worker.stop()

    def _call(self, header: dict[str, Any], image: Image.Image, timeout: float) -> str | None:
        if image.mode not in ("L", "RGB"):
            image = image.convert("L")
        request = {**header, "mode": image.mode, "size": list(image.size)}
        pixels = image.tobytes()
        for attempt in (1, 2):
            if self.missing is not None:
                return None
            worker = self._take()
            if worker is None:
                return None
            try:
                answer, payload = worker.ask(request, pixels, timeout)
            except TimeoutError as e:
                self._drop(worker)
                raise _timed_out(timeout) from e
            except _WorkerGone as e:
                self._drop(worker)
                if attempt == 2:
                    raise OcrUnavailable("tesseract が異常終了しました / tesseract crashed twice on this image") from e
                continue
            self._give_back(worker)
            if answer.get("ok"):
                return payload.decode("utf-8", "replace")
            if answer.get("kind") == "language":
                raise _missing_language(str(answer.get("error", "")))
            raise OcrUnavailable(f"tesseract failed: {str(answer.get('error', ''))[-300:]}")
        return None  # pragma: no cover - the loop returns or raises

    def _take(self) -> _Worker | None:
        """An idle worker, a new one while fewer than `size` run, else wait; None when workers cannot run."""
        with self._cond:
            if self._pid != os.getpid():  # forked: the parent's workers and pipes are not ours
                self._idle, self._running, self._pid = [], 0, os.getpid()
            while not self._idle and self._running >= self.size:
                self._cond.wait()
            if self._idle:
                return self._idle.pop()
            self._running += 1
        try:
            return self._start()
        except BaseException:
            with self._cond:
                self._running -= 1
                self._cond.notify()
            raise

    def _start(self) -> _Worker | None:
        env = dict(os.environ)
        if self.threads is not None:
            env["OMP_THREAD_LIMIT"] = str(self.threads)
        worker = _Worker([sys.executable, "-m", "dps.adapters.ocr.tesseract_worker", self.tessdata], env)
        try:
            ready, _ = worker.answer(self.start_timeout)
        except (TimeoutError, _WorkerGone) as e:
            worker.stop()
            raise OcrUnavailable("tesseract worker did not start") from e
        if not ready.get("ok"):
            worker.stop()
            self.missing = str(ready.get("error", "tesserocr missing"))
            with self._cond:
                self._running -= 1
                self._cond.notify_all()
            return None
        return worker

    def _give_back(self, worker: _Worker) -> None:
        with self._cond:
            self._idle.append(worker)
            self._cond.notify()

    def _drop(self, worker: _Worker) -> None:
        worker.stop()
        with self._cond:
            self._running -= 1
            self._cond.notify()


@functools.cache
def tessdata_dir(binary: str = "tesseract") -> str:
    """The directory the `tesseract` command reads its models from (so both ways read the same files);
    empty when the command is missing (the library then uses its own default)."""
    if prefix := os.environ.get("TESSDATA_PREFIX"):
        return prefix
    path = shutil.which(binary)
    if path is None:
        return ""
    listed = subprocess.run([path, "--list-langs"], capture_output=True, text=True, check=False,  # noqa: S603
                            timeout=30).stdout
    m = re.search(r'"([^"]+)"', listed)
    return m.group(1) if m else ""


DEFAULT_WORKERS = min(4, os.cpu_count() or 1)
_shared: dict[tuple[str, int | None, int], TesseractCalls] = {}
_shared_lock = threading.Lock()


def shared_calls(*, binary: str = "tesseract", threads: int | None = 1, workers: int = DEFAULT_WORKERS
                 ) -> TesseractCalls:
    """The process's pool of `workers` processes for this binary's models and thread count, made on first use;
    with no workers, the command line."""
    key = (binary, threads, workers)
    with _shared_lock:
        calls = _shared.get(key)
        if calls is None:
            fallback = CommandLineCalls(binary=binary, threads=threads)
            calls = fallback if workers <= 0 else WorkerCalls(
                tessdata=tessdata_dir(binary), threads=threads, size=workers, fallback=fallback)
            _shared[key] = calls
        return calls
