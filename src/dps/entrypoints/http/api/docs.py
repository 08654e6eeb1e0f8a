"""GET /api/docs: a plain page listing every operation of the generated schema (no CDN, no JS)."""

from __future__ import annotations

from typing import Any

from litestar import Request, get
from litestar.response import Template

from dps.entrypoints.http.ui.pages import page

_METHODS = ("get", "put", "post", "delete", "patch", "head", "options")


def operations(schema: dict[str, Any]) -> list[dict[str, str]]:
    ops: list[dict[str, str]] = []
    for path, item in sorted(schema.get("paths", {}).items()):
        for method in _METHODS:
            op = item.get(method)
            if op is not None:
                ops.append({
                    "method": method.upper(), "path": path, "summary": op.get("summary", ""),
                    "operation_id": op.get("operationId", ""),
                })
    return ops


@get("/api/docs", include_in_schema=False, sync_to_thread=False)
def api_docs(request: Request[Any, Any, Any]) -> Template:
    schema = request.app.openapi_schema.to_schema()
    return page(request, "api_docs.html", context={
        "title": schema.get("info", {}).get("title", "API"),
        "version": schema.get("info", {}).get("version", ""),
        "operations": operations(schema),
    })
