"""Dask runs give the same records as local runs: on a LocalCluster, and on a scheduler and worker
started as separate processes on loopback. Tiny inputs: these check correctness, not speed."""
import json
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from typer.testing import CliRunner

from pipeline.cli import app
from pipeline.execution.distributed import run_dask
from pipeline.execution.local import run_local
from pipeline.execution.manifest import manifest_path

from .conftest import write_jsonl

# No importorskip: `make test` installs the 'dist' extra, and a missing Dask must fail, not hide.

TEXTS = [
    "Rebels attacked a police post in Kunduz on Monday, killing {n} officers, officials said.",
    "A car bomb exploded near a market in Mosul, wounding {n} people.",
    "Gunmen kidnapped {n} engineers near Lima yesterday, police said.",
    "The central bank raised its main interest rate by {n} basis points on Thursday.",
]


def _articles(tmp_path: Path, count: int) -> Path:
    rows = [{"id": f"d{i:02d}", "text": TEXTS[i % len(TEXTS)].format(n=i + 2), "published": "2021-06-01"}
            for i in range(count)]
    rows.append({"id": "copy", "text": rows[0]["text"]})  # same content as d00: skipped by both engines
    rows.append(b"{broken\n")
    return write_jsonl(tmp_path / "in.jsonl", rows)


def _records(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def _by_id(records: list[dict]) -> dict[str, dict]:
    ids = [r["article_id"] for r in records]
    assert len(ids) == len(set(ids)), "an article was written twice"
    return {r["article_id"]: r for r in records}


@pytest.fixture(scope="module")
def local_records(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("local")
    summary = run_local([_articles(tmp, 8)], tmp / "records.jsonl", batch_size=3)
    assert summary.articles == 8 and summary.duplicates == 1 and summary.quarantined == 1
    return _by_id(_records(tmp / "records.jsonl"))


def test_local_cluster_run_gives_the_same_records_as_a_local_run(tmp_path, local_records):
    out = tmp_path / "records.jsonl"
    summary = run_dask([_articles(tmp_path, 8)], out, n_workers=2, batch_size=3)
    assert (summary.articles, summary.duplicates, summary.quarantined) == (8, 1, 1)
    assert _by_id(_records(out)) == local_records
    manifest = [json.loads(line) for line in manifest_path(out).read_text(encoding="utf-8").splitlines()]
    assert sorted(m["article_id"] for m in manifest) == sorted(local_records)
    # The same command again finds everything finished.
    again = run_dask([_articles(tmp_path, 8)], out, n_workers=2, batch_size=3)
    assert again.articles == 0 and again.already_done == 9  # the copy shares d00's content hash
    assert len(_records(out)) == 8


@pytest.fixture
def loopback_cluster(tmp_path):
    """A scheduler and one worker process (1 thread), started the way an operator would."""
    scheduler_file = tmp_path / "scheduler.json"
    dask = shutil.which("dask", path=str(Path(sys.executable).parent))
    assert dask, "the dask command line comes with the 'dist' extra"
    processes = [subprocess.Popen([dask, "scheduler", "--host", "127.0.0.1", "--port", "0", "--no-dashboard",
                                   "--scheduler-file", str(scheduler_file)],
                                  stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)]
    try:
        deadline, address = time.monotonic() + 120, None
        while address is None:
            assert time.monotonic() < deadline, "the scheduler did not start"
            assert processes[0].poll() is None, "the scheduler exited"
            try:
                address = json.loads(scheduler_file.read_text())["address"]
            except (OSError, ValueError, KeyError):
                time.sleep(0.2)
        assert address.startswith("tcp://127.0.0.1:")
        processes.append(subprocess.Popen([dask, "worker", address, "--host", "127.0.0.1", "--nthreads", "1",
                                           "--nworkers", "1", "--no-dashboard"],
                                          stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL))
        yield address
    finally:
        for process in reversed(processes):
            process.send_signal(signal.SIGTERM)
        for process in reversed(processes):
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


def test_scheduler_and_worker_processes_on_loopback(tmp_path, local_records, loopback_cluster):
    from distributed import Client

    out = tmp_path / "records.jsonl"
    result = CliRunner().invoke(app, ["run", str(_articles(tmp_path, 8)), "--out", str(out), "--engine", "dask",
                                      "--scheduler", loopback_cluster, "--batch-size", "1",
                                      "--db", f"sqlite:///{tmp_path / 'events.db'}"])
    assert result.exit_code == 0, result.output
    assert _by_id(_records(out)) == local_records
    # Eight batches went to the one worker; it built the pipeline once.
    with Client(loopback_cluster) as client:
        from pipeline.execution.worker import loads

        assert list(client.run(loads).values()) == [1]


def test_scheduler_option_needs_the_dask_engine(tmp_path):
    result = CliRunner().invoke(app, ["run", str(_articles(tmp_path, 1)), "--out", str(tmp_path / "o.jsonl"),
                                      "--scheduler", "tcp://127.0.0.1:1"])
    assert result.exit_code == 2
