"""The ClamAV client against a fake clamd on loopback that speaks the real INSTREAM wire format."""

from __future__ import annotations

import io
import os
import shutil
import socket
import struct
import tempfile
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from dps.adapters.files.clamd import ClamdAddress, ClamdScanner
from dps.application.shared.errors import Invalid, ServiceUnavailable

EICAR = "".join([
    r"X5O!P%@AP[4\PZX54(P^)7CC)7}$", "EICAR-STANDARD-ANTIVIRUS-TEST-FILE!", "$H+H*",
]).encode()
"""The EICAR anti-virus test string (assembled here so this file itself is not flagged)."""
EICAR_SIGNATURE = "Eicar-Test-Signature"


class FakeClamd:
    """A clamd stand-in: reads `zINSTREAM\\0`, then length-prefixed chunks up to a zero-length one,
    and answers `stream: Eicar-Test-Signature FOUND` when the stream holds EICAR, else `stream: OK`.
    `stream_max` imitates clamd's StreamMaxLength; `silent` never answers (for timeouts)."""

    def __init__(self, *, unix_path: str | None = None, stream_max: int | None = None, silent: bool = False) -> None:
        self.stream_max = stream_max
        self.silent = silent
        self.commands: list[bytes] = []
        self.streams: list[bytes] = []
        self.chunk_sizes: list[list[int]] = []
        self._release = threading.Event()
        if unix_path is None:
            self._server = socket.create_server(("127.0.0.1", 0))
            self.address = f"127.0.0.1:{self._server.getsockname()[1]}"
        else:
            self._server = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
            self._server.bind(unix_path)
            self._server.listen()
            self.address = unix_path
        self._thread = threading.Thread(target=self._serve, daemon=True)

    def __enter__(self) -> FakeClamd:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._release.set()
        self._server.shutdown(socket.SHUT_RDWR)  # wakes the blocked accept()
        self._server.close()
        self._thread.join(5)

    def _serve(self) -> None:
        while True:
            try:
                conn, _ = self._server.accept()
            except OSError:
                return
            with conn:
                self._session(conn)

    def _session(self, conn: socket.socket) -> None:
        reader = conn.makefile("rb")
        command = b""
        while not command.endswith(b"\0"):
            byte = reader.read(1)
            if not byte:
                return
            command += byte
        self.commands.append(command)
        data, sizes = b"", []
        while True:
            header = reader.read(4)
            if len(header) < 4:
                return
            (length,) = struct.unpack(">I", header)
            sizes.append(length)
            if length == 0:
                break
            data += reader.read(length)
            if self.stream_max is not None and len(data) > self.stream_max:
                conn.sendall(b"INSTREAM size limit exceeded. ERROR\0")
                while reader.read(65536):  # drain, so the client's last writes cannot reset the reply
                    pass
                return
        self.streams.append(data)
        self.chunk_sizes.append(sizes)
        if self.silent:
            self._release.wait(5)
            return
        reply = f"stream: {EICAR_SIGNATURE} FOUND" if EICAR in data else "stream: OK"
        conn.sendall(reply.encode() + b"\0")


@pytest.fixture
def clamd() -> Iterator[FakeClamd]:
    with FakeClamd() as server:
        yield server


def test_clean_stream_is_ok_and_sent_in_length_prefixed_chunks(clamd: FakeClamd) -> None:
    payload = os.urandom(10_000)
    assert ClamdScanner(clamd.address, chunk_size=4096).scan(io.BytesIO(payload)) is None
    assert clamd.commands == [b"zINSTREAM\0"]
    assert clamd.streams == [payload]
    assert clamd.chunk_sizes == [[4096, 4096, 1808, 0]]


def test_eicar_is_found_with_its_signature(clamd: FakeClamd) -> None:
    scanner = ClamdScanner(clamd.address, chunk_size=16)  # the string spans several chunks
    assert scanner.scan(io.BytesIO(b"header\n" + EICAR + b"\ntrailer")) == EICAR_SIGNATURE
    assert scanner.scan(io.BytesIO(b"")) is None  # one connection per scan
    assert len(clamd.commands) == 2


def test_a_unix_socket_address_works() -> None:
    directory = tempfile.mkdtemp(prefix="clamd", dir="/tmp")  # short: unix socket paths are limited
    try:
        path = str(Path(directory) / "c.sock")
        with FakeClamd(unix_path=path) as server:
            assert ClamdScanner(path).scan(io.BytesIO(EICAR)) == EICAR_SIGNATURE
            assert ClamdScanner(f"unix:{path}").scan(io.BytesIO(b"fine")) is None
            assert server.streams == [EICAR, b"fine"]
    finally:
        shutil.rmtree(directory)


def test_an_unreachable_scanner_is_service_unavailable() -> None:
    with socket.create_server(("127.0.0.1", 0)) as probe:
        port = probe.getsockname()[1]
    with pytest.raises(ServiceUnavailable):  # nothing listens there any more
        ClamdScanner(f"127.0.0.1:{port}", timeout=2).scan(io.BytesIO(b"x"))
    with pytest.raises(ServiceUnavailable):
        ClamdScanner("/nonexistent/clamd.sock").scan(io.BytesIO(b"x"))


def test_a_scanner_that_never_answers_times_out() -> None:
    with FakeClamd(silent=True) as server, pytest.raises(ServiceUnavailable):
        ClamdScanner(server.address, timeout=0.2).scan(io.BytesIO(b"x"))


def test_a_stream_over_clamds_limit_is_refused_not_accepted() -> None:
    with FakeClamd(stream_max=1000) as server, pytest.raises(Invalid) as e:
        ClamdScanner(server.address, chunk_size=512).scan(io.BytesIO(b"y" * 100_000))
    assert "file" in e.value.errors


@pytest.mark.parametrize(("address", "expected"), [
    ("127.0.0.1:3310", ClamdAddress(host="127.0.0.1", port=3310)),
    ("tcp://clamav:3310", ClamdAddress(host="clamav", port=3310)),
    ("[::1]:3310", ClamdAddress(host="::1", port=3310)),
    ("/run/clamav/clamd.ctl", ClamdAddress(unix_path="/run/clamav/clamd.ctl")),
    ("unix:/tmp/c.sock", ClamdAddress(unix_path="/tmp/c.sock")),
])
def test_addresses(address: str, expected: ClamdAddress) -> None:
    assert ClamdAddress.parse(address) == expected


@pytest.mark.parametrize("address", ["clamav:", "clamav:http", "clamav:70000", ":3310"])
def test_bad_addresses_are_refused_at_start(address: str) -> None:
    with pytest.raises(ValueError, match="clamd address"):
        ClamdScanner(address)
