"""What a worker does with one partition: read it, skip known articles, run the pipeline, write its
Parquet shard (one file per store table) into a temporary folder, rename it into place, then drop a
done marker. No marker = not done: a worker killed mid-way leaves nothing that a re-run would trust.

The model and the gazetteer load once per worker process (`warm`, cached), not per partition."""

from __future__ import annotations

import contextlib
import functools
import json
import os
import resource
import shutil
import socket
import time
import uuid
from collections.abc import Iterator
from itertools import islice
from pathlib import Path
from typing import Any

from sitroom.batch.manifest import ARRAY_EXT, ROWS_EXT, Part, Partition, is_gz, is_warc, kind
from sitroom.config import Settings
from sitroom.ingest.gzindex import open_gz
from sitroom.records import Article, ArticleResult, Failure

SHARDS = "shards"
DONE = "done"
KNOWN = "known_ids.npy"
CHUNK = 256  # results per Parquet row group: bounded memory whatever the partition size


def shard_tables() -> dict[str, Any]:
    """A shard's tables and their Arrow schemas: the store's (`rows.TABLES`), and the link features
    of its articles (`link.stored.LINK_FEATURES`), computed here beside the parse so that the one
    writer does not compute them."""
    from sitroom.link.stored import LINK_FEATURES
    from sitroom.store import rows

    return dict(rows.TABLES) | {"link_features": LINK_FEATURES}


def shard_dir(out: Path, pid: str) -> Path:
    return out / SHARDS / pid


def half_shard(out: Path, pid: str) -> Path:
    """Where this process writes a partition's shard until it is whole (then renamed to `shard_dir`)."""
    return out / SHARDS / f".{pid}.{os.getpid()}.tmp"


def half_shards(out: Path) -> Iterator[tuple[str, Path]]:
    """(partition id, folder) of every half-written shard under `out`, this process's or another's."""
    for d in (out / SHARDS).glob(".*.tmp"):
        yield d.name[1:].split(".", 1)[0], d


def marker(out: Path, pid: str) -> Path:
    return out / DONE / f"{pid}.json"


def is_done(out: Path, pid: str) -> bool:
    return marker(out, pid).exists() and shard_dir(out, pid).is_dir()


def reading(published: str | None, mapping: str | None, date_order: str | None = None) -> dict[str, Any]:
    """The options that decide what a partition's articles are (its done marker keeps them): a
    re-run with another `--map`, `--published` or `--date-order` reads the inputs again instead of
    taking the shards read the other way for done. (No date order: the markers of runs before there
    was one stay valid.)"""
    how: dict[str, Any] = {"published": published, "mapping": mapping}
    if date_order:
        how["date_order"] = date_order
    return how


def read_json(path: Path) -> dict[str, Any] | None:
    """A marker's content; None when it is missing or not a marker we wrote."""
    try:
        got = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return got if isinstance(got, dict) else None


def finished(out: Path, pid: str, db_tag: str, how: dict[str, Any] | None = None) -> dict[str, Any] | None:
    """The done marker of a partition finished for this database (its workers skipped the articles that
    one held) and read `how` (`reading`; any way when None); None when there is no such marker."""
    m = read_json(marker(out, pid))
    if m is None or m.get("db") != db_tag or (how is not None and m.get("reading") != how):
        return None
    return m


def peak_mb() -> int:
    """This process's peak resident memory in MB. Linux: the high-water mark of its own memory
    (VmHWM). Not ru_maxrss, which a spawned worker inherits from the process it was forked from
    before exec: a pool started by a 1 GB parent reported 1 GB for 14 MB workers."""
    try:
        with open("/proc/self/status", encoding="ascii") as f:
            for line in f:
                if line.startswith("VmHWM:"):
                    return round(int(line.split()[1]) / 1024)
    except (OSError, ValueError):
        pass
    import sys

    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return round(rss / (1024 * 1024 if sys.platform == "darwin" else 1024))  # bytes on macOS, KB elsewhere


def warm(settings: Settings) -> None:
    """Load the spaCy pipeline (and the gazetteer) now, once per process."""
    from sitroom.nlp import load

    load(settings.model)
    warm_gazetteer(settings)


