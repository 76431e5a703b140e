"""`sitroom batch`: many inputs → Parquet shards → the store, on local processes or Dask."""

from __future__ import annotations

import sys
from typing import Annotated

import typer

from sitroom.cli.common import DateOrderOpt, DbOpt, app, err, esc, guarded, parse_published, settings_for
from sitroom.errors import UsageError


@app.command()
@guarded
def batch(
    paths: Annotated[
        list[str], typer.Argument(help="files, folders, globs, URLs (JSONL/CSV/WARC/HTML/text)")
    ],
    out: Annotated[
        str, typer.Option("--out", help="work folder: manifest, shards, done markers, gzip seek points")
    ],
    engine: Annotated[str, typer.Option(help="local | dask")] = "local",
    scheduler: Annotated[
        str | None,
        typer.Option(
            help="Dask scheduler, e.g. tcp://HOST:8786 (default: a local cluster); its workers need "
            "sitroom installed and the inputs and --out on a filesystem they share with this machine "
            "(checked before the run)"
        ),
    ] = None,
    workers: Annotated[int, typer.Option(help="worker processes (local engine or local Dask cluster)")] = 1,
    db: DbOpt = None,
    published: Annotated[str | None, typer.Option(help="publication date YYYY-MM-DD for every input")] = None,
    mapping: Annotated[
        str | None, typer.Option("--map", help="column mapping for CSV/JSONL, e.g. text=body,published=date")
    ] = None,
    date_order: DateOrderOpt = None,
    partition_mb: Annotated[
        float | None,
        typer.Option(help="MB of input per partition (default 4, less so that each worker gets ~8)"),
    ] = None,
    cascade: Annotated[
        bool | None,
        typer.Option("--cascade/--no-cascade", help="parse only sentences that can hold an event"),
    ] = None,
) -> None:
    """Process many inputs in parallel into the store; a re-run resumes where the last one stopped."""
    from rich.console import Console

    from sitroom.batch import engines, run_batch

    if partition_mb is not None and not partition_mb > 0:
        raise UsageError(f"--partition-mb must be more than 0, got {partition_mb}")
    settings = settings_for(db)
    if cascade is not None:
        settings = settings.with_(cascade=cascade)
    console = Console(stderr=True)
    cores = engines.cpu_count()
    if scheduler is None and workers > cores:  # each worker holds its own model (~0.5 GB) and wants a core
        console.print(
            f"note: --workers {workers} on {cores} CPU cores: more workers than cores adds memory "
            "(~0.5 GB each), not speed"
        )
    stats = {"articles": 0, "words": 0, "events": 0}
    with progress_line(console) as progress:
        # planning reads big inputs once (cut points, gzip seek points): say so until the run starts
        task = progress.add_task("planning", total=None, stats="")

        def on(kind: str, info: dict) -> None:
            if kind == "start":
                progress.update(
                    task, total=info["todo"], description="batch" if engine == "local" else engine
                )
                if info["todo"] < info["partitions"]:
                    done = info["partitions"] - info["todo"]
                    progress.console.print(f"resuming: {done} of {info['partitions']} partitions done")
            elif kind == "done":
                for k in stats:
                    stats[k] += int(info.get(k, 0))
                secs = max(progress.tasks[0].elapsed or 0.0, 1e-9)
                line = (
                    f"· {stats['articles']:,} articles · {stats['articles'] / secs:.1f}/s · "
                    f"{stats['words'] / secs:,.0f} words/s"
                )
                progress.update(task, advance=1, stats=line)
            elif kind == "failed":
                progress.advance(task)
                err(f"partition {info['label']}: {info['error']}")
            elif kind == "redo":  # a shard of an earlier run that cannot be read: its partition runs again
                err(f"partition {info['id']}: {info['error']}")
            elif kind == "link":
                progress.update(task, stats="· linking stories")
            elif kind == "linking":  # as the link starts, and after each of its batches of up to 5,000
                progress.update(task, stats=f"· linking stories: {info['placed']:,} of {info['todo']:,}")

        report = run_batch(
            paths,
            out,
            engine=engine,
            workers=workers,
            scheduler=scheduler,
            db=settings.db,
            settings=settings,
            published=parse_published(published),
            mapping=mapping,
            date_order=date_order,
            target_bytes=None if partition_mb is None else max(1, int(partition_mb * 1_000_000)),
            on_progress=on,
        )
    secs = max(report.seconds, 1e-9)
    peak = max(report.peak_mb.values(), default=0)
    linked = "" if report.linked is None else f", {report.linked} linked into stories"
    print(
        f"{report.ran} partitions run, {report.skipped} already done, "
        f"{len(report.failed_partitions)} failed; "
        f"{report.articles} articles ({report.known} already stored, {report.failed} with failures), "
        f"{report.events} events; stored {report.new} new articles, {report.stored_events} events{linked}; "
        f"{report.articles / secs:.1f} articles/s, {report.words / secs:,.0f} words/s, "
        f"peak {peak} MB per worker, {report.seconds:.1f} s",
        file=sys.stdout,
    )
    if report.failure_codes:
        err(f"inputs that failed, by code: {esc(_by_code(report.failure_codes))}; for example:")
        for line in report.failure_examples:
            err(f"  {esc(line)}")
        err(f"all of them, with reasons: sitroom db failures --db {esc(settings.db)}")
    if report.earlier_failed:
        codes = esc(_by_code(report.earlier_codes))
        err(
            f"{report.earlier_failed} input(s) failed in partitions an earlier run finished (by code: "
            f"{codes}); with reasons: sitroom db failures --db {esc(settings.db)}"
        )
    if report.failed_partitions:
        err(f"failed partitions: {esc(', '.join(report.failed_partitions))} (re-run to retry them)")
    if not report.ok:
        raise typer.Exit(1)


def _by_code(codes: dict[str, int]) -> str:
    """ "E_EMPTY 3, E_JSON 1": most frequent first."""
    return ", ".join(f"{c} {n}" for c, n in sorted(codes.items(), key=lambda x: (-x[1], x[0])))


def progress_line(console):
    """The run's one progress line; it fits 80 columns: the bar takes what the text leaves."""
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    return Progress(
        TextColumn("{task.description}"),
        BarColumn(bar_width=None),
        MofNCompleteColumn(),  # partitions done / to do
        TextColumn("{task.fields[stats]}"),
        TimeElapsedColumn(),
        console=console,
        transient=True,
        expand=True,
    )
