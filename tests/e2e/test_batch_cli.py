"""`sitroom batch` through the CLI and as a process that gets killed: nothing lost, nothing doubled."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import duckdb
import pytest
from typer.testing import CliRunner

from sitroom.batch import engines
from sitroom.cli import app

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = ROOT / "examples"
SITROOM = str(Path(sys.executable).with_name("sitroom"))
runner = CliRunner()

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def expected() -> set[str]:
    r = runner.invoke(app, ["run", str(EXAMPLES), "--format", "jsonl"])
    assert r.exit_code == 0, r.output
    return {json.loads(line)["id"] for line in r.stdout.splitlines() if line.strip()}


def event_ids(db: Path) -> list[str]:
    with duckdb.connect(str(db), read_only=True) as con:
        return [r[0] for r in con.execute("SELECT id FROM events").fetchall()]


def batch_args(tmp: Path, *extra: str) -> list[str]:
    return ["batch", str(EXAMPLES), "--out", str(tmp / "work"), "--db", str(tmp / "db.duckdb"), *extra]


def test_batch_cli_stores_the_events_of_run(tmp_path, expected):
    r = runner.invoke(app, batch_args(tmp_path, "--partition-mb", "0.003"))
    assert r.exit_code == 0, r.output
    assert "articles/s" in r.stdout and "11 new articles" in r.stdout
    ids = event_ids(tmp_path / "db.duckdb")
    assert len(ids) == len(set(ids)) and set(ids) == expected
    again = runner.invoke(app, batch_args(tmp_path, "--partition-mb", "0.003"))
    assert again.exit_code == 0 and "0 partitions run" in again.stdout


def test_a_rerun_names_the_inputs_that_failed_before_and_exits_1(tmp_path):
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "a.txt").write_text("Russian troops arrived in Niamey on Tuesday, officials said.\n")
    (tmp_path / "in" / "empty.txt").write_text("")
    args = ["batch", str(tmp_path / "in"), "--out", str(tmp_path / "w"), "--db", str(tmp_path / "d.duckdb")]
    first = runner.invoke(app, args)
    assert first.exit_code == 1 and "E_EMPTY 1" in first.stderr
    again = runner.invoke(app, args)
    assert again.exit_code == 1 and "0 partitions run" in again.stdout
    assert "1 input(s) failed in partitions an earlier run finished (by code: E_EMPTY 1)" in again.stderr
    assert "sitroom db failures" in again.stderr


@pytest.mark.skipif(
    not engines.dask_available(), reason="dask[distributed] is not installed (extra: sitroom[dask])"
)
def test_a_scheduler_that_is_not_there_is_an_environment_problem(tmp_path, monkeypatch):
    monkeypatch.setattr(engines, "CONNECT_TIMEOUT", 1)
    r = runner.invoke(app, batch_args(tmp_path, "--engine", "dask", "--scheduler", "tcp://127.0.0.1:9"))
    assert r.exit_code == 3, r.output
    assert "cannot reach the Dask scheduler tcp://127.0.0.1:9" in r.output and "E_DASK_SCHEDULER" in r.output


def test_dask_missing_is_an_environment_problem(tmp_path, monkeypatch):
    monkeypatch.setattr(engines, "dask_available", lambda: False)
    r = runner.invoke(app, batch_args(tmp_path, "--engine", "dask", "--workers", "2"))
    assert r.exit_code == 3
    assert "pip install" in r.output and "dask" in r.output


@pytest.mark.parametrize(
    ("args", "code"),
    [
        (("--engine", "spark"), 2),
        (("--workers", "0"), 2),
        (("--partition-mb", "-1"), 2),
        (("--partition-mb", "0"), 2),
        (("--map", "text"), 2),
    ],
)
def test_bad_options(tmp_path, args, code):
    assert runner.invoke(app, batch_args(tmp_path, *args)).exit_code == code


def _start(tmp: Path, *extra: str) -> subprocess.Popen:
    with open(tmp / "stderr.txt", "wb") as err:
        return subprocess.Popen(
            [SITROOM, *batch_args(tmp, "--partition-mb", "0.0025", "--workers", "2", *extra)],
            stdout=subprocess.DEVNULL,
            stderr=err,
            start_new_session=True,  # its own process group: the test can kill the run and its workers
            cwd=ROOT,
        )


def _wait_for_marker(tmp: Path, proc: subprocess.Popen, timeout: float = 120) -> None:
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if list((tmp / "work" / "done").glob("*.json")):
            return
        if proc.poll() is not None:
            pytest.fail(f"batch ended before any partition was done: {_stderr(tmp)}")
        time.sleep(0.05)
    os.killpg(proc.pid, signal.SIGKILL)
    pytest.fail("no partition finished in time")


def _stderr(tmp: Path) -> str:
    return (tmp / "stderr.txt").read_text(errors="replace")[-2000:]


def _children(pid: int) -> list[int]:
    out = []
    for d in Path("/proc").iterdir():
        if d.name.isdigit():
            try:
                stat = (d / "stat").read_text()
                cmd = (d / "cmdline").read_bytes()
            except OSError:
                continue
            if int(stat.rsplit(")", 1)[1].split()[1]) == pid and b"spawn_main" in cmd:
                out.append(int(d.name))
    return out


def test_a_killed_run_resumes_without_loss_or_duplicates(tmp_path, expected):
    proc = _start(tmp_path)
    _wait_for_marker(tmp_path, proc)
    os.killpg(proc.pid, signal.SIGKILL)  # the driver and its workers, mid-run
    proc.wait(timeout=30)
    r = subprocess.run(
        [SITROOM, *batch_args(tmp_path, "--partition-mb", "0.0025")],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=300,
    )
    assert r.returncode == 0, r.stderr
    assert "already done" in r.stdout
    ids = event_ids(tmp_path / "db.duckdb")
    assert len(ids) == len(set(ids)) and set(ids) == expected


def test_a_killed_worker_is_replaced(tmp_path, expected):
    proc = _start(tmp_path)
    _wait_for_marker(tmp_path, proc)
    workers = _children(proc.pid)
    assert workers, "no worker process found"
    os.kill(workers[0], signal.SIGKILL)
    try:
        proc.wait(timeout=300)
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
    assert proc.returncode == 0, _stderr(tmp_path)
    ids = event_ids(tmp_path / "db.duckdb")
    assert len(ids) == len(set(ids)) and set(ids) == expected


def test_failed_inputs_are_summed_up_and_listed_with_their_reasons(tmp_path):
    table = tmp_path / "news.csv"
    table.write_text(
        "title,body\n" + "".join(f'"T{i}","Troops arrived in Niamey, day {i}."\n' for i in range(4))
    )
    db = str(tmp_path / "db.duckdb")
    r = runner.invoke(
        app, ["batch", str(table), "--out", str(tmp_path / "w"), "--db", db, "--map", "text=content"]
    )
    assert r.exit_code == 1
    assert "inputs that failed, by code: E_RECORD 1" in r.output
    assert "['content'] not in the header" in r.output and f"sitroom db failures --db {db}" in r.output
    listed = runner.invoke(app, ["db", "failures", "--db", db, "--format", "json"])
    assert listed.exit_code == 0, listed.output
    (row,) = json.loads(listed.stdout)
    assert row["code"] == "E_RECORD" and row["source"] == str(table) and "content" in row["message"]
    table_view = runner.invoke(app, ["db", "failures", "--db", db])
    assert "E_RECORD" in table_view.stdout and "content" in table_view.stdout
    none = runner.invoke(app, ["db", "failures", "--db", db, "--code", "E_GZIP"])
    assert none.exit_code == 0 and "no failures recorded that match" in none.stdout
    assert runner.invoke(app, ["db", "failures", "--db", db, "--limit", "0"]).exit_code == 2


def test_more_workers_than_cores_gets_a_note(tmp_path, monkeypatch):
    monkeypatch.setattr(engines, "cpu_count", lambda: 1)
    r = runner.invoke(app, batch_args(tmp_path, "--workers", "2"))
    assert r.exit_code == 0, r.output
    assert "--workers 2 on 1 CPU cores: more workers than cores adds memory" in " ".join(r.output.split())
