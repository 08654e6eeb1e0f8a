"""The worker's messages come back whole however the pipe cuts them: `read_frames` over chunks of any size
gives the frames `write_frame` wrote, and `take_frame` takes nothing from an incomplete buffer."""

from __future__ import annotations

import io

from hypothesis import given
from hypothesis import strategies as st

from dps.adapters.ocr.tesseract_worker import read_frames, take_frame, write_frame

frames = st.lists(st.tuples(st.dictionaries(st.text(max_size=5), st.integers() | st.text(max_size=8), max_size=3),
                            st.binary(max_size=300)), max_size=5)


@given(frames, st.integers(1, 64))
def test_frames_survive_any_cut(sent: list[tuple[dict[str, object], bytes]], chunk: int) -> None:
    out = io.BytesIO()
    for header, payload in sent:
        write_frame(out, header, payload)
    stream = io.BytesIO(out.getvalue())
    assert list(read_frames(lambda n: stream.read(min(n, chunk)))) == sent


@given(st.binary(max_size=200), st.data())
def test_an_incomplete_frame_stays_in_the_buffer(payload: bytes, data: st.DataObject) -> None:
    out = io.BytesIO()
    write_frame(out, {"ok": True}, payload)
    whole = out.getvalue()
    cut = data.draw(st.integers(0, len(whole) - 1))
    buffer = bytearray(whole[:cut])
    assert take_frame(buffer) is None
    assert bytes(buffer) == whole[:cut]
    buffer += whole[cut:]
    assert take_frame(buffer) == ({"ok": True}, payload)
    assert buffer == bytearray()
