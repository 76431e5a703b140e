"""Request limits and response headers, as plain ASGI middleware (no per-request Python objects).

A body larger than `max_body` is refused with 413 before the app reads it: by its Content-Length when
given, else while it streams in.
"""

from __future__ import annotations

import json
from typing import Any

Scope = dict[str, Any]

# The UI needs nothing from elsewhere; tiles (an opt-in setting) add their origin to img-src.
_CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:{tiles}; "
    "connect-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'"
)
# Swagger UI at /docs starts itself with an inline script.
_CSP_DOCS = (
    "default-src 'self'; script-src 'self' 'unsafe-inline'; style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data:"
)


def _too_large(limit: int) -> bytes:
    msg = f"request body is larger than {limit:,} bytes; send fewer or smaller articles per request"
    return json.dumps({"ok": False, "error": msg, "code": "E_TOO_LARGE"}).encode()


class BodyTooLarge(Exception):
    pass


class Limits:
    """Body size limit plus security headers on every response."""

    def __init__(self, app: Any, *, max_body: int, tile_origin: str | None = None) -> None:
        self.app = app
        self.max_body = max_body
        tiles = f" {tile_origin}" if tile_origin else ""
        self.csp = _CSP.format(tiles=tiles).encode()

    async def __call__(self, scope: Scope, receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        for name, value in scope.get("headers", ()):
            if name == b"content-length":
                try:
                    size = int(value)
                except ValueError:
                    size = 0
                if size > self.max_body:
                    await self._refuse(send)
                    return
        seen = 0
        started = False

        async def limited_receive() -> Any:
            nonlocal seen
            msg = await receive()
            if msg["type"] == "http.request":
                seen += len(msg.get("body", b""))
                if seen > self.max_body:
                    raise BodyTooLarge
            return msg

        path = scope.get("path", "")
        csp = _CSP_DOCS.encode() if path.startswith("/docs") else self.csp

        async def send_with_headers(msg: Any) -> None:
            nonlocal started
            if msg["type"] == "http.response.start":
                started = True
                headers = list(msg.get("headers", []))
                headers += [
                    (b"x-content-type-options", b"nosniff"),
                    (b"referrer-policy", b"no-referrer"),
                    (b"content-security-policy", csp),
                ]
                msg = {**msg, "headers": headers}
            await send(msg)

        try:
            await self.app(scope, limited_receive, send_with_headers)
        except BodyTooLarge:
            if not started:
                await self._refuse(send)

    async def _refuse(self, send: Any) -> None:
        body = _too_large(self.max_body)
        await send(
            {
                "type": "http.response.start",
                "status": 413,
                "headers": [
                    (b"content-type", b"application/json"),
                    (b"content-length", str(len(body)).encode()),
                ],
            }
        )
        await send({"type": "http.response.body", "body": body})