def warm_gazetteer(settings: Settings) -> None:
    """Open the gazetteer (building it when this machine has none for this version)."""
    from sitroom.resolve.gazetteer import open_gazetteer

    with contextlib.suppress(Exception):  # resolve opens it again and records a real failure per article
        open_gazetteer(settings.cache_path())


@functools.lru_cache(maxsize=2)
def _known(path: str, mtime_ns: int):
    import numpy as np

    return np.load(path, mmap_mode="r")


def known_ids(out: Path):
    """The sorted article ids the store held when the run started (memory-mapped, shared by all)."""
    path = out / KNOWN
    try:
        st = path.stat()
    except FileNotFoundError:
        return None
    return _known(str(path), st.st_mtime_ns)


def save_known(out: Path, ids: list[str]) -> None:
    import numpy as np

    out.mkdir(parents=True, exist_ok=True)
    arr = np.array(sorted(i.encode() for i in ids), dtype="S64") if ids else np.array([], dtype="S64")
    tmp = out / f".{KNOWN}.{os.getpid()}.tmp.npy"
    np.save(tmp, arr)
    os.replace(tmp, out / KNOWN)


def _is_known(arr, aid: str) -> bool:
    if arr is None or len(arr) == 0:
        return False
    import numpy as np

    key = np.bytes_(aid.encode())
    i = int(np.searchsorted(arr, key))
    return i < len(arr) and arr[i] == key


def _jsonl_line(
    raw: bytes, source: str, published: str | None, mapping: dict[str, str], date_order: str | None
):
    from sitroom.ingest import sources

    return sources._jsonl_line(raw, source, published, mapping, date_order)  # noqa: SLF001 - same reader as `read`


def read_part(
    part: Part, *, published: str | None, mapping: str | None, date_order: str | None = None
) -> Iterator[Article | Failure]:
    """The articles of one part, exactly as `sitroom.ingest.read` yields them for the whole source."""
    from sitroom.ingest import read

    if part.end < 0 and part.start == 0:
        yield from read([part.path], published=published, mapping=mapping, date_order=date_order)
        return
    from sitroom.ingest.build import user_published
    from sitroom.ingest.tabular import parse_mapping

    iso, cols = user_published(published), parse_mapping(mapping)
    if is_warc(part.path):
        from sitroom.ingest.warc import read_warc

        yield from read_warc(part.path, published=iso, start=part.start, end=part.end)
        return
    if kind(part.path) in ROWS_EXT:
        from sitroom.ingest.tabular import Span, delimiter_for, read_csv, text_opener

        span = Span(part.start, part.first_line, part.end_line)
        opener = text_opener(part.path, gz=is_gz(part.path), index=part.index)
        delimiter = delimiter_for(kind(part.path), opener)
        yield from read_csv(
            opener,
            part.path,
            mapping=cols,
            published=iso,
            delimiter=delimiter,
            span=span,
            date_order=date_order,
        )
        return
    with open_gz(part.path, index=part.index) if is_gz(part.path) else open(part.path, "rb") as f:
        f.seek(part.start)  # gzipped: decompresses from the nearest seek point (or the file's start)
        left = part.end - part.start if part.end >= 0 else -1
        data = f.read(left) if left >= 0 else f.read()
    if kind(part.path) in ARRAY_EXT:
        from sitroom.ingest.sources import read_array_span

        yield from read_array_span(data, part.path, part.first_line, iso, cols, date_order)
        return
    for k, raw in enumerate(data.split(b"\n")):
        lineno = part.first_line + k
        if lineno == 1:
            raw = raw.removeprefix(b"\xef\xbb\xbf")
        if raw.strip():
            yield _jsonl_line(raw, f"{part.path}:{lineno}", iso, cols, date_order)


