"""Partitions: the units of batch work. Small files are grouped; large JSON Lines files are cut into
line ranges, large CSV/TSV files into row ranges, large JSON arrays into element ranges (gzipped ones
too, with seek points: `ingest.gzindex`), WARC files into byte ranges. A partition's id
hashes what it reads (path, size, mtime, range), so a changed input is a new partition and an
unchanged one keeps its finished shard across runs."""

from __future__ import annotations

import functools
import glob
import hashlib
import json
import os
import zlib
from collections.abc import Iterable, Iterator
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import BinaryIO

from sitroom.errors import UsageError
from sitroom.ingest.sources import is_gz, kind  # how `read` tells a file's type

MANIFEST = "manifest.json"
TARGET_BYTES = 4_000_000  # ~800 news articles: minutes of work for one worker, seconds to redo
# Several workers: a smaller input is cut finer, so each worker gets about PER_WORKER partitions and the
# last one to finish keeps the others waiting for at most an eighth of a worker's share (one 4 MB
# partition for a 3 MB folder would leave every worker but one idle).
PER_WORKER = 8
MIN_TARGET = 64_000  # ~15 articles: below this a partition's own cost (shard files, marker, load) shows
MAX_FILES = 256  # small files grouped into one partition at most
LINES_EXT = frozenset({".jsonl", ".ndjson"})  # cut at line starts
ROWS_EXT = frozenset({".csv", ".tsv"})  # cut at row starts (a quoted field may span lines)
ARRAY_EXT = frozenset({".json"})  # one array of records: cut at element starts
# WARC files are cut into byte ranges, each holding the records that start in it (warc.record_start):
# one crawl file of a gigabyte is work for every worker
WARC_EXT = (".warc", ".warc.gz")
_BLOCK = 1 << 24
GZ_RATIO = 3  # news text gzips to about a third or less


@dataclass(frozen=True, slots=True, kw_only=True)
class Part:
    """One input of a partition: a whole source, or lines [first_line, …) in bytes [start, end) of a
    JSON Lines file (of its decompressed bytes when gzipped), or the rows of a CSV file whose first
    line is in [first_line, end_line) from text offset `start`, or the elements [first_line, …) in
    bytes [start, end) of a JSON array, or the records that start in bytes [start, end) of a WARC
    file."""

    path: str  # as the user gave it (it becomes the article's ref / source)
    start: int = 0
    end: int = -1  # -1: the whole source
    first_line: int = 1
    end_line: int = 0  # CSV rows: the first line of the next cut (0: to the end)
    index: str = ""  # a gzipped file's seek points (`ingest.gzindex`), if any


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
            if is_warc(p.path):
                rng = f" bytes {p.start}+"
            elif kind(p.path) in ARRAY_EXT:
                rng = f" [{p.first_line}]+"
            else:
                rng = f" lines {p.first_line}+"
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
    return kind(name) in supported


def expand(inputs: Iterable[str], skip: str | os.PathLike[str] | None = None) -> Iterator[str]:
    """Files in the order `sitroom run` reads them: folders walked sorted (hidden entries skipped),
    globs sorted; URLs and missing paths pass through (their reader records the failure). `skip`: a
    folder that walks and globs leave out (the run's --out inside an input folder: its manifest and
    markers are JSON files, and a re-run would read them as articles)."""
    supported = _supported()
    away = os.path.realpath(skip) if skip is not None else None

    @functools.lru_cache(maxsize=4096)
    def outside(folder: str) -> bool:
        real = os.path.realpath(folder)
        return away is None or (real != away and not real.startswith(away.rstrip(os.sep) + os.sep))

    for src in inputs:
        if src == "-":
            raise UsageError("batch reads files, folders, globs and URLs, not stdin ('-')")
        if "://" in src or os.path.isfile(src):
            yield src
        elif os.path.isdir(src):
            found = False
            for dirpath, dirnames, filenames in os.walk(src):
                dirnames[:] = sorted(
                    d for d in dirnames if not d.startswith(".") and outside(os.path.join(dirpath, d))
                )
                for name in sorted(filenames):
                    if not name.startswith(".") and _readable(name, supported):
                        found = True
                        yield os.path.join(dirpath, name)
            if not found:
                yield src  # the reader records "folder holds no readable file"
        elif set("*?[") & set(src):
            matches = sorted(glob.glob(src, recursive=True))
            hits = [
                m
                for m in matches
                if (
                    outside(m)
                    if os.path.isdir(m)
                    else _readable(m, supported) and outside(os.path.dirname(m))
                )
            ]
            yield from (expand(hits, skip) if hits else [src])
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
    """(byte start, byte end, first line number) cuts of a file at line starts, ~`target` bytes each
    (of the decompressed bytes for a .gz file)."""
    with _open_bytes(path) as f:
        return _cut_lines(f, target)[0]


