"""Partitions: the units of batch work. Small files are grouped, large JSON Lines files are cut into
line ranges. A partition's id hashes what it reads (path, size, mtime, range), so a changed input is
a new partition and an unchanged one keeps its finished shard across runs."""

from __future__ import annotations

import glob
import hashlib
import json
import os
from collections.abc import Iterable, Iterator
from dataclasses import asdict, dataclass, field
from pathlib import Path

from sitroom.errors import UsageError

MANIFEST = "manifest.json"
TARGET_BYTES = 4_000_000  # ~800 news articles: minutes of work for one worker, seconds to redo
# Several workers: a smaller input is cut finer, so each worker gets about PER_WORKER partitions and the
# last one to finish keeps the others waiting for at most an eighth of a worker's share (one 4 MB
# partition for a 3 MB folder would leave every worker but one idle).
PER_WORKER = 8
MIN_TARGET = 64_000  # ~15 articles: below this a partition's own cost (shard files, marker, load) shows
MAX_FILES = 256  # small files grouped into one partition at most
SPLIT_EXT = frozenset({".jsonl", ".ndjson"})  # plain JSON Lines can be cut at line starts
# WARC files are cut into byte ranges, each holding the records that start in it (warc.record_start):
# one crawl file of a gigabyte is work for every worker
WARC_EXT = (".warc", ".warc.gz")
_BLOCK = 1 << 24


@dataclass(frozen=True, slots=True, kw_only=True)
class Part:
    """One input of a partition: a whole source, or lines [first_line, …) in bytes [start, end) of a
    JSON Lines file, or the records that start in bytes [start, end) of a WARC file."""

    path: str  # as the user gave it (it becomes the article's ref / source)
    start: int = 0
    end: int = -1  # -1: the whole source
    first_line: int = 1


@dataclass(frozen=True, slots=True, kw_only=True)
class Partition:
    id: str
    parts: tuple[Part, ...]
    size: int  # bytes to read (for progress and balance)

    @property
    def label(self) -> str:
        p = self.parts[0]
        more = f" +{len(self.parts) - 1}" if len(self.parts) > 1 else ""
        rng = ""
        if p.start > 0 or p.end >= 0:
            rng = f" bytes {p.start}+" if is_warc(p.path) else f" lines {p.first_line}+"
        return f"{p.path}{rng}{more}"

    def to_dict(self) -> dict:
        return asdict(self)

    @staticmethod
    def from_dict(d: dict) -> Partition:
        return Partition(id=d["id"], parts=tuple(Part(**p) for p in d["parts"]), size=d["size"])


@dataclass(frozen=True, slots=True, kw_only=True)
class Manifest:
    partitions: tuple[Partition, ...]
    inputs: tuple[str, ...] = ()
    options: dict = field(default_factory=dict)

    def save(self, out: Path) -> Path:
        """Write atomically (tmp + rename): a reader never sees half a manifest."""
        out.mkdir(parents=True, exist_ok=True)
        path = out / MANIFEST
        tmp = out / f".{MANIFEST}.{os.getpid()}.tmp"
        body = {
            "inputs": list(self.inputs),
            "options": self.options,
            "partitions": [p.to_dict() for p in self.partitions],
        }
        tmp.write_text(json.dumps(body, indent=1), encoding="utf-8")
        os.replace(tmp, path)
        return path

    @staticmethod
    def load(out: Path) -> Manifest:
        d = json.loads((out / MANIFEST).read_text(encoding="utf-8"))
        return Manifest(
            partitions=tuple(Partition.from_dict(p) for p in d["partitions"]),
            inputs=tuple(d.get("inputs", ())),
            options=d.get("options", {}),
        )


def _ext(path: str) -> str:
    return os.path.splitext(path)[1].lower()


def is_warc(path: str) -> bool:
    return path.lower().endswith(WARC_EXT)