def process_partition(
    partition: Partition | dict,
    out: str | Path,
    settings: Settings,
    *,
    published: str | None = None,
    mapping: str | None = None,
    date_order: str | None = None,
    db_tag: str = "",
) -> dict[str, Any]:
    """Run one partition to its shard and done marker; returns the marker's content. Idempotent:
    a partition finished for the same database (`db_tag`: which articles were known) and read the same
    way (`reading`) returns its marker without work."""
    import pyarrow.parquet as pq

    from sitroom.pipeline import process_articles
    from sitroom.store import rows

    part = partition if isinstance(partition, Partition) else Partition.from_dict(partition)
    out = Path(out)
    how = reading(published, mapping, date_order)
    if is_done(out, part.id) and (m := finished(out, part.id, db_tag, how)) is not None:
        return m | {"skipped": True}
    t0, c0 = time.perf_counter(), time.process_time()
    warm(settings)
    known = known_ids(out)
    counts = {"articles": 0, "known": 0, "failed": 0, "events": 0, "words": 0, "chars": 0}
    codes: dict[str, int] = {}  # failure code -> inputs, and a few of their messages, for the run's summary
    examples: list[str] = []

    def fresh() -> Iterator[Article | Failure]:
        for p in part.parts:
            for item in read_part(p, published=published, mapping=mapping, date_order=date_order):
                if isinstance(item, Article):
                    if _is_known(known, item.id):
                        counts["known"] += 1
                        continue
                    counts["words"] += len(item.text.split())
                    counts["chars"] += len(item.text)
                yield item

    final = shard_dir(out, part.id)
    tmp = half_shard(out, part.id)
    shutil.rmtree(tmp, ignore_errors=True)
    tmp.mkdir(parents=True)
    writers = {
        name: pq.ParquetWriter(tmp / f"{name}.parquet", schema) for name, schema in shard_tables().items()
    }
    seen: set[str] = set()
    try:
        try:
            results = process_articles(fresh(), settings)
            while chunk := list(islice(results, CHUNK)):
                _count(chunk, counts, codes, examples)
                tables = rows.tables(chunk, skip=seen)
                tables["link_features"] = _link_features(tables)
                seen.update(r.article.id for r in chunk if r.article is not None)
                for name, table in tables.items():
                    if table.num_rows:
                        writers[name].write_table(table)
        finally:
            for w in writers.values():
                w.close()
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)  # a failed attempt (a full disk, say) leaves no half shard
        raise
    if not tmp.is_dir():  # swept by a later run that found this partition finished: leave its shard be
        raise FileNotFoundError(f"the shard being written in {tmp} was removed")
    shutil.rmtree(final, ignore_errors=True)  # a shard without marker is from a killed attempt
    os.replace(tmp, final)
    info = counts | {
        "failure_codes": codes,
        "failure_examples": examples,
        "id": part.id,
        "label": part.label,
        "db": db_tag,
        "reading": how,
        "shard": uuid.uuid4().hex,  # this shard, not one made before or after it (`load.load_shards`)
        "seconds": round(time.perf_counter() - t0, 3),
        "cpu_seconds": round(time.process_time() - c0, 3),  # below `seconds`: the worker waited for a core
        "pid": os.getpid(),
        "host": socket.gethostname(),  # where the shard was written (the driver checks it can see it)
        "peak_mb": peak_mb(),
    }
    m = marker(out, part.id)
    m.parent.mkdir(parents=True, exist_ok=True)
    mtmp = m.with_name(f".{m.name}.{os.getpid()}.tmp")
    mtmp.write_text(json.dumps(info), encoding="utf-8")
    os.replace(mtmp, m)
    return info


def _link_features(tables: dict[str, Any]):  # -> pa.Table
    """The chunk's link features; none when computing them fails (the link computes them then, and
    says what is wrong there): the articles themselves must not be lost with them."""
    from sitroom.link.stored import LINK_FEATURES, table_features

    try:
        return table_features(tables)
    except Exception:  # noqa: BLE001 - left to the link, where a failure stops the link, not the parse
        return LINK_FEATURES.empty_table()


EXAMPLES = 3  # failure messages a done marker keeps


def _count(
    chunk: list[ArticleResult], counts: dict[str, int], codes: dict[str, int], examples: list[str]
) -> None:
    for r in chunk:
        counts["articles"] += r.article is not None
        counts["failed"] += bool(r.failures)
        for f in r.failures:
            codes[f.code] = codes.get(f.code, 0) + 1
            if len(examples) < EXAMPLES:
                examples.append(f"{f.code} {f.source}: {f.message}")
        counts["events"] += len(r.events)