def _cut_lines(f: BinaryIO, target: int) -> tuple[list[tuple[int, int, int]], int]:
    """`line_ranges` of an open file, and the bytes it read."""
    cuts: list[tuple[int, int, int]] = []
    start, line, pos, lines_in = 0, 1, 0, 0
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
    return cuts, pos


def _cut_bytes(path: str, size: int) -> int:
    """The bytes a file is cut by: a gzipped table's decompressed size as its gzip trailer gives it
    (modulo 4 GiB, the last member's only: when that is below the file's size, a third of a guess)."""
    if not (is_gz(path) and kind(path) in LINES_EXT | ROWS_EXT | ARRAY_EXT) or size < 18:
        return size
    try:
        with open(path, "rb") as f:
            f.seek(-4, os.SEEK_END)
            isize = int.from_bytes(f.read(4), "little")
    except OSError:
        return size
    return isize if isize >= size else size * GZ_RATIO


def _open_bytes(path: str) -> BinaryIO:
    if is_gz(path):
        import gzip

        return gzip.open(path, "rb")  # type: ignore[return-value]
    return open(path, "rb")  # noqa: SIM115 - the caller closes it


def _index(path: str, size: int, mtime: int, index_dir: Path | None) -> str:
    """Seek points of a gzipped file that is cut, so that its workers need not decompress from its start."""
    if not (index_dir and is_gz(path)):
        return ""
    from sitroom.ingest.gzindex import build_index

    return build_index(path, index_dir / f"{_pid('gzindex', path, size, mtime)}.gzidx")


def _line_parts(
    path: str, size: int, mtime: int, target: int, index_dir: Path | None = None
) -> list[Partition] | None:
    """A JSON Lines file (maybe gzipped) cut into line ranges; None: read it whole (one cut, or what
    the whole read reports for the file: binary data, a broken gzip stream)."""
    from sitroom.ingest.sources import looks_binary

    try:
        with _open_bytes(path) as f:
            if looks_binary(f.read(8192).removeprefix(b"\xef\xbb\xbf")):
                return None
            f.seek(0)
            cuts, total = _cut_lines(f, target)
    except (OSError, EOFError, zlib.error):  # gzip.BadGzipFile is an OSError
        return None
    if len(cuts) < 2:
        return None
    index = _index(path, size, mtime, index_dir)
    return _ranges(
        "lines", path, size, mtime, [(a, b, line, (b if b >= 0 else total) - a) for a, b, line in cuts], index
    )


def _ranges(
    tag: str, path: str, size: int, mtime: int, cuts: list[tuple[int, int, int, int]], index: str = ""
) -> list[Partition]:
    """One partition per byte range of a file: (start, end, first line or element, bytes)."""
    return [
        Partition(
            id=_pid(tag, path, size, mtime, a, b),
            parts=(Part(path=path, start=a, end=b, first_line=k, index=index),),
            size=n,
        )
        for a, b, k, n in cuts
    ]


def _array_parts(
    path: str, size: int, mtime: int, target: int, index_dir: Path | None = None
) -> list[Partition] | None:
    """A JSON file holding one array (maybe gzipped) cut at element starts; None: read it whole. The
    file is read once here, a chunk at a time, whatever its size."""
    from sitroom.ingest.sources import array_spans

    try:
        with _open_bytes(path) as f:
            spans = array_spans(f, target)
    except (OSError, EOFError, zlib.error):
        return None
    if spans is None:
        return None
    index = _index(path, size, mtime, index_dir)
    return _ranges("elements", path, size, mtime, [(a, b, k, b - a) for a, b, k in spans], index)


