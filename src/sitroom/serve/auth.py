"""Tokens: writes need the write token and are off without one; a read token makes reads private.

Clients send `Authorization: Bearer TOKEN`. The write token also opens reads. Tokens are compared in
constant time.
"""

from __future__ import annotations

import hmac
from dataclasses import dataclass

from fastapi import Request

from sitroom.serve.errors import ApiError

_CHALLENGE = {"WWW-Authenticate": 'Bearer realm="sitroom"'}


@dataclass(frozen=True, slots=True)
class Tokens:
    write: str | None = None
    read: str | None = None


def _presented(request: Request) -> str | None:
    value = request.headers.get("authorization", "")
    scheme, _, token = value.partition(" ")
    return token.strip() or None if scheme.lower() == "bearer" else None


def _matches(given: str | None, wanted: str | None) -> bool:
    return bool(given and wanted) and hmac.compare_digest(given.encode(), wanted.encode())  # type: ignore[union-attr]


def require_read(request: Request) -> None:
    tokens: Tokens = request.app.state.tokens
    if tokens.read is None:
        return
    given = _presented(request)
    if not (_matches(given, tokens.read) or _matches(given, tokens.write)):
        raise ApiError(
            401,
            "this server's reads are private: send 'Authorization: Bearer <read token>'",
            "E_AUTH",
            _CHALLENGE,
        )


def require_write(request: Request) -> None:
    tokens: Tokens = request.app.state.tokens
    if tokens.write is None:
        raise ApiError(
            403,
            "writes are off on this server: start it with --token or SITROOM_TOKEN to accept articles",
            "E_WRITES_OFF",
        )
    if not _matches(_presented(request), tokens.write):
        raise ApiError(
            401,
            "writing needs the server's token: send 'Authorization: Bearer <token>'",
            "E_AUTH",
            _CHALLENGE,
        )
