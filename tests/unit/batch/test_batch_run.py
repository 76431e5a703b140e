"""The batch engine gives exactly the events of `process_articles`, on every engine, and resumes."""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import duckdb
import pytest

from sitroom.batch import engines, run_batch
from sitroom.batch.work import reading
from sitroom.config import load
from sitroom.errors import UsageError
from sitroom.ingest import read
from sitroom.pipeline import process_articles
from sitroom.store.rows import dumps

EXAMPLES = Path(__file__).resolve().parents[3] / "examples"
SMALL = 2_500  # bytes per partition: the examples become several partitions, wire.jsonl is cut

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def expected() -> dict[str, str]:
    results = list(process_articles(read([str(EXAMPLES)]), load()))
    assert not any(r.failures for r in results)
    return {e.id: dumps(e) for r in results for e in r.events}


def stored(db: Path) -> dict[str, str]:
    with duckdb.connect(str(db), read_only=True) as con:
        return dict(con.execute("SELECT id, record FROM events").fetchall())


def counts(db: Path) -> tuple[int, ...]:
    with duckdb.connect(str(db), read_only=True) as con:
        return tuple(
            con.execute(f"SELECT count(*) FROM {t}").fetchone()[0]
            for t in ("articles", "events", "places", "actors", "failures")
        )


def run(tmp: Path, **kw):
    return run_batch([str(EXAMPLES)], tmp / "work", db=str(tmp / "db.duckdb"), target_bytes=SMALL, **kw)


@pytest.mark.parametrize("workers", [1, 2])
def test_local_engine_gives_the_same_events(tmp_path, expected, workers):
    notes: list[tuple[str, dict]] = []
    rep = run(tmp_path, workers=workers, on_progress=lambda kind, info: notes.append((kind, info)))
    assert rep.ok and rep.partitions >= 4 and rep.ran == rep.partitions
    assert [info for kind, info in notes if kind == "linking"] == [
        {"placed": 0, "todo": 11},
        {"placed": 11, "todo": 11},
    ]
    assert rep.articles == 11 and rep.new == 11
    assert stored(tmp_path / "db.duckdb") == expected
    if workers == 2:
        assert 1 <= len(rep.peak_mb) <= 2  # worker processes, not this one (a slow starter may get none)
        assert max(rep.peak_mb.values()) < 1024


def test_resume_after_a_lost_marker_and_a_half_written_shard(tmp_path, expected):
    first = run(tmp_path, workers=1)
    before = counts(tmp_path / "db.duckdb")
    work = tmp_path / "work"
    markers = sorted((work / "done").glob("*.json"))
    markers[0].unlink()  # a killed worker never wrote it
    (work / "shards" / markers[1].stem / "events.parquet").unlink()
    (work / "done" / markers[1].name).unlink()  # a shard without marker is redone, never trusted
    (work / "shards" / f".{markers[0].stem}.99999.tmp").mkdir()  # a worker killed mid-shard
    again = run(tmp_path, workers=1)
    assert not list((work / "shards").glob(".*.tmp"))  # swept: this run holds the folder
    assert again.ran == 2 and again.skipped == first.partitions - 2
    assert again.articles == 0 and again.known >= 2  # articles already stored are not parsed again
    assert again.new == 0
    assert counts(tmp_path / "db.duckdb") == before
    assert stored(tmp_path / "db.duckdb") == expected
    third = run(tmp_path, workers=1)
    assert third.ran == 0 and third.skipped == first.partitions


def test_a_rerun_with_more_workers_keeps_the_first_runs_partitions(tmp_path, expected, monkeypatch):
    from sitroom.batch import manifest

    monkeypatch.setattr(manifest, "MIN_TARGET", 1_000)  # the examples would be cut for 2 workers
    args = ([str(EXAMPLES)], tmp_path / "work")
    first = run_batch(*args, db=str(tmp_path / "db.duckdb"), workers=1)
    assert first.partitions == 1  # one worker, 30 KB: one partition of at most 4 MB
    again = run_batch(*args, db=str(tmp_path / "db.duckdb"), workers=2)
    assert again.partitions == 1 and again.skipped == 1 and again.ran == 0
    fresh = run_batch(args[0], tmp_path / "work2", db=str(tmp_path / "fresh.duckdb"), workers=2)
    assert fresh.partitions > 4  # a new work folder: planned for its 2 workers
    assert stored(tmp_path / "fresh.duckdb") == expected


