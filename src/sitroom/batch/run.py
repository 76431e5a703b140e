"""`run_batch`: plan partitions, run the unfinished ones on an engine, load finished shards into the
store as they arrive (this process is the only writer), then link stories.

Resumable at two levels: a partition with a done marker (for this database) is not run again, and
a worker skips articles the store already held when the run started (`known_ids.npy`)."""

from __future__ import annotations

import contextlib
import os
import socket
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sitroom.batch import engines
from sitroom.batch.load import ShardUnreadable, link, load_shards
from sitroom.batch.manifest import Manifest, Partition, plan
from sitroom.batch.work import (
    DONE,
    SHARDS,
    finished,
    half_shards,
    is_done,
    reading,
    save_known,
    warm_gazetteer,
)
from sitroom.config import Settings, load
from sitroom.errors import UsageError
from sitroom.records import ArticleResult, Failure, Stage

ENGINES = ("local", "dask")
LOAD_CHECKPOINT = "256MB"  # DuckDB log size that makes the loading writer checkpoint
E_PARTITION = "E_PARTITION"
EXAMPLES = 5  # failure messages the report keeps for the console
VISIBLE_WAIT = 30.0  # seconds a finished partition's shard may take to show on a shared filesystem
GZ_INDEX = "gzindex"  # seek points of the gzipped inputs that are cut (`ingest.gzindex`)


@dataclass(slots=True)
class BatchReport:
    partitions: int = 0
    skipped: int = 0  # finished in an earlier run
    ran: int = 0
    failed_partitions: list[str] = field(default_factory=list)
    articles: int = 0  # processed in this run
    known: int = 0  # skipped: already in the store
    failed: int = 0  # inputs with a failure
    events: int = 0
    words: int = 0
    new: int = 0  # articles newly stored
    stored_events: int = 0
    linked: int | None = None  # articles placed in stories (None: no link stage)
    seconds: float = 0.0
    peak_mb: dict[int, int] = field(default_factory=dict)  # worker pid -> peak RSS
    failure_codes: dict[str, int] = field(default_factory=dict)  # inputs failed this run, by code
    failure_examples: list[str] = field(default_factory=list)  # a few of their messages
    # Inputs that failed in the partitions an earlier run finished (skipped in this one), by code: a
    # resumed run ends as the whole run would have, naming its failed inputs and exiting 1.
    earlier_failed: int = 0
    earlier_codes: dict[str, int] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return not self.failed_partitions and not self.failed and not self.earlier_failed


# (kind, info) as the run goes: start, done / failed (a partition), redo (an unreadable shard of an
# earlier run), link (loading is over), linking (as the link starts and after each of its batches: placed
# and todo articles)
Progress = Callable[[str, dict[str, Any]], None]


class ShardNotVisible(RuntimeError):
    """A worker reported a partition done, but its shard or marker is not where this process looks
    (a remote worker wrote to a folder of its own): the partition failed, it is not silently empty."""


def _check(engine: str, workers: int) -> None:
    if engine not in ENGINES:
        raise UsageError(f"unknown engine {engine!r}; choose one of: {', '.join(ENGINES)}")
    if workers < 1:
        raise UsageError(f"--workers must be at least 1, got {workers}")


def run_batch(
    inputs: Iterable[str],
    out: str | Path,
    *,
    engine: str = "local",
    workers: int = 1,
    scheduler: str | None = None,
    db: str | None = None,
    settings: Settings | None = None,
    published: str | None = None,
    mapping: str | None = None,
    date_order: str | None = None,
    target_bytes: int | None = None,
    on_progress: Progress | None = None,
) -> BatchReport:
    """Process inputs into Parquet shards under `out` and load them into the store `db`.
    `target_bytes` of input per partition: by default 4 MB, less when that would leave workers idle.
    One run at a time per `out` (`claim`)."""
    _check(engine, workers)
    if engine == "dask" and not engines.dask_available():
        raise engines.DaskMissing(
            f"--engine dask needs dask.distributed, which is not installed: {engines.DASK_HINT}"
        )
    if mapping:
        from sitroom.ingest.tabular import parse_mapping

        parse_mapping(mapping)  # a malformed --map is the user's to fix, not one failure per partition
    from sitroom.ingest.dates import check_date_order

    date_order = check_date_order(date_order)
    settings = settings or load()
    _check_model(settings.model)
    out = _work_folder(Path(out))
    inputs = tuple(inputs)
    _not_an_input(out, inputs)
    with claim(out):
        return _run(
            inputs,
            out,
            engine=engine,
            workers=workers,
            scheduler=scheduler,
            db_path=db or settings.db,
            settings=settings,
            published=published,
            mapping=mapping,
            date_order=date_order,
            target_bytes=target_bytes,
            note=on_progress or (lambda kind, info: None),
        )


