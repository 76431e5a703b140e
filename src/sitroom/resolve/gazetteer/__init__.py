"""The gazetteer: place names -> entries (countries, admin1 areas, towns, airfields and bases).

Built on first use from PyPI data into the user cache dir (see build.py) and rebuilt when the
builder version changes. Opening it is cheap; one instance per process and cache dir.
"""

from __future__ import annotations

import json
import sqlite3
import threading
from pathlib import Path
from typing import Any

from sitroom.resolve.gazetteer.build import BUILDER_VERSION, STRATEGY, BuildInfo, build, index_path
from sitroom.resolve.gazetteer.normalize import fold
from sitroom.resolve.gazetteer.store import CLASSES, Entry, Gazetteer

__all__ = [
    "BUILDER_VERSION",
    "CLASSES",
    "STRATEGY",
    "BuildInfo",
    "Entry",
    "Gazetteer",
    "build",
    "fold",
    "info",
    "open_gazetteer",
]

_OPEN: dict[Path, Gazetteer] = {}
_LOCK = threading.Lock()


def _cache_dir(cache_dir: Path | None) -> Path:
    if cache_dir is not None:
        return Path(cache_dir)
    from sitroom.config import load

    return load().cache_path()


def open_gazetteer(cache_dir: Path | None = None, *, rebuild: bool = False) -> Gazetteer:
    """The gazetteer in `cache_dir` (default: the settings' cache dir), built first if missing."""
    d = _cache_dir(cache_dir)
    with _LOCK:
        if not rebuild and d in _OPEN:
            return _OPEN[d]
        path = index_path(d)
        if rebuild or not path.exists():
            old = _OPEN.pop(d, None)
            if old is not None:
                old.close()
            build(d)
        g = _OPEN[d] = Gazetteer(path)
        return g


def info(cache_dir: Path | None = None) -> dict[str, Any]:
    """What the index holds: path, size, version, build time and counts per source/class."""
    d = _cache_dir(cache_dir)
    path = index_path(d)
    out: dict[str, Any] = {
        "path": str(path),
        "version": BUILDER_VERSION,
        "strategy": STRATEGY,
        "exists": path.exists(),
    }
    if not path.exists():
        return out
    con = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        meta = dict(con.execute("SELECT k, v FROM meta").fetchall())
    finally:
        con.close()
    out.update(
        size=path.stat().st_size,
        built=meta.get("built"),
        build_seconds=float(meta.get("seconds", 0)),
        entries=int(meta.get("entries", 0)),
        names=int(meta.get("names", 0)),
        counts=json.loads(meta.get("counts", "{}")),
    )
    return out
