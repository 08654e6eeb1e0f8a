"""Liveness and readiness probes (no credentials, not in the API schema)."""

from __future__ import annotations

from collections.abc import Callable

from litestar import Response, get

Readiness = Callable[[], tuple[bool, str]]


@get("/healthz", include_in_schema=False, sync_to_thread=False)
def healthz() -> dict[str, str]:
    """The process is up and answering."""
    return {"status": "ok"}


@get("/readyz", include_in_schema=False, sync_to_thread=True)
def readyz(readiness: Readiness) -> Response[dict[str, str]]:
    """The database answers and its schema is current."""
    ready, reason = readiness()
    if ready:
        return Response({"status": "ready"}, status_code=200)
    return Response({"status": "unavailable", "reason": reason}, status_code=503)
