"""The record a reader yields for an input it cannot take: a Failure of the ingest stage."""

from __future__ import annotations

from sitroom.errors import E_NOT_FOUND, E_READ
from sitroom.records import Failure, Stage


def fail(source: str, code: str, message: str) -> Failure:
    return Failure(source=source, stage=Stage.INGEST, code=code, message=message)


def unreadable(path: str, err: OSError) -> Failure:
    """A file that could not be opened: missing, or refused by the system (permissions, a folder)."""
    if isinstance(err, FileNotFoundError):
        return fail(path, E_NOT_FOUND, f"{path}: no such file")
    return fail(path, E_READ, f"{path}: cannot read: {err.strerror or err}")
