"""Gzipped inputs read from the middle. A gzip stream decompresses only from its start, so a worker given
the last range of a big .jsonl.gz would decompress the whole file first. `indexed_gzip` (zlib's zran
method) keeps seek points while it reads: one pass over the file, saved as an index file, lets every
worker start decompressing within SPACING bytes of its range. Without it (or without an index) plain
gzip decompresses from the start, as slow but as correct."""

from __future__ import annotations

import gzip
import os
from pathlib import Path
from typing import BinaryIO

SPACING = 4 << 20  # decompressed bytes between seek points: ~32 KB of index each, ~20 ms to reach a range


def open_gz(path: str, *, index: str = "") -> BinaryIO:
    """`path` decompressed, seekable; through `index` (seek points saved by `build_index`) when there."""
    if index and os.path.exists(index):
        try:
            import indexed_gzip
        except ImportError:
            pass
        else:
            try:
                return indexed_gzip.IndexedGzipFile(path, index_file=index)  # type: ignore[return-value]
            except OSError:  # a damaged or foreign index file (ZranError): slower, still right
                pass
    return gzip.open(path, "rb")  # type: ignore[return-value]


def build_index(path: str, dest: Path) -> str:
    """Seek points for `path` in the file `dest`; "" when indexed_gzip is not installed or fails (the
    file is then read from its start)."""
    try:
        import indexed_gzip
    except ImportError:
        return ""
    dest.parent.mkdir(parents=True, exist_ok=True)
    tmp = dest.with_name(f".{dest.name}.{os.getpid()}.tmp")
    try:
        with indexed_gzip.IndexedGzipFile(path, spacing=SPACING) as f:
            f.build_full_index()
            f.export_index(str(tmp))
    except (OSError, ValueError):  # its ZranError is an OSError; the gzip read reports real damage
        tmp.unlink(missing_ok=True)
        return ""
    os.replace(tmp, dest)
    return str(dest)