def test_a_database_made_again_at_the_same_path_gets_every_article(tmp_path, expected):
    """Its markers name the first database: the partitions run again for the new one (they were
    taken for loaded, and the new database stayed empty)."""
    run(tmp_path, workers=1)
    (tmp_path / "db.duckdb").unlink()
    again = run(tmp_path, workers=1)
    assert again.ok and again.skipped == 0 and again.ran == again.partitions and again.new == 11
    assert stored(tmp_path / "db.duckdb") == expected


def test_another_database_on_the_same_work_folder_gets_every_article(tmp_path, expected):
    """The first database held articles when its run started, so its shards lack them: those shards
    are not loaded into the second database; its own partitions are."""
    first = list(process_articles(read([str(EXAMPLES / "wire.jsonl")]), load()))
    from sitroom.store import open_store

    with open_store(tmp_path / "a.duckdb") as st:
        st.write(first)
    a = run_batch([str(EXAMPLES)], tmp_path / "work", db=str(tmp_path / "a.duckdb"), target_bytes=SMALL)
    assert a.known == len(first) and a.new == 11 - len(first)
    b = run_batch([str(EXAMPLES)], tmp_path / "work", db=str(tmp_path / "b.duckdb"), target_bytes=SMALL)
    assert b.ok and b.ran == b.partitions and b.new == 11
    assert stored(tmp_path / "b.duckdb") == expected


def test_a_damaged_shard_of_an_earlier_run_is_made_again(tmp_path, expected):
    events: list[tuple[str, dict]] = []
    first = run(tmp_path, workers=1)
    work = tmp_path / "work"
    pid = sorted((work / "done").glob("*.json"))[0].stem
    (work / "loaded" / f"{pid}.json").unlink()  # killed before the writer loaded it ...
    (work / "shards" / pid / "events.parquet").write_bytes(b"PAR1 cut short")  # ... and the disk lost its end
    again = run(tmp_path, workers=1, on_progress=lambda kind, info: events.append((kind, info)))
    redo = [info for kind, info in events if kind == "redo"]
    assert [r["id"] for r in redo] == [pid] and "cannot be read" in redo[0]["error"]
    assert again.ok and again.ran == 1 and again.skipped == first.partitions - 1  # no crash: it ran again
    assert stored(tmp_path / "db.duckdb") == expected
    assert (work / "loaded" / f"{pid}.json").exists()


def test_a_shard_that_cannot_be_read_when_it_arrives_fails_its_partition(tmp_path, expected, monkeypatch):
    real = engines.run_inline

    def damaging(todo, out, settings, **kw):
        for pid, got in real(todo, out, settings, **kw):
            if pid == todo[0].id:
                (out / "shards" / pid / "articles.parquet").write_bytes(b"not parquet")
            yield pid, got

    monkeypatch.setattr(engines, "run_inline", damaging)
    rep = run(tmp_path, workers=1)
    assert len(rep.failed_partitions) == 1 and rep.ran == rep.partitions - 1
    with duckdb.connect(str(tmp_path / "db.duckdb"), read_only=True) as con:
        (msg,) = con.execute("SELECT message FROM failures WHERE code = 'E_PARTITION'").fetchone()
    assert "ShardUnreadable" in msg and "runs again" in msg
    monkeypatch.undo()
    again = run(tmp_path, workers=1)
    assert again.ok and again.ran == 1
    assert stored(tmp_path / "db.duckdb") == expected


def test_a_partition_that_a_rerun_retried_is_no_longer_a_failure(tmp_path, expected, monkeypatch):
    """The first run records the failed partition (`E_PARTITION`: re-run to retry it); once a re-run
    has stored what it holds, `sitroom db failures` must not go on naming it."""
    real = engines.process_partition
    broken: list[str] = []

    def flaky(p, out, settings, **kw):
        if broken in ([], [p.id]):  # the first partition run, every time it runs
            broken[:] = [p.id]
            raise OSError("No space left on device")
        return real(p, out, settings, **kw)

    monkeypatch.setattr(engines, "process_partition", flaky)
    first = run(tmp_path, workers=1)
    assert first.failed_partitions == broken
    assert counts(tmp_path / "db.duckdb")[-1] == 1  # the E_PARTITION failure
    monkeypatch.undo()
    again = run(tmp_path, workers=1)
    assert again.ok and again.ran == 1
    assert stored(tmp_path / "db.duckdb") == expected
    assert counts(tmp_path / "db.duckdb")[-1] == 0