def _not_an_input(out: Path, inputs: tuple[str, ...]) -> None:
    """--out may lie inside an input folder (walks leave it out), but not be one: its manifest and
    markers would sit among the articles and be read as articles by every re-run."""
    here = os.path.realpath(out)
    for src in inputs:
        if "://" not in src and os.path.isdir(src) and os.path.realpath(src) == here:
            raise UsageError(
                f"--out {out} is the input folder {src}; give a folder of its own (inside it is fine, "
                f"e.g. {os.path.join(src, 'work')})"
            )


def _work_folder(out: Path) -> Path:
    """`out`, made if missing; a clear error when it cannot be a folder."""
    if out.exists() and not out.is_dir():
        raise UsageError(f"--out {out} is a file; give a folder (it holds the manifest, shards and markers)")
    try:
        out.mkdir(parents=True, exist_ok=True)
    except OSError as e:
        raise UsageError(f"cannot make the --out folder {out}: {e.strerror or e}") from None
    return out


LOCK = ".lock"


@contextlib.contextmanager
def claim(out: Path) -> Iterator[None]:
    """Hold `out` for this run: a second `sitroom batch` on the same folder (even for another database)
    would replace this run's done markers with its own, and the shards this run's workers made would
    never be loaded. An advisory lock (`flock`) that the system drops when the process ends, killed or
    not; where there is none (Windows, a filesystem without locks), runs are not checked."""
    try:
        import fcntl
    except ImportError:
        yield
        return
    out.mkdir(parents=True, exist_ok=True)
    with open(out / LOCK, "a+", encoding="utf-8") as f:
        try:
            fcntl.flock(f, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:  # held: EWOULDBLOCK
            f.seek(0)
            who = f.read().strip() or "another process"
            raise UsageError(
                f"{out} is in use by another sitroom batch run ({who}); wait for it to end, or give "
                "this run another --out"
            ) from None
        except OSError:  # a filesystem without locks (some FUSE mounts): run unchecked, as before
            yield
            return
        f.seek(0)
        f.truncate()
        f.write(f"pid {os.getpid()} on {socket.gethostname()}")
        f.flush()
        try:
            yield
        finally:
            f.truncate(0)


# One `ingested_at` for every article a run stores, kept in its manifest until the run has ended whole
# (a re-run that resumes a killed one takes it again). The link orders articles of one published time by
# ingestion, and loads finish in whatever order the workers do: with each load stamped on its own,
# two runs of the same inputs (or one with 1 worker, one with 2) could make different stories.
STAMP, COMPLETE = "ingested_at", "complete"


def run_stamp(before: Manifest | None) -> datetime:
    """The run's stamp (naive UTC, as the store keeps it): that of the earlier unfinished run on these
    inputs, else now."""
    if before is not None and not before.options.get(COMPLETE):
        try:
            return datetime.fromisoformat(before.options[STAMP])
        except (KeyError, TypeError, ValueError):  # a plan written before stamps, or not by us
            pass
    return datetime.now(UTC).replace(tzinfo=None, microsecond=0)


def _run(
    inputs: tuple[str, ...],
    out: Path,
    *,
    engine: str,
    workers: int,
    scheduler: str | None,
    db_path: str,
    settings: Settings,
    published: str | None,
    mapping: str | None,
    date_order: str | None,
    target_bytes: int | None,
    note: Progress,
) -> BatchReport:
    from sitroom.store import open_store

    t0 = time.perf_counter()

    if engine == "local":
        _sweep(out)
    before = _earlier_plan(out, inputs)
    if target_bytes is None and before is not None:
        target_bytes = before.options.get("target_bytes")
    slots = engines.dask_slots(scheduler, workers) if engine == "dask" else workers
    manifest = plan(
        inputs, target_bytes=target_bytes, workers=slots, index_dir=out / GZ_INDEX, earlier=before, skip=out
    )
    stamp = run_stamp(before)
    manifest.options[STAMP] = stamp.isoformat()
    manifest.save(out)
    report = BatchReport(partitions=len(manifest.partitions))
    how = reading(published, mapping, date_order)
    with open_store(db_path) as store:  # migrate, read known ids, load leftovers of a killed run
        tag = store.identity()
        _load(
            store,
            out,
            manifest,
            report,
            how,
            stamp,
            on_unreadable=lambda pid, e: note("redo", {"id": pid, "error": str(e)}),
        )
        save_known(out, [r[0] for r in store.con.execute("SELECT id FROM articles").fetchall()])
    done = {p.id: m for p in manifest.partitions if (m := _done_marker(out, p.id, tag, how)) is not None}
    todo = [p for p in manifest.partitions if p.id not in done]
    if engine == "dask" or workers > 1:
        todo = largest_first(todo)
    report.skipped = len(manifest.partitions) - len(todo)
    _earlier_failures(done.values(), report)
    note(
        "start",
        {"partitions": len(manifest.partitions), "todo": len(todo), "bytes": sum(p.size for p in todo)},
    )
    kw = {"published": published, "mapping": mapping, "date_order": date_order, "db_tag": tag}
    if todo and workers > 1 and (engine == "local" or scheduler is None):
        # built here when missing, before the workers start: each would build its own at once (~30 CPU-s)
        warm_gazetteer(settings)
    if engine == "dask":
        outcomes = engines.run_dask(todo, out, settings, workers=workers, scheduler=scheduler, **kw)
    elif workers == 1:
        outcomes = engines.run_inline(todo, out, settings, **kw)
    else:
        outcomes = engines.run_pool(todo, out, settings, workers=workers, **kw)
    failures: list[Failure] = []
    labels = {p.id: p.label for p in manifest.partitions}

    def fail(pid: str, e: BaseException) -> None:
        report.failed_partitions.append(pid)
        label, error = labels.get(pid, pid), f"{type(e).__name__}: {e}"
        failures.append(
            Failure(
                source=label, stage=Stage.STORE, code=E_PARTITION, message=f"partition {pid} failed: {error}"
            )
        )
        note("failed", {"id": pid, "label": label, "error": error})

    with open_store(db_path) as store:
        # one checkpoint when the run ends rather than one per 16 MB of log mid-load: less work, and a
        # file about half the size (checkpoints during a bulk load leave it fragmented)
        store.con.execute(f"SET checkpoint_threshold = '{LOAD_CHECKPOINT}'")
        for pid, got in outcomes:
            if isinstance(got, BaseException):
                fail(pid, got)
                continue
            if not _visible(out, pid):
                fail(
                    pid,
                    ShardNotVisible(
                        f"the worker on {got.get('host', '?')} finished it, but its shard is not in "
                        f"{out.absolute()} as this machine sees it: the workers and this machine must share "
                        "--out (the same path on a shared filesystem)"
                    ),
                )
                continue
            try:
                _load(store, out, manifest, report, how, stamp, only=[pid])
            except ShardUnreadable as e:  # damaged on disk: its marker is gone, a re-run redoes it
                fail(pid, e)
                continue
            report.ran += 1
            for k in ("articles", "known", "failed", "events", "words"):
                setattr(report, k, getattr(report, k) + int(got.get(k, 0)))
            for code, n in got.get("failure_codes", {}).items():
                report.failure_codes[code] = report.failure_codes.get(code, 0) + int(n)
            report.failure_examples += got.get("failure_examples", [])[
                : EXAMPLES - len(report.failure_examples)
            ]
            pid_w = int(got.get("pid", 0))
            report.peak_mb[pid_w] = max(report.peak_mb.get(pid_w, 0), int(got.get("peak_mb", 0)))
            note("done", got)
        _load(store, out, manifest, report, how, stamp, on_unreadable=fail)
        _retried(store, out, manifest, tag, how, failed=report.failed_partitions)
        if failures:
            store.write([ArticleResult(article=None, failures=(f,)) for f in failures])
        note("link", {})
        report.linked = link(
            store, on_batch=lambda placed, todo: note("linking", {"placed": placed, "todo": todo})
        )
    if engine == "dask":
        _sweep(out, done_only=True)
    if not report.failed_partitions:
        # the run is whole (its failed inputs are recorded for good): a later run on these inputs
        # stores what it finds new under a stamp of its own
        manifest.options[COMPLETE] = True
        manifest.save(out)
    report.seconds = round(time.perf_counter() - t0, 3)
    return report


def _sweep(out: Path, *, done_only: bool = False) -> None:
    """Remove the half-written shard folders of workers killed in earlier runs (`.ID.PID.tmp`): at the
    start of a local run all of them (this run holds the folder, and its workers have not started);
    with `done_only`, those of finished partitions only, whose shards are in place: all a Dask run may
    remove, at its end, for a task of a run that was stopped may still be writing one (the task then
    fails before it touches the finished shard; see `work.process_partition`)."""
    import shutil

    for pid, d in half_shards(out):
        if not done_only or is_done(out, pid):
            shutil.rmtree(d, ignore_errors=True)


def _earlier_plan(out: Path, inputs: tuple[str, ...]) -> Manifest | None:
    """The plan of an earlier run on the same inputs in this folder: its partition size, so that a
    re-run with another worker count still finds its finished partitions, and its cuts of big files
    that have not changed since (None: no such run)."""
    try:
        before = Manifest.load(out)
    except (OSError, ValueError, KeyError, TypeError):  # none yet, or not ours: plan afresh
        return None
    ok = before.inputs == inputs and isinstance(before.options.get("target_bytes"), int)
    return before if ok else None


def largest_first(todo: list[Partition]) -> list[Partition]:
    """Partitions by size, largest first (stable): with several workers, a big partition handed out
    last keeps one worker busy while the others wait; small ones last even out the finish."""
    return sorted(todo, key=lambda p: -p.size)


def _check_model(model: str) -> None:
    """A missing model is an environment problem for the whole run, not a failure per partition."""
    import importlib.util

    from sitroom.errors import ModelNotInstalled
    from sitroom.nlp.pipeline import INSTALL_HINT

    if os.path.exists(model) or importlib.util.find_spec(model) is not None:
        return
    raise ModelNotInstalled(f"spaCy model {model!r} is not installed. Install it with: {INSTALL_HINT}")


def _visible(out: Path, pid: str, wait: float | None = None) -> bool:
    """Whether a partition a worker reported done has its shard and marker here. On a shared network
    filesystem another machine's new files can take a while to show (NFS caches directory lookups):
    look again, listing the folders, for up to `wait` seconds before calling it missing."""
    deadline = time.monotonic() + (VISIBLE_WAIT if wait is None else wait)
    pause = 0.05
    while not is_done(out, pid):
        if time.monotonic() >= deadline:
            return False
        time.sleep(pause)
        pause = min(pause * 2, 2.0)
        for d in (out / DONE, out / SHARDS):  # reading a directory makes an NFS client look again
            with contextlib.suppress(OSError):
                os.listdir(d)
    return True


def _retried(store, out: Path, manifest: Manifest, tag: str, how: dict, failed: list[str]) -> None:
    """Drop the `E_PARTITION` failures an earlier run recorded for partitions that are done and loaded
    now: a re-run retried them, and what they hold is stored (or recorded as its own failures). Left
    in place, `sitroom db failures` would go on naming a partition as failed."""
    from sitroom.store.rows import failure_id

    bad = {p.label for p in manifest.partitions if p.id in failed}
    ids = [
        failure_id(p.label, E_PARTITION)
        for p in manifest.partitions
        if p.label not in bad and _done_for(out, p.id, tag, how)
    ]
    if ids:
        store.con.execute("DELETE FROM failures WHERE list_contains(?, id)", [ids])


def _earlier_failures(markers: Iterable[dict], report: BatchReport) -> None:
    """Count the failed inputs of partitions finished before this run (from their done markers)."""
    for m in markers:
        report.earlier_failed += int(m.get("failed", 0))
        for code, n in (m.get("failure_codes") or {}).items():
            report.earlier_codes[code] = report.earlier_codes.get(code, 0) + int(n)


def _done_marker(out: Path, pid: str, tag: str, how: dict) -> dict | None:
    """The done marker of a partition finished for this store and read `how`, with its shard in place."""
    return finished(out, pid, tag, how) if is_done(out, pid) else None


def _done_for(out: Path, pid: str, tag: str, how: dict) -> bool:
    return _done_marker(out, pid, tag, how) is not None


def _load(
    store,
    out: Path,
    manifest: Manifest,
    report: BatchReport,
    how: dict,
    stamp: datetime,
    only: list[str] | None = None,
    on_unreadable: Callable[[str, ShardUnreadable], None] | None = None,
) -> None:
    """Load the done shards read `how` (of `only`, or all), their articles stamped `stamp`."""
    pids = only if only is not None else [p.id for p in manifest.partitions]
    counts = load_shards(store, out, pids, on_unreadable=on_unreadable, how=how, ingested_at=stamp)
    report.new += counts.new
    report.stored_events += counts.events
