"""The HTTP entrypoint: a litestar app (JSON API under /api/v1 and the server-rendered UI).

Build it with :func:`dps.entrypoints.http.app.create_app`; nothing happens at import time.
"""