def stamps(db: Path) -> set[str]:
    with duckdb.connect(str(db), read_only=True) as con:
        return {
            r[0] for r in con.execute("SELECT DISTINCT CAST(ingested_at AS VARCHAR) FROM articles").fetchall()
        }


def test_a_run_stamps_its_articles_once_and_a_resumed_run_keeps_the_stamp(tmp_path, monkeypatch):
    real = engines.process_partition
    calls: list[str] = []

    def first_fails(p, out, settings, **kw):
        calls.append(p.id)
        if len(calls) == 1:
            raise OSError("No space left on device")
        return real(p, out, settings, **kw)

    monkeypatch.setattr(engines, "process_partition", first_fails)
    first = run(tmp_path, workers=1)
    assert len(first.failed_partitions) == 1
    (stamp,) = stamps(tmp_path / "db.duckdb")  # one for every load of the run
    monkeypatch.undo()
    again = run(tmp_path, workers=1)  # resumes the unfinished run: its articles are of that run
    assert again.ok and again.ran == 1
    assert stamps(tmp_path / "db.duckdb") == {stamp}
    later = run(tmp_path, workers=1)  # after a whole run: a stamp of its own (nothing new to store here)
    assert later.ok and later.ran == 0
    assert json.loads((tmp_path / "work" / "manifest.json").read_text())["options"]["ingested_at"] > stamp


def test_stories_do_not_depend_on_which_shard_loaded_first(tmp_path):
    """Copies of one published time in different partitions: which is the origin must not depend on
    the order the writer loaded their shards (1 worker: plan order; 2: as they finish)."""
    texts = [p.read_text(encoding="utf-8") for p in sorted(EXAMPLES.glob("*.txt"))]
    src = tmp_path / "in"
    src.mkdir()
    for name, batch in (("a", texts), ("b", texts[::-1])):
        with open(src / f"{name}.jsonl", "w", encoding="utf-8") as f:
            for i, t in enumerate(batch):
                tail = "" if name == "a" else "\n\nMore to follow."
                f.write(json.dumps({"id": f"{name}{i}", "text": t + tail, "published": "2024-05-03"}) + "\n")
    links = {}
    for w in (1, 2):
        db = tmp_path / f"{w}.duckdb"
        rep = run_batch([str(src)], tmp_path / f"work{w}", db=str(db), workers=w, target_bytes=SMALL)
        assert rep.ok and rep.partitions >= 4
        assert len(stamps(db)) == 1
        with duckdb.connect(str(db), read_only=True) as con:
            links[w] = con.execute(
                "SELECT article_id, story_id, relation, derived_from FROM story_articles ORDER BY article_id"
            ).fetchall()
    assert len(links[1]) == 2 * len(texts)
    assert {r[2] for r in links[1]} >= {"origin", "copy"}
    assert links[1] == links[2]


def test_a_rerun_with_a_corrected_column_mapping_reads_the_inputs_again(tmp_path):
    """The first run named a column the table does not have: every row failed. Run again with the
    right `--map` on the same `--out`: the partitions are read again, not taken for done."""
    table = tmp_path / "news.csv"
    table.write_text(
        "title,body,date\n"
        '"Drills","Chinese warships and aircraft surrounded Taiwan on Monday, the defence ministry said.",'
        "2024-05-03\n",
        encoding="utf-8",
    )
    args = ([str(table)], tmp_path / "work")
    db = str(tmp_path / "db.duckdb")
    wrong = run_batch(*args, db=db, mapping="text=content")
    assert wrong.ran == 1 and wrong.failed == 1 and wrong.new == 0
    assert (
        wrong.failure_codes == {"E_RECORD": 1}
        and "['content'] not in the header" in wrong.failure_examples[0]
    )
    right = run_batch(*args, db=db, mapping="text=body,published=date")
    assert right.skipped == 0 and right.ran == 1 and right.failed == 0 and right.new == 1
    same = run_batch(*args, db=db, mapping="text=body,published=date")
    assert same.skipped == 1 and same.ran == 0  # read the same way: done
    with duckdb.connect(db, read_only=True) as con:
        assert con.execute("SELECT published FROM articles").fetchall() == [("2024-05-03",)]


