"""The worker processes that keep Tesseract's models loaded answer exactly as the `tesseract` command does
(TSV of each page segmentation mode the reader uses, osd's rotation and confidence), also from two threads at
once; a call past its timeout, a killed worker, missing language data and a missing library each end as the
command line's would, and the pool goes on serving."""

from __future__ import annotations

import random
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from PIL import Image

from dps.adapters.ocr.preprocess import decode, prepare
from dps.adapters.ocr.tesseract import TesseractOcr
from dps.adapters.ocr.tesseract_calls import CommandLineCalls, WorkerCalls, shared_calls, tessdata_dir
from dps.application.cards.ports import OcrUnavailable
from tests.fixtures.cards.pools import random_card
from tests.fixtures.cards.render import render_card

pytestmark = pytest.mark.usefixtures("tesserocr_library")


@pytest.fixture
def workers() -> Iterator[WorkerCalls]:
    calls = WorkerCalls(tessdata=tessdata_dir(), size=2)
    yield calls
    calls.close()


@pytest.fixture(scope="module")
def page() -> Image.Image:
    rng = random.Random(11)
    return prepare(decode(render_card(random_card(rng, "horizontal"), "scan", rng, name="calls").image))


def line_of(page: Image.Image) -> Image.Image:
    return page.crop((0, 0, page.width, page.height // 4))


def test_worker_text_is_the_command_line_text(workers: WorkerCalls, page: Image.Image) -> None:
    cli = CommandLineCalls()
    for language, psm, image in (("jpn", 3, page), ("eng", 6, page), ("jpn", 7, line_of(page)),
                                 ("jpn_vert", 5, page.rotate(90, expand=True, fillcolor=255))):
        got = workers.tsv(image, language, psm, interword=psm == 3, timeout=30)
        assert got == cli.tsv(image, language, psm, interword=psm == 3, timeout=30), (language, psm)
        assert got.count("\n") > 5
    assert workers.missing is None
    for turn in (0, 90, 270):
        small = page.rotate(turn, expand=True, fillcolor=255)
        small.thumbnail((1200, 1200))
        got = workers.osd(small, timeout=30)
        assert got.splitlines()[1:4] == cli.osd(small, timeout=30).splitlines()[1:4]  # degrees, Rotate, confidence
        assert f"Rotate: {turn}" in got  # PIL turns counter-clockwise; Rotate is the clockwise turn back


def test_two_threads_share_the_pool(workers: WorkerCalls, page: Image.Image) -> None:
    images = [page, line_of(page), page.crop((0, page.height // 2, page.width, page.height)), line_of(page)]
    alone = [workers.tsv(image, "jpn", 6, interword=False, timeout=30) for image in images]
    together: dict[int, str] = {}

    def read(n: int) -> None:
        together[n] = workers.tsv(images[n], "jpn", 6, interword=False, timeout=30)

    threads = [threading.Thread(target=read, args=(n,)) for n in range(len(images))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert [together[n] for n in range(len(images))] == alone
    assert workers._running == 2  # at most `size` processes, kept for the next calls


def test_a_call_past_its_timeout_fails_and_the_next_is_answered(workers: WorkerCalls, page: Image.Image) -> None:
    with pytest.raises(OcrUnavailable, match="timed out"):
        workers.tsv(page, "jpn", 3, interword=True, timeout=0.01)
    assert "\t" in workers.tsv(line_of(page), "jpn", 7, interword=False, timeout=30)


def test_a_killed_worker_is_replaced(workers: WorkerCalls, page: Image.Image) -> None:
    first = workers.tsv(line_of(page), "jpn", 7, interword=False, timeout=30)
    (idle,) = workers._idle
    idle.proc.kill()
    idle.proc.wait()
    assert workers.tsv(line_of(page), "jpn", 7, interword=False, timeout=30) == first
    assert workers._idle[0] is not idle


def test_missing_language_data_is_named(workers: WorkerCalls, page: Image.Image) -> None:
    with pytest.raises(OcrUnavailable, match=r"missing tesseract language data.*klingon"):
        workers.tsv(page, "klingon", 6, interword=False, timeout=30)
    assert "\t" in workers.tsv(line_of(page), "jpn", 7, interword=False, timeout=30)


def test_without_the_library_the_command_line_answers(page: Image.Image, tmp_path: Path,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "tesserocr.py").write_text("raise ImportError('tesserocr is not installed here')\n")
    monkeypatch.setenv("PYTHONPATH", str(tmp_path))
    calls = WorkerCalls(tessdata=tessdata_dir(), size=1)
    image = line_of(page)
    got = calls.tsv(image, "jpn", 7, interword=False, timeout=30)
    assert calls.missing == "tesserocr is not installed here"
    assert got == CommandLineCalls().tsv(image, "jpn", 7, interword=False, timeout=30)


def test_the_shared_pool_is_one_per_setting() -> None:
    assert shared_calls(workers=2) is shared_calls(workers=2)
    assert isinstance(shared_calls(workers=2), WorkerCalls)
    assert isinstance(shared_calls(workers=0), CommandLineCalls)
    assert TesseractOcr(workers=0).calls is shared_calls(workers=0)


FAKE_LIBRARY = '''
import os
os.write(1, b"library noise on stdout\\n")


class PSM:
    OSD_ONLY = 0


class PyTessBaseAPI:
    def __init__(self, path, lang):
        pass

    def SetVariable(self, name, value):
        return True

    def SetPageSegMode(self, psm):
        pass

    def SetImageBytes(self, pixels, width, height, depth, stride):
        os.write(1, b"more noise\\n")
        self.size = (width, height)

    def Recognize(self):
        return True

    def GetTSVText(self, page):
        return "5\\t1\\t1\\t1\\t1\\t1\\t0\\t0\\t%d\\t%d\\t95.0\\tword\\n" % self.size
'''


def test_what_the_library_prints_on_stdout_does_not_break_the_answers(tmp_path: Path,
                                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "tesserocr.py").write_text(FAKE_LIBRARY)
    monkeypatch.setenv("PYTHONPATH", str(tmp_path))
    calls = WorkerCalls(tessdata=tessdata_dir(), size=1)
    try:
        for size in ((30, 20), (40, 10)):
            got = calls.tsv(Image.new("L", size, 255), "jpn", 7, interword=False, timeout=30)
            assert got.splitlines()[1] == f"5\t1\t1\t1\t1\t1\t0\t0\t{size[0]}\t{size[1]}\t95.0\tword"
        assert calls.missing is None
    finally:
        calls.close()