def byte_ranges(size: int, target: int) -> list[tuple[int, int]]:
    """[start, end) cuts of `size` bytes, ~`target` each; the last ends at -1 (the file's end)."""
    n = max(1, round(size / target))
    cuts = [size * k // n for k in range(n + 1)]
    return [(a, b if k < n - 1 else -1) for k, (a, b) in enumerate(zip(cuts, cuts[1:], strict=False))]


def _supported() -> frozenset[str]:
    from sitroom.ingest.sources import SUPPORTED

    return SUPPORTED


def _readable(name: str, supported: frozenset[str]) -> bool:
    low = name.lower()
    if low.endswith(".gz"):
        low = low[:-3]
    return _ext(low) in supported


def expand(inputs: Iterable[str]) -> Iterator[str]:
    """Files in the order `sitroom run` reads them: folders walked sorted (hidden entries skipped),
    globs sorted; URLs and missing paths pass through (their reader records the failure)."""
    supported = _supported()
    for src in inputs:
        if src == "-":
            raise UsageError("batch reads files, folders, globs and URLs, not stdin ('-')")
        if "://" in src or os.path.isfile(src):
            yield src
        elif os.path.isdir(src):
            found = False
            for dirpath, dirnames, filenames in os.walk(src):
                dirnames[:] = sorted(d for d in dirnames if not d.startswith("."))
                for name in sorted(filenames):
                    if not name.startswith(".") and _readable(name, supported):
                        found = True
                        yield os.path.join(dirpath, name)
            if not found:
                yield src  # the reader records "folder holds no readable file"
        elif set("*?[") & set(src):
            matches = sorted(glob.glob(src, recursive=True))
            hits = [m for m in matches if os.path.isdir(m) or _readable(m, supported)]
            yield from (expand(hits) if hits else [src])
        else:
            yield src


def _pid(*key: object) -> str:
    return hashlib.sha256("\x1f".join(map(str, key)).encode()).hexdigest()[:20]


def _stat(path: str) -> tuple[int, int]:
    try:
        st = os.stat(path)
    except OSError:
        return 0, 0
    return st.st_size, st.st_mtime_ns


def line_ranges(path: str, target: int) -> list[tuple[int, int, int]]:
    """(byte start, byte end, first line number) cuts of a file at line starts, ~`target` bytes each."""
    cuts: list[tuple[int, int, int]] = []
    start, line, pos, lines_in = 0, 1, 0, 0
    with open(path, "rb") as f:
        while block := f.read(_BLOCK):
            off = 0
            while True:
                want = start + target - (pos + off)
                if want > len(block) - off:
                    lines_in += block.count(b"\n", off)
                    break
                nl = block.find(b"\n", off + max(0, want - 1))
                if nl < 0:
                    lines_in += block.count(b"\n", off)
                    break
                lines_in += block.count(b"\n", off, nl + 1)
                end = pos + nl + 1
                cuts.append((start, end, line))
                start, line, lines_in = end, line + lines_in, 0
                off = nl + 1
            pos += len(block)
    if pos > start:
        cuts.append((start, -1, line))
    return cuts


def partition_bytes(total: int, workers: int) -> int:
    """Input bytes per partition for a run of `total` bytes on `workers` parallel workers."""
    if workers <= 1:
        return TARGET_BYTES
    return max(MIN_TARGET, min(TARGET_BYTES, total // (workers * PER_WORKER)))


def plan(
    inputs: Iterable[str],
    *,
    target_bytes: int | None = None,
    workers: int = 1,
    max_files: int = MAX_FILES,
) -> Manifest:
    """Partitions for these inputs, in reading order; `target_bytes` defaults to `partition_bytes`."""
    inputs = tuple(inputs)
    files = [(path, *_stat(path)) for path in expand(inputs)]
    if target_bytes is None:
        target_bytes = partition_bytes(sum(size for _, size, _ in files), workers)
    parts: list[Partition] = []
    group: list[tuple[Part, int, int]] = []

    def flush() -> None:
        if group:
            key = [(p.path, s, m) for p, s, m in group]
            parts.append(
                Partition(
                    id=_pid("files", *key),
                    parts=tuple(p for p, _, _ in group),
                    size=sum(s for _, s, _ in group),
                )
            )
            group.clear()

    for path, size, mtime in files:
        if size > target_bytes and _ext(path) in SPLIT_EXT:
            flush()
            for a, b, line in line_ranges(path, target_bytes):
                n = (b if b >= 0 else size) - a
                parts.append(
                    Partition(
                        id=_pid("lines", path, size, mtime, a, b),
                        parts=(Part(path=path, start=a, end=b, first_line=line),),
                        size=n,
                    )
                )
            continue
        if size > target_bytes and is_warc(path):
            flush()
            for a, b in byte_ranges(size, target_bytes):
                parts.append(
                    Partition(
                        id=_pid("records", path, size, mtime, a, b),
                        parts=(Part(path=path, start=a, end=b),),
                        size=(b if b >= 0 else size) - a,
                    )
                )
            continue
        if group and (sum(s for _, s, _ in group) + size > target_bytes or len(group) >= max_files):
            flush()
        group.append((Part(path=path), size, mtime))
    flush()
    return Manifest(partitions=tuple(parts), inputs=inputs, options={"target_bytes": target_bytes})