def test_a_resumed_run_reports_the_failed_inputs_of_partitions_done_before(tmp_path):
    """Run, then run again on the same --out: nothing is read again, and the re-run still says that
    two inputs failed (as the whole run did), so its outcome does not depend on having been resumed."""
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "good.txt").write_text(
        "Chinese warships and aircraft surrounded Taiwan on Monday, the defence ministry said.\n"
    )
    (tmp_path / "in" / "empty.txt").write_text("")
    (tmp_path / "in" / "bad.jsonl").write_text('{"text": "Troops moved."}\n{oops\n')
    args = ([str(tmp_path / "in")], tmp_path / "work")
    db = str(tmp_path / "db.duckdb")
    first = run_batch(*args, db=db, target_bytes=1)
    assert first.failed == 2 and not first.ok and first.earlier_failed == 0
    again = run_batch(*args, db=db, target_bytes=1)
    assert again.ran == 0 and again.skipped == first.partitions and again.failed == 0
    assert again.earlier_failed == 2 and again.earlier_codes == first.failure_codes and not again.ok


@pytest.mark.parametrize(("workers", "built"), [(1, []), (2, ["gazetteer", "pool"])])
def test_the_driver_builds_the_gazetteer_before_its_workers_start(tmp_path, monkeypatch, workers, built):
    """With several workers the driver opens (and, when missing, builds) the gazetteer first: each
    worker would otherwise build its own at once. Inline, the one process does it itself."""
    from sitroom.resolve import gazetteer

    calls: list[str] = []
    monkeypatch.setattr(gazetteer, "open_gazetteer", lambda *a, **k: calls.append("gazetteer"))
    monkeypatch.setattr(engines, "run_pool", lambda *a, **k: calls.append("pool") or iter(()))
    monkeypatch.setattr(engines, "run_inline", lambda *a, **k: iter(()))
    run(tmp_path, workers=workers)
    assert calls[:2] == built


def test_a_rerun_with_another_date_order_reads_the_inputs_again(tmp_path):
    """A date order is part of how a partition was read: with another one, the run reads again, and
    a run without one keeps the done markers of runs made before the option existed."""
    assert reading(None, None) == {"published": None, "mapping": None}
    table = tmp_path / "news.csv"
    table.write_text(
        "body,date\n"
        '"Chinese warships and aircraft surrounded Taiwan on Monday, the defence ministry said."'
        ",03/05/2024\n",
        encoding="utf-8",
    )
    args = ([str(table)], tmp_path / "work")
    db, cols = str(tmp_path / "a.duckdb"), "text=body,published=date"
    first = run_batch(*args, db=db, mapping=cols)
    assert first.ran == 1 and first.new == 1
    rep = run_batch(*args, db=db, mapping=cols, date_order="dmy")
    assert rep.ran == 1 and rep.skipped == 0 and rep.known == 1  # read again (its article was stored)
    again = run_batch(*args, db=db, mapping=cols, date_order="DMY")
    assert again.skipped == 1 and again.ran == 0
    fresh = str(tmp_path / "b.duckdb")
    assert run_batch([str(table)], tmp_path / "work2", db=fresh, mapping=cols, date_order="DMY").new == 1
    for path, want in ((db, "2024-03-05"), (fresh, "2024-05-03")):
        with duckdb.connect(path, read_only=True) as con:
            assert con.execute("SELECT published FROM articles").fetchall() == [(want,)]
    with pytest.raises(UsageError, match="--date-order"):
        run_batch(*args, db=db, date_order="DD/MM")


def test_known_articles_are_not_parsed_again(tmp_path, expected):
    run(tmp_path, workers=1)
    shutil.rmtree(tmp_path / "work")  # a new work folder, the same database
    rep = run(tmp_path, workers=1)
    assert rep.articles == 0 and rep.known == 11 and rep.new == 0
    assert stored(tmp_path / "db.duckdb") == expected