def _row_parts(
    path: str, size: int, mtime: int, target: int, index_dir: Path | None = None
) -> list[Partition] | None:
    """A CSV/TSV file (maybe gzipped) cut into row ranges; None: read it whole."""
    from sitroom.ingest.tabular import delimiter_for, row_spans, text_opener

    opener = text_opener(path, gz=is_gz(path))
    spans = row_spans(opener, target, delimiter=delimiter_for(kind(path), opener))
    if spans is None:
        return None
    index = _index(path, size, mtime, index_dir)
    return [
        Partition(
            id=_pid("rows", path, size, mtime, sp.start, sp.first_line, sp.end_line),
            parts=(
                Part(
                    path=path,
                    start=sp.start,
                    end=-1 if k == len(spans) - 1 else spans[k + 1].start,
                    first_line=sp.first_line,
                    end_line=sp.end_line,
                    index=index,
                ),
            ),
            size=sp.chars,
        )
        for k, sp in enumerate(spans)
    ]


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
    index_dir: Path | None = None,
    earlier: Manifest | None = None,
    skip: Path | None = None,
) -> Manifest:
    """Partitions for these inputs, in reading order; `target_bytes` defaults to `partition_bytes`.
    `index_dir`: where the seek points of gzipped files that are cut go (none: workers decompress
    such a file from its start). `earlier`: a plan whose cuts of unchanged files are taken as they
    are (cutting a big file reads it whole). `skip`: the run's work folder, never read as input."""
    inputs = tuple(inputs)
    # a file named twice (`big.jsonl big.jsonl`, a folder and a file in it, overlapping globs) is read
    # once: twice would give two partitions of one id, run at once into one shard and counted twice
    files = [(path, *_stat(path)) for path in dict.fromkeys(expand(inputs, skip))]
    cut_size = {path: _cut_bytes(path, size) for path, size, _ in files}
    if target_bytes is None:
        target_bytes = partition_bytes(sum(cut_size[path] for path, _, _ in files), workers)
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

    cut_files: dict[str, list[int]] = {}  # path -> [size, mtime] of each file that is cut by scanning it
    for path, size, mtime in files:
        cut = _earlier_cut(earlier, path, size, mtime, target_bytes)
        if cut is None and cut_size[path] > target_bytes:
            if kind(path) in LINES_EXT:
                cut = _line_parts(path, size, mtime, target_bytes, index_dir)
            elif kind(path) in ROWS_EXT:
                cut = _row_parts(path, size, mtime, target_bytes, index_dir)
            elif kind(path) in ARRAY_EXT:
                cut = _array_parts(path, size, mtime, target_bytes, index_dir)
        if cut:
            flush()
            parts.extend(cut)
            cut_files[path] = [size, mtime]
            continue
        if size > target_bytes and is_warc(path):
            flush()
            cuts = [(a, b, 1, (b if b >= 0 else size) - a) for a, b in byte_ranges(size, target_bytes)]
            parts.extend(_ranges("records", path, size, mtime, cuts))
            continue
        if group and (sum(s for _, s, _ in group) + size > target_bytes or len(group) >= max_files):
            flush()
        group.append((Part(path=path), size, mtime))
    flush()
    return Manifest(
        partitions=tuple(parts), inputs=inputs, options={"target_bytes": target_bytes, "cut": cut_files}
    )


def _earlier_cut(
    earlier: Manifest | None, path: str, size: int, mtime: int, target: int
) -> list[Partition] | None:
    """The partitions `earlier` cut this file into, if the file and the partition size are the same and
    its seek points are still there."""
    if earlier is None or earlier.options.get("target_bytes") != target:
        return None
    if earlier.options.get("cut", {}).get(path) != [size, mtime]:
        return None
    got = [p for p in earlier.partitions if len(p.parts) == 1 and p.parts[0].path == path]
    if not got or any(p.parts[0].index and not os.path.exists(p.parts[0].index) for p in got):
        return None
    return got
