"""ClamAV daemon client (clamd INSTREAM protocol) for scanning uploads.

Wire format: the command `zINSTREAM\\0`, then the data as chunks each prefixed with its length as a
4-byte big-endian integer, then a zero-length chunk; clamd answers one NUL-terminated line,
`stream: OK` or `stream: <signature> FOUND` (or `... ERROR`). The address is 'host:port',
'[ipv6]:port', 'tcp://host:port', or a unix socket path ('/run/clamav/clamd.ctl', 'unix:/path').
"""

from __future__ import annotations

import contextlib
import socket
import struct

from attrs import frozen

from dps.application.sales.files import ByteSource, VirusScanner
from dps.application.shared.errors import Invalid, ServiceUnavailable

COMMAND = b"zINSTREAM\0"
MAX_REPLY = 4096
UNREACHABLE = "ウイルス検査サービスに接続できません / the virus scanner cannot be reached"


@frozen
class ClamdAddress:
    """Where clamd listens: a TCP (host, port) or a unix socket path."""

    host: str = ""
    port: int = 0
    unix_path: str = ""

    @classmethod
    def parse(cls, address: str) -> ClamdAddress:
        text = address.strip()
        if text.startswith("unix:"):
            return cls(unix_path=text.removeprefix("unix:"))
        text = text.removeprefix("tcp://")
        if text.startswith(("/", ".")) or ":" not in text:
            return cls(unix_path=text)
        host, _, port = text.rpartition(":")
        host = host.removeprefix("[").removesuffix("]")
        if not host or not port.isdigit() or not 0 < int(port) < 65536:
            raise ValueError(f"clamd address must be 'host:port' or a unix socket path, got {address!r}")
        return cls(host=host, port=int(port))

    def connect(self, timeout: float) -> socket.socket:
        if self.unix_path:
            sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
            sock.settimeout(timeout)
            try:
                sock.connect(self.unix_path)
            except BaseException:
                sock.close()
                raise
            return sock
        return socket.create_connection((self.host, self.port), timeout=timeout)


class ClamdScanner(VirusScanner):
    """One connection per scan; every socket operation bounded by `timeout` seconds."""

    def __init__(self, address: str, *, timeout: float = 30.0, chunk_size: int = 64 * 1024) -> None:
        self._address = ClamdAddress.parse(address)
        self._timeout = timeout
        self._chunk_size = chunk_size

    def scan(self, data: ByteSource) -> str | None:
        try:
            with self._address.connect(self._timeout) as sock:
                with contextlib.suppress(BrokenPipeError, ConnectionResetError):  # hung up early: the reply says why
                    _send_stream(sock, data, self._chunk_size)
                reply = _read_reply(sock)
        except OSError as e:  # refused, unreachable, timed out, reset
            raise ServiceUnavailable(UNREACHABLE) from e
        return _verdict(reply)


def _send_stream(sock: socket.socket, data: ByteSource, chunk_size: int) -> None:
    sock.sendall(COMMAND)
    while chunk := data.read(chunk_size):
        sock.sendall(struct.pack(">I", len(chunk)) + chunk)
    sock.sendall(struct.pack(">I", 0))


def _read_reply(sock: socket.socket) -> str:
    buffer = b""
    while b"\0" not in buffer and len(buffer) < MAX_REPLY:
        part = sock.recv(MAX_REPLY)
        if not part:
            break
        buffer += part
    return buffer.split(b"\0", 1)[0].decode("utf-8", "replace").strip()


def _verdict(reply: str) -> str | None:
    """None for a clean stream, the signature for an infected one; anything else is a failure."""
    body = reply.removeprefix("stream:").strip()
    if body == "OK":
        return None
    if body.endswith(" FOUND"):
        return body.removesuffix(" FOUND").strip() or "unknown"
    if "size limit exceeded" in body:
        raise Invalid({"file": "ファイルが大きすぎてウイルス検査できません / too large to be scanned for viruses"})
    raise ServiceUnavailable(f"{UNREACHABLE} (clamd: {reply or 'no reply'})")