@pytest.mark.skipif(
    not engines.dask_available(), reason="dask[distributed] is not installed (extra: sitroom[dask])"
)
def test_dask_local_cluster_gives_the_same_events(tmp_path, expected):
    rep = run(tmp_path, engine="dask", workers=2)
    assert rep.ok and rep.ran == rep.partitions
    assert stored(tmp_path / "db.duckdb") == expected
    assert 1 <= len(rep.peak_mb) <= 2


@pytest.mark.skipif(
    not engines.dask_available(), reason="dask[distributed] is not installed (extra: sitroom[dask])"
)
def test_a_cluster_started_elsewhere_gives_the_same_events(tmp_path, expected):
    """--scheduler: a cluster someone else started, with Dask's own defaults (its nanny sets the malloc
    trim threshold that our plugin undoes); our plugin is registered on its workers."""
    from distributed import Client, LocalCluster

    with (
        LocalCluster(n_workers=2, threads_per_worker=1, dashboard_address=None, silence_logs=40) as cluster,
        Client(cluster) as client,
    ):
        assert None not in client.run(lambda: os.environ.get(engines.TRIM_ENV)).values()
        rep = run(tmp_path, engine="dask", workers=2, scheduler=cluster.scheduler_address)
        plugins = client.run(lambda dask_worker: sorted(dask_worker.plugins))
    assert rep.ok and rep.ran == rep.partitions
    assert stored(tmp_path / "db.duckdb") == expected
    assert all("sitroom-model" in names for names in plugins.values())


def test_cascade_batch_equals_cascade_run(tmp_path):
    s = load(cascade=True)
    want = {e.id for r in process_articles(read([str(EXAMPLES)]), s) for e in r.events}
    rep = run(tmp_path, workers=1, settings=s)
    assert rep.ok
    assert set(stored(tmp_path / "db.duckdb")) == want


def stories(db: Path) -> list[tuple]:
    """Every story and membership row but their timestamps."""
    with duckdb.connect(str(db), read_only=True) as con:
        out = []
        for t in ("stories", "story_articles", "story_keys"):
            cols = [r[0] for r in con.execute(f"DESCRIBE {t}").fetchall() if not r[0].endswith("_at")]
            out.append(con.execute(f"SELECT {', '.join(cols)} FROM {t} ORDER BY ALL").fetchall())
        return out


def test_workers_compute_the_link_features_and_the_link_reads_them(tmp_path, monkeypatch):
    """Workers compute each article's link features with its parse, and the writer loads them with the
    article: the link computes none, they equal what it computes from the stored rows, and the stories
    are those of `sitroom ingest`'s path, whose link computes them all."""
    from sitroom.link import stored as st
    from sitroom.pipeline import ingest
    from sitroom.store import open_store

    computed: list[int] = []
    real = st.article_features
    monkeypatch.setattr(
        st, "article_features", lambda arts, m=None: computed.append(len(arts)) or real(arts, m)
    )
    rep = run(tmp_path / "two", workers=2)  # the workers are other processes: the spy sees the writer
    assert rep.ok and rep.linked == 11 and computed == []
    with open_store(tmp_path / "two" / "db.duckdb", read_only=True) as store:
        ids = [r[0] for r in store.con.execute("SELECT id FROM articles").fetchall()]
        arts = st.articles(store, ids)
        saved = st._read_whole(store, arts)[0]
        want = real(arts, st.mentions(store, ids))
    assert len(saved) == 11 and saved == want
    with duckdb.connect(str(tmp_path / "two" / "db.duckdb"), read_only=True) as con:  # the writer's
        assert con.execute("SELECT count(*) FROM link_features WHERE bands IS NOT NULL").fetchall() == [(11,)]
    with open_store(tmp_path / "ingest.duckdb") as store:
        ingest([str(EXAMPLES)], store)
    assert computed == [11]  # one link batch, nothing saved before it
    two = stories(tmp_path / "two" / "db.duckdb")
    assert two[0] and two == stories(tmp_path / "ingest.duckdb")


def test_link_features_a_worker_cannot_compute_are_left_to_the_link(tmp_path, monkeypatch):
    """A failure computing link features in a worker loses no article: the shard goes without them
    and the link computes them (one worker runs in this process, so the failure is made here)."""
    from sitroom.link import stored as st

    def broken(tables):
        raise ValueError("made to fail")

    monkeypatch.setattr(st, "table_features", broken)
    rep = run(tmp_path / "one", workers=1)
    assert rep.ok and rep.new == 11 and rep.linked == 11
    with duckdb.connect(str(tmp_path / "one" / "db.duckdb"), read_only=True) as con:
        assert con.execute("SELECT count(*) FROM link_features WHERE terms IS NOT NULL").fetchall() == [(11,)]


