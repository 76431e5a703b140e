"""One error envelope for every failure: `{ok: false, error, code}` with the right HTTP status.

Library errors keep their stable codes; FastAPI's own validation errors become one readable line.
"""

from __future__ import annotations

import logging
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException

from sitroom.errors import EnvironmentProblem, InputError, StoreError, UsageError

log = logging.getLogger("sitroom.serve")
log.addHandler(logging.NullHandler())

# Status → code for errors raised as plain HTTPExceptions (routing, methods).
_HTTP_CODES = {
    400: "E_BAD_REQUEST",
    401: "E_AUTH",
    403: "E_FORBIDDEN",
    404: "E_NOT_FOUND",
    405: "E_METHOD",
    413: "E_TOO_LARGE",
    415: "E_MEDIA_TYPE",
    422: "E_USAGE",
    501: "E_NOT_IMPLEMENTED",
}


class ApiError(Exception):
    """An error the API reports as it is: message, stable code, status (and optional headers)."""

    def __init__(self, status: int, message: str, code: str, headers: dict[str, str] | None = None) -> None:
        super().__init__(message)
        self.status = status
        self.code = code
        self.headers = headers


def envelope(status: int, message: str, code: str, headers: dict[str, str] | None = None) -> JSONResponse:
    return JSONResponse({"ok": False, "error": message, "code": code}, status_code=status, headers=headers)


def _validation_message(exc: RequestValidationError) -> str:
    parts = []
    for e in exc.errors():
        loc = [str(p) for p in e.get("loc", ()) if p not in ("query", "path", "body", "header")]
        where = ".".join(loc) or "request"
        got = e.get("input")
        shown = f", got {got!r}" if got is not None and not isinstance(got, dict | list) else ""
        parts.append(f"{where}: {e.get('msg', 'invalid')}{shown}")
    return "; ".join(parts) or "invalid request"


def install(app: FastAPI) -> None:
    """Register the handlers that turn every exception into the envelope."""

    @app.exception_handler(ApiError)
    async def _api(_: Request, exc: ApiError) -> JSONResponse:
        return envelope(exc.status, str(exc), exc.code, exc.headers)

    @app.exception_handler(UsageError)
    async def _usage(_: Request, exc: UsageError) -> JSONResponse:
        return envelope(422, str(exc), exc.code)

    @app.exception_handler(InputError)
    async def _input(_: Request, exc: InputError) -> JSONResponse:
        return envelope(422, str(exc), exc.code)

    @app.exception_handler(StoreError)
    async def _store(_: Request, exc: StoreError) -> JSONResponse:
        log.error("store error: %s", exc)
        return envelope(503, str(exc), exc.code)

    @app.exception_handler(EnvironmentProblem)
    async def _env(_: Request, exc: EnvironmentProblem) -> JSONResponse:
        return envelope(503, str(exc), exc.code)

    @app.exception_handler(RequestValidationError)
    async def _validation(_: Request, exc: RequestValidationError) -> JSONResponse:
        return envelope(422, _validation_message(exc), "E_USAGE")

    @app.exception_handler(HTTPException)
    async def _http(_: Request, exc: HTTPException) -> JSONResponse:
        detail: Any = exc.detail
        msg = detail if isinstance(detail, str) else "request failed"
        if exc.status_code == 404 and msg == "Not Found":
            msg = "no such resource; the API is described at /docs"
        return envelope(exc.status_code, msg, _HTTP_CODES.get(exc.status_code, "E_HTTP"), exc.headers)

    @app.exception_handler(Exception)
    async def _internal(request: Request, exc: Exception) -> JSONResponse:
        log.exception("unhandled error on %s %s", request.method, request.url.path)
        return envelope(500, "internal error; the server log has the details", "E_INTERNAL")