def test_one_crawl_file_is_cut_into_byte_ranges_for_several_workers(tmp_path):
    """A WARC.gz bigger than a partition is read by several workers, each taking the records that start
    in its byte range: the events are those of reading the file whole."""
    from io import BytesIO

    from warcio.statusandheaders import StatusAndHeaders
    from warcio.warcwriter import WARCWriter

    crawl = tmp_path / "crawl.warc.gz"
    with open(crawl, "wb") as f:
        writer = WARCWriter(f, gzip=True)
        for k, src in enumerate(sorted(EXAMPLES.glob("*.*"))):
            if src.suffix == ".jsonl" or src.name == "README":
                continue
            text = src.read_text(encoding="utf-8")
            html = (
                text
                if src.suffix == ".html"
                else f"<html><body><article><p>{text}</p></article></body></html>"
            )
            http = StatusAndHeaders(
                "200 OK", [("Content-Type", "text/html; charset=utf-8")], protocol="HTTP/1.1"
            )
            body = html.encode()
            rec = writer.create_warc_record(  # with its length: warcio needs no temporary file
                f"https://news.example/{k}",
                "response",
                payload=BytesIO(body),
                length=len(body),
                http_headers=http,
            )
            writer.write_record(rec)
    s = load()
    want = {e.id: dumps(e) for r in process_articles(read([str(crawl)]), s) for e in r.events}
    assert want
    rep = run_batch(
        [str(crawl)], tmp_path / "work", db=str(tmp_path / "db.duckdb"), workers=2, target_bytes=1_500
    )
    assert rep.ok and rep.partitions >= 4 and rep.ran == rep.partitions
    assert rep.articles == 8
    assert stored(tmp_path / "db.duckdb") == want


def test_one_big_gzipped_table_is_cut_into_row_ranges_for_several_workers(tmp_path):
    """A CSV.gz of many partitions' worth is read by several workers, each taking its rows (the worker
    decompresses up to them): the events are those of reading the file whole."""
    import csv
    import gzip

    table = tmp_path / "wire.csv.gz"
    with gzip.open(table, "wt", encoding="utf-8", newline="") as g:
        w = csv.writer(g)
        w.writerow(["story", "date", "link"])
        for k, a in enumerate(read([str(EXAMPLES)])):
            w.writerow([a.text, a.published or "", f"https://wire.example/{k}"])
    mapping = "text=story,published=date,url=link"
    want = {
        e.id: dumps(e)
        for r in process_articles(read([str(table)], mapping=mapping), load())
        for e in r.events
    }
    assert want
    rep = run_batch(
        [str(table)],
        tmp_path / "work",
        db=str(tmp_path / "db.duckdb"),
        workers=2,
        mapping=mapping,
        target_bytes=1_500,
    )
    assert rep.ok and rep.partitions >= 4 and rep.ran == rep.partitions
    assert rep.articles == 11
    assert stored(tmp_path / "db.duckdb") == want


def test_ingest_tells_the_links_progress_and_stores_what_batch_stores(tmp_path, expected):
    """`sitroom ingest`'s path (one process, no shards) gives the batch engine's events, and reports the
    link as it starts and after its batch."""
    from sitroom.pipeline import ingest
    from sitroom.store import open_store

    seen: list[tuple[int, int]] = []
    with open_store(tmp_path / "db.duckdb") as store:
        got = ingest([str(EXAMPLES)], store, on_link=lambda placed, todo: seen.append((placed, todo)))
    assert got.new == 11 and seen == [(0, 11), (11, 11)]
    assert stored(tmp_path / "db.duckdb") == expected


def test_the_work_folder_may_not_be_an_input_folder_itself(tmp_path):
    from sitroom.errors import UsageError

    (tmp_path / "a.txt").write_text("Troops arrived in the capital on Monday, officials said.")
    with pytest.raises(UsageError, match="give a folder of its own"):
        run_batch([str(tmp_path)], tmp_path, db=str(tmp_path / "db.duckdb"))
    assert not (tmp_path / "manifest.json").exists()
